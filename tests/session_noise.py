"""What a captured terminal session adds to a clean output, per platform, as the devices' CLIs print it.

A session log (PuTTY/SecureCRT "log all output", `script`, a copy of the raw stream) keeps the prompt and the
echoed command, CRLF line ends, colour codes, and every pager prompt with the bytes that erase it. Written from
the CLIs' behaviour, independently of the normaliser that removes them.
"""

from __future__ import annotations

from dataclasses import dataclass

ESC = "\x1b"


@dataclass(frozen=True)
class Terminal:
    """One platform's prompt, its pager prompt and how it erases that prompt before the next page."""

    prompt: str
    pager: str
    erase: str
    page_lines: int = 23


def _backspace_erase(pager: str) -> str:
    """IOS/Catalyst style: backspace over the prompt, overwrite with spaces, backspace again."""
    return "\b" * len(pager) + " " * len(pager) + "\b" * len(pager)


_IOS_MORE = " --More-- "
TERMINALS: dict[str, Terminal] = {
    "cisco_ios": Terminal("hq-sw1#", _IOS_MORE, _backspace_erase(_IOS_MORE)),
    "cisco_xe": Terminal("cc-sw3#", _IOS_MORE, _backspace_erase(_IOS_MORE)),
    "cisco_asa": Terminal("hq-fw1# ", "<--- More --->", "\r" + " " * 14 + "\r"),
    "cisco_nxos": Terminal("core1# ", f"{ESC}[7m--More--{ESC}[m", f"\r{ESC}[K"),
    "arista_eos": Terminal("br-sw1#", " --More-- ", f"\r{ESC}[K"),
    "juniper_junos": Terminal("netops@srx1> ", "---(more 42%)---", "\r" + " " * 40 + "\r"),
    "fortinet": Terminal("FGT60F # ", "--More-- ", "\r" + " " * 9 + "\r"),
    "paloalto_panos": Terminal("admin@PA-440> ", f"{ESC}[7mlines 1-40 {ESC}[27m", f"\r{ESC}[K"),
    "mikrotik_routeros": Terminal(
        f"[admin@{ESC}[36mMikroTik{ESC}[m] > ", "-- [Q quit|D dump|down]", f"\r{ESC}[K", page_lines=30
    ),
    "linux": Terminal(f"{ESC}[01;32mroot@edge1{ESC}[00m:{ESC}[01;34m~{ESC}[00m# ", "", "", page_lines=0),
}


def _coloured(line: str, n: int) -> str:
    """Some lines in bold or colour, as syntax-highlighting CLIs and terminals print them."""
    if n % 7 == 3 and line.strip():
        return f"{ESC}[1m{line}{ESC}[0m"
    if n % 11 == 5 and line.strip():
        return f"{ESC}[32m{line}{ESC}[39m"
    return line


def captured_session(platform: str, command: str, text: str) -> str:
    """``text`` as a session log shows it after ``command`` was typed at ``platform``'s prompt."""
    term = TERMINALS[platform]
    out = [f"{term.prompt}{command}"]
    for n, line in enumerate(text.split("\n")):
        line = _coloured(line, n)
        if term.page_lines and n and n % term.page_lines == 0:
            line = term.pager + term.erase + line
        out.append(line)
    out.append(term.prompt)
    return "\r\n".join(out)
