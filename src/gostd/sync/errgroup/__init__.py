"""Go's ``golang.org/x/sync/errgroup``: goroutines working on parts of one
task, with the first error collected and, optionally, a context canceled.

::

    g, ctx = errgroup.with_context(context.background())
    for url in urls:
        g.go(fetch, ctx, url)
    g.wait()          # raises the first exception any fetch raised
"""

from ._group import Group, with_context

__all__ = ["Group", "with_context"]
