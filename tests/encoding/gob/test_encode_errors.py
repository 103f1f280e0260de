"""What the encoder refuses (issue 14, item 15): values of the wrong Python
type are a GobError naming both types, never silently converted nor a raw
``struct.error``; containers that hold themselves are a GobError, never a
RecursionError."""

from __future__ import annotations

import dataclasses
import enum
import io
from typing import Any, Optional

import pytest

from gostd.encoding import gob


@dataclasses.dataclass
class Fields:
    F: float = 0.0
    F32: gob.float32 = 0.0
    S: str = ""
    I: int = 0
    U8: gob.uint8 = 0
    U: gob.uint64 = 0
    B: bool = False
    C: complex = 0j
    Raw: bytes = b""
    L: list[int] = dataclasses.field(default_factory=list)
    LS: list[str] = dataclasses.field(default_factory=list)
    M: dict[str, int] = dataclasses.field(default_factory=dict)
    P: Optional[int] = None


BAD = [
    ("F", "x", "str", "float64"),
    ("F", True, "bool", "float64"),
    ("F", None.__class__, "type", "float64"),
    ("F32", "x", "str", "float32"),
    ("S", 5, "int", "string"),
    ("S", 1.5, "float", "string"),
    ("S", ["a"], "list", "string"),
    ("I", "5", "str", "int"),
    ("I", 1.5, "float", "int"),
    ("I", True, "bool", "int"),
    ("U8", 1.0, "float", "uint8"),
    ("U", "1", "str", "uint64"),
    ("B", 1, "int", "bool"),
    ("B", "x", "str", "bool"),
    ("C", "x", "str", "complex128"),
    ("Raw", "text", "str", "[]uint8"),
    ("Raw", [1, 2], "list", "[]uint8"),
    ("Raw", 10 ** 12, "int", "[]uint8"),
    ("L", "abc", "str", "[]int"),
    ("L", 5, "int", "[]int"),
    ("L", {1: 2}, "dict", "[]int"),
    ("L", [1, "a"], "str", "int"),
    ("L", [1, 2.5], "float", "int"),
    ("LS", ["a", 5], "int", "string"),
    ("M", [("a", 1)], "list", "map[string]int"),
    ("M", {"a": "b"}, "str", "int"),
    ("P", "x", "str", "int"),
]


@pytest.mark.parametrize("field,value,py,go", BAD, ids=[f"{f}={v!r}"[:30] for f, v, _, _ in BAD])
def test_wrong_python_type_is_a_gob_error(field, value, py, go):
    with pytest.raises(gob.GobError) as info:
        gob.dumps(Fields(**{field: value}))
    assert str(info.value) == f"gob: cannot encode {py} as {go}"


@pytest.mark.parametrize("value,ann,py,go", [
    ("x", float, "str", "float64"),
    (5, str, "int", "string"),
    ("5", int, "str", "int"),
    (1, bool, "int", "bool"),
    ([1, "a"], list[int], "str", "int"),
    ([1, "a"], tuple[int, int], "str", "int"),
    ({"a": 1.5}, dict[str, int], "float", "int"),
])
def test_wrong_python_type_at_top_level(value, ann, py, go):
    with pytest.raises(gob.GobError) as info:
        gob.dumps(value, type=ann)
    assert str(info.value) == f"gob: cannot encode {py} as {go}"


def test_float_fields_take_ints_a_float_can_hold():
    assert gob.loads(gob.dumps(Fields(F=3, C=2)), into=Fields) == Fields(F=3.0, C=2 + 0j)
    with pytest.raises(gob.GobError) as info:
        gob.dumps(Fields(F=10 ** 400))
    assert str(info.value) == "gob: integer out of range for float64"
    with pytest.raises(gob.GobError):
        gob.dumps(10 ** 400, type=float)


class Color(enum.IntEnum):
    RED = 1


class Name(str):
    pass


def test_accepted_spellings():
    """Subclasses of the expected type (IntEnum, str subclasses, markers),
    bytes for strings, any sequence for slices, any mapping for maps, and
    None for a field not sent."""
    v = Fields(I=Color.RED, U8=gob.uint8(7), S=Name("n"), LS=("a", "b"), L=range(3),
               Raw=bytearray(b"r"), M={"k": 1}, B=True)
    assert gob.loads(gob.dumps(v), into=Fields) == Fields(
        I=1, U8=7, S="n", LS=["a", "b"], L=[0, 1, 2], Raw=b"r", M={"k": 1}, B=True)
    assert gob.loads(gob.dumps(Fields(S=b"\xff"))).get("S") == "\udcff"
    assert gob.dumps(Fields(I=None, S=None, F=None)) == gob.dumps(Fields())


def test_self_containing_values_are_gob_errors():
    a: list[Any] = [1]
    a.append(a)
    d: dict[str, Any] = {}
    d["self"] = d
    for value in (a, d, [[a]]):
        with pytest.raises(gob.GobError) as info:
            gob.dumps(value)
        assert str(info.value) == "gob: invalid nesting depth"
    with pytest.raises(gob.GobError) as info:
        gob.dumps(a, type=list[Any])
    assert str(info.value) == "gob: invalid nesting depth"


@dataclasses.dataclass
class Loop:
    V: int = 0
    Next: Optional[Loop] = None


def test_self_referencing_struct_is_a_gob_error():
    x = Loop(1)
    x.Next = x
    with pytest.raises(gob.GobError) as info:
        gob.dumps(x)
    assert str(info.value) == "gob: invalid nesting depth"
    out = io.BytesIO()
    enc = gob.Encoder(out)
    with pytest.raises(gob.GobError):
        enc.encode(x)
    enc.encode(Loop(2))               # the encoder stays usable
    assert gob.Decoder(io.BytesIO(out.getvalue())).decode(into=Loop) == Loop(2)
