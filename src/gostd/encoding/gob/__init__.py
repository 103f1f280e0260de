"""Go's ``encoding/gob``, byte-compatible with Go 1.19.

What Python encodes, Go decodes, and the reverse::

    from dataclasses import dataclass
    from gostd.encoding import gob

    @dataclass
    class Args:
        A: int
        B: int

    data = gob.dumps(Args(7, 8))       # same bytes as Go's gob.NewEncoder(w).Encode(Args{7, 8})
    gob.loads(data, into=Args)         # Args(A=7, B=8)
    gob.loads(data)                    # {'A': 7, 'B': 8}

Streams: ``gob.Encoder(w)`` (``w.write(bytes)``) sends each type definition
once per stream, then values; ``gob.Decoder(r)`` (``r.read(n)``, e.g.
``sock.makefile('rb')``) reads exactly one item per ``decode()`` and never
reads ahead.  ``decode()`` raises :class:`EOFError` at a clean end of stream
(Go's ``io.EOF``) and :class:`GobError` for everything else, including
``unexpected EOF`` when the stream ends inside an item.  ``Decoder.skip()``
reads and discards one item (Go's ``Decode(nil)``); ``decode()`` with no
``into`` returns it in plain form.

Type mapping (Python annotation -> Go type):

====================================  =======================================
Python                                Go
====================================  =======================================
``bool``                              ``bool``
``int``                               ``int`` (int64 range)
``gob.int8/int16/int32/int64``        the sized signed types
``gob.uint/uint8/.../uint64/uintptr`` the unsigned types (``gob.byte`` =
                                      uint8, ``gob.rune`` = int32)
``float`` / ``gob.float32``           ``float64`` / ``float32``
``complex`` / ``gob.complex64``       ``complex128`` / ``complex64``
``str``                               ``string`` (UTF-8; invalid bytes
                                      round-trip via surrogateescape)
``bytes`` (``bytearray`` encodes)     ``[]byte``
``list[T]``, ``tuple[T, ...]``        ``[]T`` (``gob.slice(T)``)
``tuple[T, T, T]``                    ``[3]T`` (``gob.array(T, n)``);
                                      decodes to a tuple
``dict[K, V]``                        ``map[K]V`` (``gob.map(K, V)``)
``Optional[T]``                       ``*T`` (``gob.ptr(T)``); None = nil
``typing.Any``                        ``interface{}``
``@dataclass class X``                ``struct`` named ``X`` (package
                                      ``main``: Go type ``main.X``)
``gob.named("S", lambda S: list[S])`` a named type (``type S []S``)
``class IDs(list)`` with              a named type (``type IDs []uint64``);
``__gob_type__ = list[gob.uint64]``   values decode as ``IDs``
``datetime.datetime``                 ``time.Time`` (naive = UTC;
                                      :class:`Time` keeps nanoseconds)
class with ``gob_encode()`` /         a ``GobEncoder``/``GobDecoder``
``gob_decode(data)``                  (``marshal_binary``/
                                      ``unmarshal_binary``:
                                      ``BinaryMarshaler``)
====================================  =======================================

Structs: a dataclass's fields, in order, whose wire names start with an
upper-case letter (others are unexported and never sent, as in Go).  The wire
name is the field name unless overridden with
``dataclasses.field(metadata={"gob": "WireName"})`` (``"-"`` excludes the
field); fields annotated ``Callable`` or ``gostd.Chan`` (or ``Optional``
of them), Go's func and chan fields, are never sent nor decoded.  The type
name written into definitions is the class's ``__name__``
(``__gob_name__`` overrides it; ``__gob_name__ = ""`` makes an unnamed
``struct{...}``); ``__gob_package__`` (default ``"main"``) names its Go
package in error messages and default registration names; an import path
(``"example.com/x/y"``) is named by its last element in type strings
(``y.T``), and registers as Go's ``Register`` does: ``"example.com/x/y.T"``,
but ``"*y.T"`` through a pointer.  Recursive and
nested dataclasses work.  Decoded dataclass instances are made without
calling ``__init__``: fields not on the wire get their default (or Go's zero
value: 0, "", [], {}, None for pointers and interfaces).

Named non-struct types: a class deriving from the Python type of the
values (``list``, ``dict``, ``tuple``, ``int``, ``str``, ``bytes``...) and
declaring ``__gob_type__`` (the underlying annotation) is that Go named type,
``__gob_name__``/``__gob_package__`` as for structs (``class
Duration(int): __gob_type__ = gob.int64; __gob_package__ = "time"``).  Its
instances carry the name through interfaces; decoding gives instances.

Values without a ``type`` are inferred: ``int`` -> int, ``float`` ->
float64, ``str``, ``bytes``, markers keep their Go type
(``gob.uint64(5)``), dataclasses, datetimes, named classes; lists and
dicts take their elements' common type (``[]interface {}`` when empty or
mixed).  ``gob.typed(value, T)`` gives a :class:`GoList`/:class:`GoDict`/
:class:`GoTuple` that carries Go type ``T`` instead (``typed([1, 2],
list[Any])`` is a ``[]interface {}``); interface values decode to these
when inference would not give back their type, so they re-encode as they
arrived.

Interfaces carry registered types: ``gob.register(Point)`` registers under
``"main.Point"`` (Go's ``Register`` naming), ``gob.register(Point,
"pkg.Point")`` under any name (``RegisterName``).  Builtin scalars and
slices of them are pre-registered as in Go (``"int"``, ``"[]uint8"``,
``"[]string"``...).  Decoding an interface yields a value of the registered
type (sized numbers as their marker class); an unknown name raises
``gob: name not registered for interface: "..."``.

Without ``into``, decoding gives plain values: a struct becomes a ``dict``
of every field of the wire type (zero values filled in for fields not
sent; nested struct fields not sent - i.e. nil pointers - are None), slices
and arrays lists, maps dicts (unhashable keys become tuples),
``time.Time`` an aware ``datetime``, other GobEncoder payloads ``bytes``.

Errors carry Go's exact texts (``gob: decoding into local type *uint,
received remote type int``, ``value for "X" out of range``...); an
exception raised by ``gob_encode``/``gob_decode`` (or the binary
marshalers) becomes a :class:`GobError` with its text unchanged, as Go
returns the method's error itself.  Hostile
input never allocates more than a small multiple of the bytes received;
message size is capped by ``max_message_size`` (Go's ``tooBig``, 8 GiB).
Plain decoding, which makes a dict entry for every field of a remote struct
sent or not, may build 4 MiB plus 64 bytes per byte of the item's value
messages, else ``gob: decoded value too large for the bytes received``.
Values nested deeper than the thread's stack or Python's recursion limit
allow (a linked list of a few hundred nodes on a 256 KiB thread stack, of
about a thousand on a default one) raise :class:`GobError` ``gob: invalid
nesting depth`` on either side, never ``RecursionError`` or a crash.

A value of the wrong Python type for its Go type raises :class:`GobError`
(``gob: cannot encode str as float64``) rather than being converted:
int kinds take ints (not bool) and anything with ``__index__``; floats and
complex numbers also take ints; strings take ``str`` or the raw bytes;
``[]byte`` takes ``bytes``, ``bytearray`` or a buffer; bool takes bool;
slices take any sequence but str, bytes and mappings; maps any mapping.
A struct field holding None is not sent.  Lists and dicts are encoded
from a snapshot, so another thread changing them cannot corrupt a stream.

Fidelity notes: type ids are numbered per Encoder from 65 in Go's order, as
a fresh Go process numbers them (Go's ids are process-wide), so each stream
is byte-identical to a fresh Go process's; receivers never depend on the
numbers.  ``gob_decode(data)`` is called on an instance made with
``cls.__new__`` (Go's zero value); if it returns an instance of the class,
that is the result.  Times with nanoseconds beyond the microsecond decode to
:class:`Time` (a datetime subclass with ``nanosecond``); negative zone
offsets that are not whole minutes shift on decoding exactly as Go 1.19's
``UnmarshalBinary`` shifts them.
"""

from ._decoder import Decoder, loads
from ._encoder import Encoder, dumps
from ._types import (GoDict, GoList, GoTuple, GoType, array, byte, complex64,
                     complex128, float32, float64, go_type, infer_type, int8,
                     int16, int32, int64, map, named, ptr, register, rune, slice,
                     typed, uint, uint8, uint16, uint32, uint64, uintptr)
from ._time import Time
from ._wire import TOO_BIG, GobError

__all__ = [
    "Encoder", "Decoder", "dumps", "loads", "register", "GobError", "TOO_BIG",
    "GoType", "go_type", "infer_type", "slice", "array", "map", "ptr", "named",
    "typed", "GoList", "GoDict", "GoTuple", "Time",
    "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
    "uint64", "uintptr", "float32", "float64", "complex64", "complex128",
    "byte", "rune",
]
