"""gostd: Go's concurrency toolkit for Python.

Goroutines, channels and ``select`` live at the top level, as in Go's
language; the rest mirrors Go's package tree:

* :mod:`gostd.sync` -- Mutex, RWMutex, WaitGroup, Once, Cond, Pool, Map
* :mod:`gostd.sync.atomic` -- typed lock-free atomics
* :mod:`gostd.time` -- sleep, after, Timer, Ticker
* :mod:`gostd.context` -- cancellation, deadlines and values across goroutines
* :mod:`gostd.encoding.gob` -- Go's gob wire format
* :mod:`gostd.net.rpc` and :mod:`gostd.net.rpc.jsonrpc` -- Go's net/rpc
"""

from ._chan import Chan, select
from ._goroutine import go
from ._panic import Panic

__all__ = ["Chan", "Panic", "go", "select"]
__version__ = "0.1.0"
