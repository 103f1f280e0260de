"""Go's ``golang.org/x/sync/singleflight``: suppress duplicate calls.

::

    g: singleflight.Group[bytes] = singleflight.Group()
    data, shared = g.do(url, lambda: fetch(url))   # concurrent callers share one fetch
"""

from ._group import Group, Result

__all__ = ["Group", "Result"]
