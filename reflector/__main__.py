"""`python -m reflector [--bind ADDR]... [--port N] [--secret S]`: the reflector alone.

Same options as `assess reflector`, with the standard library's argument parser: a far-end host
needs only this package, the wire codecs and pydantic, not the survey's dependencies.
"""

from __future__ import annotations

import argparse
import os
import sys

from core.errors import UserError
from reflector.service import DEFAULT_PORT, ServeOptions, serve


def _port(text: str, low: int = 0) -> int:
    value = int(text)
    if not low <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reflector", description=__doc__.splitlines()[0])
    parser.add_argument("--bind", action="append", help="Address to listen on (repeat for several).")
    parser.add_argument("--port", type=lambda t: _port(t, 1), default=DEFAULT_PORT, help="UDP port for probes.")
    parser.add_argument("--secret", default=os.environ.get("ASSESS_SECRET"),
                        help="Shared secret (prefer the ASSESS_SECRET environment variable).")
    parser.add_argument("--stun-port", type=_port, default=3478, help="RFC 5780 STUN port and the next (0: off).")
    parser.add_argument("--sip-port", type=_port, default=5060, help="SIP echo, UDP and TCP (0: off).")
    parser.add_argument("--sip-alt-port", type=_port, default=5062, help="Second SIP echo port (0: off).")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    options = ServeOptions(
        binds=tuple(args.bind or ["0.0.0.0"]), port=args.port, secret=args.secret,
        stun_port=args.stun_port, sip_port=args.sip_port, sip_alt_port=args.sip_alt_port,
    )
    try:
        serve(options, lambda line: print(line, file=sys.stderr, flush=True))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
