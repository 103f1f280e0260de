"""sync.Pool: get/put, new, None ignored, emptied by garbage collection."""

from __future__ import annotations

import gc
import time

from gostd import go
from gostd.sync import Pool
import pytest
from gostd_testutil import TIMEOUT

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def test_get_empty_without_new_returns_none() -> None:
    assert Pool().get() is None


def test_get_calls_new_when_empty() -> None:
    made = []

    def new() -> bytearray:
        made.append(1)
        return bytearray(8)

    p: Pool[bytearray] = Pool(new)
    a = p.get()
    assert isinstance(a, bytearray) and len(made) == 1
    p.put(a)
    assert p.get() is a and len(made) == 1
    assert p.get() is not a and len(made) == 2


def test_new_may_be_set_later() -> None:
    p: Pool[int] = Pool()
    p.new = lambda: 5
    assert p.get() == 5


def test_put_none_is_ignored() -> None:
    p: Pool[object] = Pool(new=lambda: "fresh")
    p.put(None)
    assert p.get() == "fresh"


def test_pool_emptied_by_full_collections() -> None:
    p: Pool[object] = Pool()
    x = object()
    p.put(x)
    gc.collect()                 # moves to the victim cache: still obtainable
    assert p.get() is x
    p.put(x)
    gc.collect()
    gc.collect()                 # victim dropped
    assert p.get() is None


def test_concurrent_get_put_hands_each_object_to_one_holder() -> None:
    p: Pool[list] = Pool(new=list)
    errors: list[str] = []

    def work() -> None:
        for _ in range(2000):
            obj = p.get()
            if obj:                       # someone else is using it
                errors.append("shared")
            obj.append(1)
            obj.clear()
            p.put(obj)

    threads = [go(work) for _ in range(6)]
    deadline = time.monotonic() + TIMEOUT
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        assert not t.is_alive()
    assert errors == []
