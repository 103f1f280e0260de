"""Python twins of tests/net/rpc/goaccept/main.go's services (Store, Book),
written the way a Python user of gostd.net.rpc would write them, so a Go
client gets the same answers from either server."""

from __future__ import annotations

import datetime
import threading
import time
import typing
from dataclasses import dataclass, field
from typing import Optional

from gostd.encoding import gob

ZERO_TIME = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)


@dataclass
class Sub:
    Note: str = ""
    Score: float = 0.0


@dataclass
class Item:
    Name: str = ""
    Qty: gob.int64 = 0  # type: ignore[assignment]
    Level: gob.uint8 = 0  # type: ignore[assignment]
    Price: float = 0.0
    Tags: list[str] = field(default_factory=list)
    Data: bytes = b""
    When: datetime.datetime = ZERO_TIME
    Sub: Optional[Sub] = None
    # Optional: a Go map may be nil (not sent) or empty (sent); None is nil.
    Attrs: Optional[dict[str, gob.int32]] = None  # type: ignore[valid-type]


@dataclass
class Filter:
    MinQty: gob.int64 = 0  # type: ignore[assignment]
    Tag: str = ""


@dataclass
class Middle:
    Depth: int = 0
    Leaf: Optional[Sub] = None
    Subs: Optional[dict[str, Sub]] = None


@dataclass
class Outer:
    Label: str = ""
    In: Middle = field(default_factory=Middle)
    Ptr: Optional[Middle] = None
    List: list[Sub] = field(default_factory=list)


@dataclass
class Empty:
    """Go's ``struct{}``."""

    __gob_name__ = ""


class Store:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Item] = {}

    def Put(self, it: Item) -> Empty:
        if not it.Name:
            raise ValueError("store: empty name")
        with self._lock:
            self._items[it.Name] = it
        return Empty()

    def Get(self, name: str) -> Item:
        with self._lock:
            it = self._items.get(name)
        if it is None:
            raise KeyError(f'store: no item "{name}"')
        return it

    def List(self, f: Filter) -> list[Item]:
        with self._lock:
            return [it for _, it in sorted(self._items.items())
                    if it.Qty >= f.MinQty and (not f.Tag or f.Tag in it.Tags)]

    def Index(self, prefix: str) -> dict[str, Item]:
        with self._lock:
            return {k: v for k, v in self._items.items() if k.startswith(prefix)}

    def Reset(self, _: Empty) -> int:
        with self._lock:
            n = len(self._items)
            self._items = {}
        return n

    def Stamp(self, t: datetime.datetime) -> datetime.datetime:
        out = t + datetime.timedelta(hours=1)
        ns = getattr(t, "nanosecond", None)
        return gob.Time.with_nanosecond(out, ns) if ns is not None else out

    def Sleep(self, ms: int) -> int:
        time.sleep(ms / 1000)
        return ms

    def Hello(self, name: str) -> str:
        return "hello, " + name

    def Nest(self, o: Outer) -> Outer:
        o.Label = o.Label * 2
        o.In.Depth += 1
        if o.Ptr is not None:
            o.Ptr.Depth += 10
        return o


@dataclass
class Contact:
    FullName: str = field(default="", metadata={"json": "full_name"})
    Email: str = field(default="", metadata={"json": "email,omitempty"})
    Age: int = field(default=0, metadata={"json": "age"})
    Tags: Optional[list[str]] = field(default=None, metadata={"json": "tags"})
    Secret: str = field(default="", metadata={"json": "-"})
    Since: datetime.datetime = field(default=ZERO_TIME, metadata={"json": "since"})


class Book:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._contacts: list[Contact] = []

    def Add(self, c: Contact) -> int:
        if not c.FullName:
            raise ValueError("book: contact without a name")
        with self._lock:
            self._contacts.append(c)
            return len(self._contacts)

    def Find(self, name: str) -> Contact:
        with self._lock:
            for c in self._contacts:
                if c.FullName == name:
                    return c
        raise LookupError(f'book: no contact "{name}"')

    def All(self, min_age: int) -> list[Contact]:
        with self._lock:
            return [c for c in self._contacts if c.Age >= min_age]


@dataclass
class Base:
    ID: gob.uint16 = 0  # type: ignore[assignment]
    Kind: str = ""


@dataclass
class Node:
    Val: int = 0
    Next: Optional["Node"] = None


@dataclass
class Kitchen:
    """Go's Kitchen: nearly every kind gob has (Base is embedded in Go: one
    field named after its type, as gob sends it)."""

    Base: Base = field(default_factory=Base)
    Arr: tuple[int, int, int] = (0, 0, 0)
    Grid: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.0), (0.0, 0.0))
    U: gob.uint64 = 0  # type: ignore[assignment]
    I8: gob.int8 = 0  # type: ignore[assignment]
    F32: gob.float32 = 0.0  # type: ignore[assignment]
    C: complex = 0j
    Any: typing.Any = None
    Tree: Optional[Node] = None
    Quad: tuple[gob.uint8, gob.uint8, gob.uint8, gob.uint8] = (0, 0, 0, 0)  # type: ignore[valid-type]
    ByInt: Optional[dict[int, str]] = None
    Nested: list[list[str]] = field(default_factory=list)
    Keys: Optional[dict[str, list[int]]] = None
    Flags: list[bool] = field(default_factory=list)
    Ptrs: list[Optional[Sub]] = field(default_factory=list)


gob.register(Sub)


class Kitchens:
    def Echo(self, k: Kitchen) -> Kitchen:
        return k
