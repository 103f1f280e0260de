"""Shared timing and table printing for the benchmark modules.

Every area module (``bench_<area>.py``) exposes ``run(quick: bool) -> None``
and prints its tables with :class:`Table`.  Rows of one table are measured
side by side in the same process, and each is reported as a ratio against the
table's baseline row, since absolute numbers on a shared machine are noise.
"""

from __future__ import annotations

import sys
import sysconfig
import time
from dataclasses import dataclass, field
from typing import Callable


def build_description() -> str:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    ft = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    kind = "free-threaded build, GIL " + ("on" if gil else "off") if ft else "GIL build"
    return f"Python {sys.version.split()[0]} ({kind})"


def best_rate(fn: Callable[[int], object], ops: int, *, repeat: int = 5,
              min_time: float = 0.05) -> float:
    """Operations per second of ``fn(ops)``, which performs ``ops`` operations.

    The best of ``repeat`` runs is kept (the least disturbed by other load);
    ``ops`` grows until one run takes at least ``min_time`` seconds.
    """
    while True:
        start = time.perf_counter()
        fn(ops)
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        ops *= 2
    best = elapsed
    for _ in range(repeat - 1):
        start = time.perf_counter()
        fn(ops)
        best = min(best, time.perf_counter() - start)
    return ops / best


@dataclass
class Table:
    """Rows of (name, ops/s) printed with each row's speed relative to ``baseline``.

    ``ratio`` is rate / baseline rate, so above 1.0 means faster than the
    baseline.  ``goal`` notes print beside rows they apply to.
    """

    title: str
    baseline: str
    unit: str = "ops/s"
    rows: list[tuple[str, float, str]] = field(default_factory=list)

    def add(self, name: str, rate: float, note: str = "") -> None:
        self.rows.append((name, rate, note))

    def print(self) -> None:
        base = next((r for n, r, _ in self.rows if n == self.baseline), None)
        print(f"\n## {self.title}  [{build_description()}]")
        width = max([len(n) for n, _, _ in self.rows] + [10])
        print(f"{'case':<{width}}  {self.unit:>14}  {'vs ' + self.baseline:>12}  note")
        for name, rate, note in self.rows:
            ratio = f"{rate / base:.2f}x" if base else "-"
            print(f"{name:<{width}}  {rate:>14,.0f}  {ratio:>12}  {note}")
        sys.stdout.flush()
