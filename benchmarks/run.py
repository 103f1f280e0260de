"""Run the gostd benchmarks and print one table of ratios per area.

    python benchmarks/run.py            # every area
    python benchmarks/run.py sync map   # some areas
    python benchmarks/run.py --quick    # shorter runs, for a smoke check
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

AREAS = ["sync", "atomic", "map", "gob", "rpc"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("areas", nargs="*", default=[],
                        help="areas to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="short runs")
    args = parser.parse_args()
    unknown = sorted(set(args.areas) - set(AREAS))
    if unknown:
        parser.error(f"unknown area(s) {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    for area in args.areas or AREAS:
        try:
            module = importlib.import_module(f"bench_{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench_{area}":
                raise
            print(f"\n## {area}: no benchmark module yet")
            continue
        module.run(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
