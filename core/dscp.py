"""DSCP code points by name (RFC 2474, 2597, 3246, 5865), written once for the plan, the parsers and the probes."""

from __future__ import annotations

DSCP_BY_VALUE: dict[int, str] = {
    0: "cs0", 8: "cs1", 16: "cs2", 24: "cs3", 32: "cs4", 40: "cs5", 48: "cs6", 56: "cs7",
    10: "af11", 12: "af12", 14: "af13", 18: "af21", 20: "af22", 22: "af23",
    26: "af31", 28: "af32", 30: "af33", 34: "af41", 36: "af42", 38: "af43",
    44: "voice-admit", 46: "ef",
}  # fmt: skip
"""The canonical (lower-case) name of each named code point."""

DSCP_BY_NAME: dict[str, int] = {name: value for value, name in DSCP_BY_VALUE.items()} | {
    "be": 0, "default": 0, "va": 44}  # fmt: skip
"""Every name a DSCP may be given by, canonical or alias."""

WHAT_A_DSCP_IS = "a name (ef, cs0-cs7, af11-af43, va, default) or a number 0-63"


def dscp_value(text: str | int) -> int:
    """DSCP from a name (``ef``, ``AF41``) or a number 0-63; ValueError naming both forms otherwise.

    >>> dscp_value("EF"), dscp_value(" af41 "), dscp_value(10), dscp_value("63")
    (46, 34, 10, 63)
    """
    key = str(text).strip().lower()
    if key in DSCP_BY_NAME:
        return DSCP_BY_NAME[key]
    if key.isdecimal() and int(key) <= 63:
        return int(key)
    raise ValueError(f"DSCP {text!r} is not {WHAT_A_DSCP_IS}")


def canonical_dscp(text: str | int) -> str:
    """The DSCP's canonical name, or its number as text when the code point has no name.

    >>> canonical_dscp("46"), canonical_dscp("DEFAULT"), canonical_dscp(45)
    ('ef', 'cs0', '45')
    """
    value = dscp_value(text)
    return DSCP_BY_VALUE.get(value, str(value))
