"""`assess pcap`: per-stream RTP quality and the SIP calls of a capture file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assess import startup_gc
from assess.console import print_json, safe_text
from core.errors import UserError

if TYPE_CHECKING:
    from core.models.pcap import PcapResult


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _show(result: PcapResult) -> None:
    from rich import box  # rich only for the table: `--json` does without it
    from rich.table import Table

    from assess.console import err_console

    # Figures never wrap or shorten, addresses and codecs fold: boxed and padded, on 80 columns every cell was
    # cut to "0xa…", "127…", "4.…" (the MOS and jitter themselves unreadable).
    title = f"RTP streams in {result.file} ({result.frames} frames, {result.duration_s:.1f} s; jitter in ms)"
    table = Table(title=safe_text(title), title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=0)
    table.add_column("SSRC, from, to", overflow="fold", min_width=len("255.255.255.255:65535"))
    table.add_column("payload", overflow="fold", max_width=len("telephone"))
    for col in ("pkts", "lost", "loss %", "dup", "ooo", "jitter", "max", "MOS"):
        table.add_column(col, justify="right", no_wrap=True)
    for s in result.streams:
        table.add_row(
            safe_text(f"{s.ssrc}\n{s.src}\n{s.dst}"), safe_text(s.payload), str(s.packets), str(s.lost),
            _fmt(s.loss_pct), str(s.duplicates), str(s.out_of_order), _fmt(s.jitter_ms, 3),
            _fmt(s.max_jitter_ms, 3), _fmt(s.mos),
        )  # fmt: skip
    err_console.print(table)
    if result.calls:
        calls = Table(title="SIP calls", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for col in ("Call-ID", "from", "to", "responses", "setup ms", "streams"):
            calls.add_column(col, overflow="fold")
        for c in result.calls:
            codes = " ".join(str(code) for code in c.responses)
            calls.add_row(*(safe_text(v) for v in (c.call_id, c.from_uri, c.to_uri, codes, _fmt(c.setup_time_ms, 0),
                                                   ", ".join(c.streams))))
        err_console.print(calls)
    if not result.streams:
        err_console.print("no RTP streams found")


def pcap_command(
    file: Path = typer.Argument(..., help="A pcap or pcapng capture (e.g. from a SPAN port or the PBX)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Passive capture analysis: per RTP stream loss, jitter (as Wireshark) and MOS; SIP calls found."""
    if not file.is_file():
        raise UserError(f"capture file {file} not found")
    with startup_gc.paused():  # importing numpy and building the result models makes no garbage to look for
        from assess.process_memory import keep_freed_memory
        from collectors.pcap.analyse import analyse_capture  # numpy only when this command runs

    keep_freed_memory()  # one capture, then exit: reuse each chunk's memory for the next
    result = analyse_capture(file)
    if as_json:
        print_json(result)
    else:
        _show(result)


def register(app: typer.Typer) -> None:
    """Add `assess pcap` to ``app``."""
    app.command("pcap")(pcap_command)
