"""The README's Python examples run as written."""

import pathlib
import re
import socket
import subprocess
import sys
import types

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
SERVER_BLOCKS = [b for b in BLOCKS if "serve_http" in b]
PLAIN_BLOCKS = [b for b in BLOCKS if b not in SERVER_BLOCKS]


def _first_line(block):
    return block.strip().splitlines()[0][:40]


@pytest.mark.parametrize("block", PLAIN_BLOCKS, ids=_first_line)
def test_readme_block_runs(block, monkeypatch):
    # A real module, so dataclasses defined by the block can find their module.
    module = types.ModuleType("readme_block")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(block, str(README), "exec"), module.__dict__)


@pytest.mark.parametrize("block", SERVER_BLOCKS, ids=_first_line)
def test_readme_server_block_runs(block):
    # The block registers on the process-wide default server and binds port
    # 1234; run it in its own interpreter on a free loopback port instead.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = block.replace("127.0.0.1:1234", f"127.0.0.1:{port}")
    assert code != block, "the README's server block no longer binds 127.0.0.1:1234"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr


def test_readme_has_examples():
    assert len(PLAIN_BLOCKS) >= 3 and len(SERVER_BLOCKS) == 1
