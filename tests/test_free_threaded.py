"""Free-threaded CPython (3.13t+): gostd keeps the GIL off, and the C core's
lock-free loads survive writers replacing and freeing what readers load.

Run with a free-threaded interpreter, e.g. /opt/py313t; skipped elsewhere.
"""

import gc
import os
import subprocess
import sys
import sysconfig
import threading
import time

import pytest

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
pytestmark = pytest.mark.skipif(
    not FREE_THREADED, reason="needs a free-threaded CPython build (e.g. 3.13t)")

MAGIC = 0x5DEECE66D


class Payload:
    """A freshly allocated value whose fields are checked by readers: a
    use-after-free shows up as a wrong check (or a crash)."""

    __slots__ = ("n", "check", "blob")

    def __init__(self, n):
        self.n = n
        self.check = n ^ MAGIC
        self.blob = [n] * 4

    def ok(self):
        return self.check == self.n ^ MAGIC and self.blob == [self.n] * 4


def test_gil_stays_disabled_after_importing_gostd():
    code = (
        "import importlib, pkgutil, sys\n"
        "import gostd\n"
        "names = [m.name for m in pkgutil.walk_packages(gostd.__path__, 'gostd.')\n"
        "         if not m.name.endswith('__main__')]\n"
        "for n in names:\n"
        "    importlib.import_module(n)\n"
        "import gostd.sync, gostd.sync.atomic, gostd._core\n"
        "print(sys._is_gil_enabled(), len(names))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    enabled, count = out.stdout.split()
    assert enabled == "False", out.stdout + out.stderr
    assert int(count) > 3
    from gostd import _core
    assert _core.FREE_THREADED == 1


def hammer(readers, writers, seconds=1.5, timeout=60.0):
    stop = threading.Event()
    errors = []

    def wrap(fn, i):
        try:
            while not stop.is_set():
                fn(i)
        except BaseException as e:
            errors.append(e)
            stop.set()

    threads = [threading.Thread(target=wrap, args=(f, i)) for i, f in enumerate(readers + writers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "worker stuck"
    if errors:
        raise errors[0]


@pytest.mark.parametrize("simple_keys", [True, False], ids=["str-int-keys", "tuple-keys"])
def test_map_hot_key_readers_vs_swapping_writers(simple_keys):
    # With only str/int keys, load() looks up inside one read section; any
    # other key takes the reference-counted path.  Both are hammered.
    from gostd.sync import Map

    def churn_key(n):
        return f"k{n % 64}" if simple_keys else ("k", n % 64)

    for _ in range(3):  # rounds with a fresh map
        m = Map()
        m.store("hot", Payload(0))
        counter = [0]
        loads = [0]

        def reader(i):
            v, ok = m.load("hot")
            if ok:
                assert v.ok()
                loads[0] += 1
            assert ("hot" in m) in (True, False)
            for k, v in m.items():
                if k == "hot":
                    assert v.ok()
                    break

        def writer(i):
            counter[0] += 1
            n = counter[0]
            r = n % 5
            if r == 0:
                m.delete("hot")
            elif r == 1:
                prev, ok = m.swap("hot", Payload(n))
                assert not ok or prev.ok()
            elif r == 2:
                v, ok = m.load_and_delete("hot")
                assert not ok or v.ok()
            elif r == 3:
                v, ok = m.load("hot")
                if ok:
                    m.compare_and_swap("hot", v, Payload(n))
            else:
                m.store("hot", Payload(n))
                # force promotions and dirty copies: replaces the snapshot
                m.store(churn_key(n), n)
                m.load(f"missing{n}" if simple_keys else ("missing", n))  # promotes

        def collector(i):
            gc.collect()
            time.sleep(0.05)

        hammer([reader] * 3, [writer, writer, collector], seconds=1.0)
        assert loads[0] > 0


@pytest.mark.parametrize("kind", ["Pointer", "Value"])
def test_atomic_refs_readers_vs_writers(kind):
    from gostd.sync import atomic

    holder = getattr(atomic, kind)()
    holder.store(Payload(0))
    counter = [0]

    def reader(i):
        v = holder.load()
        assert v is not None and v.ok()

    def writer(i):
        counter[0] += 1
        n = counter[0]
        if n % 3 == 0:
            old = holder.swap(Payload(n))
            assert old.ok()
        elif n % 3 == 1:
            cur = holder.load()
            holder.compare_and_swap(cur, Payload(n))
        else:
            holder.store(Payload(n))

    hammer([reader] * 3, [writer] * 2, seconds=1.0)


def test_int64_add_exact_without_gil():
    from gostd.sync.atomic import Int64

    n = Int64()
    per = 50000

    def worker():
        for _ in range(per):
            n.add(1)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert n.load() == 4 * per
