"""Go's ``sync/atomic``: typed, lock-free atomics from the C core.

``Int32``, ``Int64``, ``Uint32``, ``Uint64`` and ``Uintptr`` hold a fixed-width
integer with Go's two's-complement wrap-around: ``load()``, ``store(v)``,
``swap(v) -> old``, ``compare_and_swap(old, new) -> bool``, ``add(delta) -> new``,
``and_(mask) -> old``, ``or_(mask) -> old``.  Storing a value that does not fit
raises ``OverflowError``; a non-int raises ``TypeError`` -- ``bool`` included,
since Go has no implicit conversion from bool to an integer.  ``add`` accepts
any int and reduces it modulo 2**width, so ``Uint32(0).add(-1) == 2**32 - 1``
(Go's ``AddUint32(&x, ^uint32(0))``).

``Bool`` holds ``True``/``False`` (only bools are accepted).  ``Pointer[T]``
holds an object or ``None`` (nil) and compares by identity.  ``Value`` holds
any object whose type is fixed by the first store; storing ``None`` or a value
of another type raises :class:`gostd.Panic` with Go's message, and ``load()``
returns ``None`` while nothing was stored.

All operations are real hardware atomics (C11 ``<stdatomic.h>``) and are safe
on free-threaded CPython.
"""

from ..._core import Bool, Int32, Int64, Pointer, Uint32, Uint64, Uintptr, Value

__all__ = ["Bool", "Int32", "Int64", "Pointer", "Uint32", "Uint64", "Uintptr", "Value"]
