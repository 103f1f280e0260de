"""``gostd tour``: the seed article's scenarios, run end to end.

Each section is a module of this package with ``run(say)``, where ``say``
prints one line.  A section returns normally when everything it shows held,
and raises otherwise, so the tour exits non-zero on any broken claim.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback

# (title, module) in the article's order of reading.
SECTIONS: list[tuple[str, str]] = [
    ("sync.Map vs a plain map", "syncmap"),
    ("sync/atomic", "atomic"),
    ("Data races and three remedies", "races"),
    ("Mutex and RWMutex: fairness, writer preference, Go's panics", "locks"),
    ("encoding/gob: byte for byte with Go", "gob"),
    ("net/rpc: Arith over HTTP and TCP, async calls with a 1 ms ticker, the math name", "rpc"),
]


def run_tour() -> int:
    failed = 0
    for title, module in SECTIONS:
        print(f"\n=== {title} ===", flush=True)
        start = time.perf_counter()
        try:
            importlib.import_module(f"{__name__}.{module}").run(
                lambda line: print(f"  {line}", flush=True))
        except Exception:  # report every section, then fail
            failed += 1
            traceback.print_exc()
            print(f"  FAILED: {title}", flush=True)
        else:
            print(f"  ({time.perf_counter() - start:.2f}s)", flush=True)
    print(f"\ntour: {len(SECTIONS) - failed} of {len(SECTIONS)} sections ok", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run_tour())
