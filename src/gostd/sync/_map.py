"""Go's ``sync.Map``, implemented in the C core (``gostd._core``).

The class is the C type itself, not a Python wrapper, so ``load`` on a
present key costs about as much as ``dict.get``.  It follows Go's read/dirty
design: a lock-free read snapshot plus a mutex-guarded dirty map, promoted
after enough misses.  ``Map[str, int]`` works for typing (``__class_getitem__``).

Methods (Go name -> Python): Load ``load(k) -> (v, ok)``, Store ``store(k, v)``,
LoadOrStore ``load_or_store(k, v) -> (actual, loaded)``, LoadAndDelete
``load_and_delete(k) -> (v, loaded)``, Delete ``delete(k)``, Swap
``swap(k, v) -> (previous, loaded)``, CompareAndSwap ``compare_and_swap(k, old,
new) -> bool``, CompareAndDelete ``compare_and_delete(k, old) -> bool`` (values
compared with ``==`` and no identity shortcut, as Go's ``==``: a NaN never
matches), Range ``range(f)`` (stops when ``f`` returns a false value;
``None`` continues), Clear ``clear()``.  Also ``k in m`` and iteration
(``keys``/``values``/``items``/``iter(m)``) with Range's guarantees: it never
fails because another thread mutates the map, visits each key at most once,
and visits every key that is present and unchanged throughout.

There is no ``len()``, as in Go: a count would need the lock and be stale as
soon as it is returned.  Keys must be hashable; an exception raised by a key's
``__hash__``/``__eq__`` propagates and leaves the map unchanged.  Using the same
Map from inside a key's ``__hash__``/``__eq__`` while the map holds its lock
raises :class:`gostd.Panic` rather than deadlocking.
"""

from .._core import Map

__all__ = ["Map"]
