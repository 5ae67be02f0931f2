"""`assess monitor PLAN`: pilot monitoring of every link on a schedule, into OUT/monitor.sqlite."""

from __future__ import annotations

from pathlib import Path

import typer

from assess.console import err_console
from assess.monitor.light_probes import MAX_RTP_S, LightProbeOptions, bytes_per_interval
from assess.monitor.runner import LinkJob, MonitorOptions, jobs_of, run_monitor
from core.errors import UserError
from core.plan import load_plan

MIN_INTERVAL_S = 2.0  # compressed schedules for tests and labs; real pilots use minutes
MAX_PROBE_SHARE = 0.5  # the stream may occupy at most half of each interval


def monitor(
    plan: Path = typer.Argument(..., help="The survey plan (its links' reflectors are the far ends)."),
    out: Path = typer.Option(Path("out/survey"), "--out", help="The survey folder: the store is OUT/monitor.sqlite."),
    for_: str | None = typer.Option(None, "--for", help="How long to run: 7d, 12h, 90m, 3600 "
                                    "(default: until stopped)."),
    interval: float = typer.Option(300.0, "--interval", help="Seconds between the starts of two intervals per link."),
    metrics: str | None = typer.Option(None, "--metrics", help="Serve OpenMetrics/Prometheus text on HOST:PORT "
                                       "(e.g. :9464)."),
    rtp_duration: float = typer.Option(20.0, "--rtp-duration", help="Seconds of synthetic RTP per interval "
                                       "(at most 60, and at most half the interval)."),
    sip: bool = typer.Option(True, "--sip/--no-sip", help="SIP OPTIONS round trip to the provider (voice.sip_domain)."),
    public_address: bool = typer.Option(True, "--public-address/--no-public-address",
                                        help="Public address via STUN each interval (links with a stun endpoint)."),
    site: list[str] = typer.Option([], "--site", help="Only this site (repeat for several)."),
    secret: str | None = typer.Option(None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
                                      help="Shared secret of the far-end reflector (prefer the environment variable)."),
) -> None:
    """Measure every link of PLAN each --interval (a short RTP stream, a SIP OPTIONS round trip, the public
    address) for --for or until SIGTERM / Ctrl-C, appending each interval to OUT/monitor.sqlite as it
    is measured. Restarting continues the series; missed intervals are recorded as gaps with their cause.

    Bounds: one stream per link at a time, at most 60 s and half of each interval; a far end that stopped
    answering is probed at most once a minute. The bytes per day are printed before starting.
    `assess report OUT` then adds a "Link quality over the pilot" page to each site's report.
    """
    from assess.monitor.metrics import parse_listen  # prometheus_client: only when monitoring
    from assess.monitor.schedule import parse_duration

    if interval < MIN_INTERVAL_S:
        raise UserError(f"--interval {interval:g}: must be at least {MIN_INTERVAL_S:g} s")
    if not 0 < rtp_duration <= min(MAX_RTP_S, interval * MAX_PROBE_SHARE):
        raise UserError(f"--rtp-duration {rtp_duration:g}: must be more than 0 and at most "
                        f"{min(MAX_RTP_S, interval * MAX_PROBE_SHARE):g} s (60 s, and half the interval)")
    loaded = load_plan(plan)
    unknown = sorted(set(site) - {s.name for s in loaded.sites})
    if unknown:
        raise UserError(f"--site {unknown[0]}: no such site in {plan}")
    opts = MonitorOptions(
        out_dir=out, interval_s=interval, duration_s=parse_duration(for_) if for_ else None,
        probes=LightProbeOptions(rtp_duration_s=rtp_duration, sip=sip, public_address=public_address, secret=secret),
        metrics_listen=parse_listen(metrics) if metrics else None, sites=frozenset(site),
    )
    jobs = jobs_of(loaded, opts.sites)
    if not jobs:
        raise UserError(f"{plan}: no link with a reflector to monitor")
    print_budget(jobs, opts)
    ended = run_monitor(loaded, opts, lambda msg: err_console.print(msg, soft_wrap=True, markup=False))
    err_console.print(f"monitor ended ({ended}); store: {out / 'monitor.sqlite'}")


def print_budget(jobs: list[LinkJob], opts: MonitorOptions) -> None:
    """The plan-level budget: bytes per day each link's probes put on it, and the total."""
    per_day = 86400.0 / opts.interval_s
    total = 0.0
    for job in jobs:
        daily = bytes_per_interval(job.link, job.voice, opts.probes) * per_day
        total += daily
        err_console.print(f"{job.site}/{job.link.name}: every {opts.interval_s:g} s, "
                          f"~{daily / 1e6:.1f} MB/day of probe traffic", markup=False)
    err_console.print(f"budget: ~{total / 1e6:.1f} MB/day over {len(jobs)} link(s)", markup=False)


def register(app: typer.Typer) -> None:
    """Add `assess monitor` to ``app``."""
    app.command()(monitor)
