"""Go's ``sync`` package: Mutex, RWMutex, WaitGroup, Once, Cond, Pool and Map.

Names are Go's; methods use Python spelling (``lock``/``unlock``,
``r_lock``/``r_unlock``, ``wait``, ``do``).  Locks are context managers.
Misuse that Go treats as fatal (unlocking an unlocked mutex, a negative
WaitGroup counter) raises :class:`gostd.Panic` with Go's message.

``golang.org/x/sync``'s packages are subpackages here:
:mod:`gostd.sync.errgroup`, :mod:`gostd.sync.semaphore` and
:mod:`gostd.sync.singleflight`.
"""

from ._cond import Cond
from ._map import Map
from ._mutex import Locker, Mutex
from ._once import Once, once_func, once_value, once_values
from ._pool import Pool
from ._rwmutex import RWMutex
from ._waitgroup import WaitGroup

__all__ = ["Cond", "Locker", "Map", "Mutex", "Once", "Pool", "RWMutex", "WaitGroup",
           "once_func", "once_value", "once_values"]
