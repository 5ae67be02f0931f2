"""`python -m reflector [--bind ADDR]... [--port N] [--secret S]`: the reflector alone.

Same options as `assess reflector`, with the standard library's argument parser: a far-end host
needs only this package, the wire codecs and pydantic, not the survey's dependencies.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from core.errors import UserError
from reflector.service import BIND_HELP, PORT_OPTIONS, SECRET_HELP, PortOption, ServeOptions, serve


def _port_in(option: PortOption) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not option.low <= value <= option.high:
            raise argparse.ArgumentTypeError(f"{value} is not in {option.low}-{option.high}")
        return value
    parse.__name__ = "port"  # argparse names the type in its error: "invalid port value: 'x'"
    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reflector", description=__doc__.splitlines()[0])
    parser.add_argument("--bind", action="append", help=BIND_HELP)
    parser.add_argument("--secret", default=os.environ.get("ASSESS_SECRET"), help=SECRET_HELP)
    for dest, option in PORT_OPTIONS.items():
        parser.add_argument(option.flag, dest=dest, type=_port_in(option), default=option.default, help=option.help)
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
