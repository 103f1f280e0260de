"""sync.Mutex: exclusion, try_lock, cross-goroutine unlock, Go's panic text, Locker."""

from __future__ import annotations

import threading
import time

import pytest

from gostd import Panic, go
from gostd.sync import Locker, Mutex, RWMutex

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)

TIMEOUT = 10


def join(*threads: threading.Thread, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        assert not t.is_alive(), "goroutine still blocked"


def test_lock_unlock_and_try_lock() -> None:
    m = Mutex()
    assert m.try_lock() is True
    assert m.try_lock() is False
    m.unlock()
    m.lock()
    assert m.try_lock() is False
    m.unlock()
    assert m.try_lock() is True
    m.unlock()


def test_unlock_of_unlocked_mutex_panics_with_go_message() -> None:
    m = Mutex()
    with pytest.raises(Panic) as info:
        m.unlock()
    assert str(info.value) == "sync: unlock of unlocked mutex"
    m.lock()
    m.unlock()
    with pytest.raises(Panic, match="^sync: unlock of unlocked mutex$"):
        m.unlock()


def test_context_manager() -> None:
    m = Mutex()
    with m as got:
        assert got is m
        assert not m.try_lock()
    assert m.try_lock()
    m.unlock()
    with pytest.raises(ZeroDivisionError):
        with m:
            1 / 0
    assert m.try_lock()          # released on the way out of the exception
    m.unlock()


def test_exit_of_unlocked_mutex_panics() -> None:
    m = Mutex()
    with pytest.raises(Panic, match="^sync: unlock of unlocked mutex$"):
        with m:
            m.unlock()


def test_another_goroutine_may_unlock() -> None:
    m = Mutex()
    m.lock()
    join(go(m.unlock))
    assert m.try_lock()
    m.unlock()


def test_lock_blocks_until_unlocked() -> None:
    m = Mutex()
    m.lock()
    acquired = threading.Event()
    t = go(lambda: (m.lock(), acquired.set()))
    assert not acquired.wait(0.1)
    m.unlock()
    assert acquired.wait(TIMEOUT)
    join(t)
    assert not m.try_lock()
    m.unlock()


def test_mutual_exclusion_stress() -> None:
    m = Mutex()
    n = [0]
    inside = [0]
    violations = [0]

    def work() -> None:
        for _ in range(2000):
            with m:
                inside[0] += 1
                if inside[0] != 1:
                    violations[0] += 1
                v = n[0]
                time.sleep(0) if v % 97 == 0 else None
                n[0] = v + 1
                inside[0] -= 1

    join(*[go(work) for _ in range(8)])
    assert violations[0] == 0
    assert n[0] == 8 * 2000


def test_locker_protocol() -> None:
    assert isinstance(Mutex(), Locker)
    assert isinstance(RWMutex(), Locker)
    assert isinstance(RWMutex().r_locker(), Locker)
    assert not isinstance(object(), Locker)
