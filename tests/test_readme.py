"""The README's Python examples run as written."""

import pathlib
import re
import sys
import types

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def _blocks_without_servers():
    # The net/rpc block binds a fixed port; the rpc examples under examples/
    # and their tests cover the same calls on ephemeral ports.
    return [b for b in BLOCKS if "serve_http" not in b]


@pytest.mark.parametrize("block", _blocks_without_servers(),
                         ids=lambda b: b.strip().splitlines()[0][:40])
def test_readme_block_runs(block, capsys, monkeypatch):
    # A real module, so dataclasses defined by the block can find their module.
    module = types.ModuleType("readme_block")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(block, str(README), "exec"), module.__dict__)


def test_readme_has_examples():
    assert len(_blocks_without_servers()) >= 2
