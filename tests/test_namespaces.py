"""Every public module exposes only its API: ``__all__`` names it, and
``dir()`` holds nothing public beyond it (helpers are imported privately or
live in private modules), so ``help()``, tab completion and ``import *``
show what the package promises and no implementation detail."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types

import pytest

import gostd


def _public_modules() -> list[str]:
    names = ["gostd"]
    for info in pkgutil.walk_packages(gostd.__path__, "gostd."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return names


PUBLIC = _public_modules()


def test_the_walk_finds_the_package_tree():
    assert {"gostd", "gostd.sync", "gostd.sync.atomic", "gostd.time", "gostd.encoding",
            "gostd.encoding.gob", "gostd.net", "gostd.net.rpc",
            "gostd.net.rpc.jsonrpc"} <= set(PUBLIC)


def _resolve(module: types.ModuleType, name: str) -> object:
    """``module.name``, importing it first when it is a submodule (a
    package's ``__all__`` may name submodules, as ``import *`` allows)."""
    if not hasattr(module, name):
        return importlib.import_module(f"{module.__name__}.{name}")
    return getattr(module, name)


@pytest.mark.parametrize("name", PUBLIC)
def test_dir_shows_only_the_api(name: str):
    module = importlib.import_module(name)
    api = getattr(module, "__all__", None)
    assert isinstance(api, list) and len(api) == len(set(api)), f"{name}: __all__"
    for n in api:
        _resolve(module, n)             # every promised name exists
    extra = []
    for n in dir(module):
        if n.startswith("_") or n in api:
            continue
        value = getattr(module, n)
        if isinstance(value, types.ModuleType) and value.__name__ == f"{name}.{n}":
            continue                    # a submodule, bound by importing it
        extra.append(n)
    assert extra == [], f"{name} exposes names outside __all__: {extra}"


@pytest.mark.parametrize("name", PUBLIC)
def test_the_api_is_documented(name: str):
    module = importlib.import_module(name)
    assert module.__doc__, name
    for n in module.__all__:
        value = _resolve(module, n)
        if inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value):
            assert value.__doc__, f"{name}.{n} has no docstring"


def test_star_import_gives_exactly_all():
    for name in PUBLIC:
        ns: dict[str, object] = {}
        exec(f"from {name} import *", ns)
        assert set(ns) - {"__builtins__"} == set(importlib.import_module(name).__all__), name
