"""Go's ``golang.org/x/sync/semaphore``: a weighted semaphore.

::

    sem = semaphore.Weighted(4)
    sem.acquire(ctx, 2)      # blocks; raises ctx's error if it is canceled first
    try:
        ...
    finally:
        sem.release(2)
"""

from ._weighted import Weighted

__all__ = ["Weighted"]
