"""The ``gostd`` command: ``gostd tour`` and ``gostd rpc serve|call``."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gostd", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("tour", help="run the article's scenarios end to end")
    try:
        from .net.rpc import _cli as rpc_cli
    except ImportError:  # net/rpc not built yet
        rpc_cli = None
    if rpc_cli is not None:
        rpc_cli.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "tour":
        from ._tour import run_tour

        return run_tour()
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
