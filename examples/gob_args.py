"""The article's Args travels as gob, byte for byte what Go writes.

    python examples/gob_args.py

Go writes these same bytes for ``gob.NewEncoder(w).Encode(Args{7, 8})``
in package main; pipe the hex into a Go program to check both directions.
"""

import io
from dataclasses import dataclass

from gostd.encoding import gob


@dataclass
class Args:
    A: int
    B: int


@dataclass
class Quotient:
    Quo: int
    Rem: int


def main():
    data = gob.dumps(Args(7, 8))
    print(f"Args{{7, 8}} as gob: {data.hex()}")
    print(f"decoded into Args: {gob.loads(data, into=Args)}")
    print(f"decoded without a type: {gob.loads(data)}")

    # One stream, several values: each type is defined once per stream.
    stream = io.BytesIO()
    enc = gob.Encoder(stream)
    enc.encode(Args(15, 6))
    first = stream.tell()
    enc.encode(Quotient(2, 3))
    enc.encode(Args(1, 0))
    print(f"stream: {first} bytes for the first Args, {stream.tell()} in all")
    stream.seek(0)
    dec = gob.Decoder(stream)
    print(f"read back: {dec.decode(into=Args)}, {dec.decode(into=Quotient)}, "
          f"{dec.decode(into=Args)}")
    try:
        dec.decode()
    except EOFError:
        print("then EOFError: the clean end of the stream")

    try:
        gob.loads(data, into=Quotient)
    except gob.GobError as err:
        print(f"Args into Quotient: GobError: {err}")


if __name__ == "__main__":
    main()
