"""Refusal to copy or pickle, for the types Go's vet checks with ``noCopy``."""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["NoCopy"]


class NoCopy:
    """Mixin: ``copy.copy``, ``copy.deepcopy`` and ``pickle`` raise ``TypeError``.

    Go forbids copying a WaitGroup, Once, Cond or Pool after first use (``go
    vet`` flags it; a copied Cond panics with ``sync.Cond is copied``).  A
    Python copy would share or split the internal locks, so it is refused.
    Both ``copy`` and ``pickle`` go through ``__reduce_ex__``.
    """

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError(f"cannot copy or pickle gostd.sync.{type(self).__name__}: "
                        "Go forbids copying it after first use")
