"""`assess emodel`: ITU-T G.107 R-factor and MOS for a codec, delay, jitter and loss."""

from __future__ import annotations

import typer

from assess.console import print_json
from core.emodel import CODECS, EModelResult, emodel
from core.errors import UserError

# A jitter buffer sized at twice the interarrival jitter absorbs nearly all of it; that is
# the delay --jitter-ms adds on top of --delay-ms.
JITTER_BUFFER_FACTOR = 2.0


def _show(result: EModelResult) -> None:
    from rich.table import Table  # rich only for the table: `--json` does without it

    from assess.console import err_console

    table = Table(title=f"E-model (ITU-T G.107), codec {result.codec}", show_header=False)
    rows = [
        ("R-factor", f"{result.r_factor:.1f}"),
        ("MOS", f"{result.mos:.2f}"),
        ("Ro (signal-to-noise)", f"{result.ro:.2f}"),
        ("Is (simultaneous)", f"{result.i_s:.2f}"),
        (
            "Id (delay: Idte + Idle + Idd)",
            f"{result.i_d:.2f} = {result.idte:.2f} + {result.idle:.2f} + {result.idd:.2f}",
        ),
        ("Ie-eff (codec + loss)", f"{result.ie_eff:.2f}"),
        ("mouth-to-ear delay Ta", f"{result.ta_ms:.1f} ms"),
        ("packet loss", f"{result.loss_pct:g} % (burst ratio {result.burst_ratio:g})"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    err_console.print(table)
    if result.estimate:
        err_console.print(f"[yellow]note:[/] {CODECS[str(result.codec)].source}")


MAX_MS = 60_000.0  # a minute of one-way delay or jitter: far past where the E-model's R reaches 0


def emodel_command(
    codec: str = typer.Option(..., "--codec", help="g711 (with PLC), g729 (G.729A+VAD), g722 or opus."),
    delay_ms: float = typer.Option(
        0.0, "--delay-ms", min=0.0, max=MAX_MS, help="One-way mouth-to-ear delay Ta (T = Ta, Tr = 2T)."
    ),
    jitter_ms: float = typer.Option(
        0.0, "--jitter-ms", min=0.0, max=MAX_MS,
        help="Interarrival jitter; adds a jitter buffer of 2x this to the delay.",
    ),
    loss_pct: float = typer.Option(0.0, "--loss-pct", min=0.0, max=100.0, help="Random packet loss, percent."),
    burst_ratio: float = typer.Option(1.0, "--burst-ratio", min=1.0, max=1000.0, help="Burst ratio (1 = random loss)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """ITU-T G.107 E-model: R-factor and MOS (codec impairments from G.113 Appendix I)."""
    if codec.lower() not in CODECS:
        raise UserError(f"unknown codec {codec!r}: choose one of {', '.join(sorted(CODECS))}")
    ta = delay_ms + JITTER_BUFFER_FACTOR * jitter_ms
    result = emodel(codec, one_way_delay_ms=ta, loss_pct=loss_pct, burst_ratio=burst_ratio)
    if as_json:
        print_json(result)
    else:
        _show(result)


def register(app: typer.Typer) -> None:
    """Add `assess emodel` to ``app``."""
    app.command("emodel")(emodel_command)
