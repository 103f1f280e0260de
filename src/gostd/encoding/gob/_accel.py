"""The C loops of struct encoding and decoding (``gostd._core``, gob.c).

``EncPlan``/``DecPlan`` build callables with the signatures of the generated
Python struct ops, from tables describing the same fields; they handle the
common cases in C and hand everything else (and every error) to the
generated Python code, so results and error texts are the Python path's.
Set ``GOSTD_GOB_PURE=1`` in the environment, before gob is imported, to run
the pure-Python codec only.
"""

from __future__ import annotations

import os

EncPlan = None
DecPlan = None
if os.environ.get("GOSTD_GOB_PURE", "") in ("", "0"):
    try:
        from ..._core import GobDecPlan as DecPlan, GobEncPlan as EncPlan
    except ImportError:  # pragma: no cover - a build without the gob loops
        EncPlan = DecPlan = None

# Kind codes shared with gob.c (ENC_* and DEC_*).
ENC_INT, ENC_UINT, ENC_BOOL, ENC_STRING, ENC_FLOAT, ENC_STRSLICE, ENC_BYTES, ENC_OTHER = range(8)
DEC_KINDS = {"int": 0, "uint": 1, "bool": 2, "string": 3, "float": 4, "[]string": 5, "other": 6}
DEC_OTHER = 6
