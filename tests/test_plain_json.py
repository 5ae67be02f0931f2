"""plain_json writes what json.dumps(data, indent=2) writes, byte for byte (the peer is the standard library)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.console import plain_json

# Any character, surrogates included (which the fast writer cannot encode: it must fall back, not fail).
TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1e-05, 1e16, 1e20, 0.0001, 123456789012345.6, -0.0, 1.5e300, 5e-324])
    | TEXT
)
DATA = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=25
)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(TEXT, DATA, max_size=4) | st.lists(DATA, max_size=4))
def test_plain_json_equals_the_standard_library(data: dict[str, object] | list[object]) -> None:
    assert plain_json(data) == json.dumps(data, indent=2)


def test_an_audit_sized_document_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    ports = [{"name": f"Gi1/0/{n}", "voice_vlan": 20, "poe_w": 15.4, "evidence": "description caf\u00e9\x7f"}
             for n in range(2000)]  # fmt: skip
    document = {"facts": {"ports": ports, "ratio": math.pi}, "findings": []}
    used: list[object] = []
    original = json.dumps
    monkeypatch.setattr(json, "dumps", lambda *a, **k: (used.append(a), original(*a, **k))[1])
    assert plain_json(document) == original(document, indent=2)
    assert not used  # written by the fast writer, not by json.dumps
