"""Build script for the C core, gostd._core (atomics, sync.Map, locks, gob loops).

Everything else lives in pyproject.toml; setuptools needs this file only to
describe the extension module.
"""
import sys

from setuptools import Extension, setup

CORE_DIR = "src/_core"
extra_compile_args = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter",
                      "-Wno-missing-field-initializers", "-Wno-cast-function-type"]
if sys.platform == "win32":
    extra_compile_args = ["/std:c11", "/experimental:c11atomics", "/O2"]

setup(
    ext_modules=[
        Extension(
            "gostd._core",
            sources=[f"{CORE_DIR}/{name}.c" for name in ("module", "reclaim", "atomic", "map",
                                                         "waitq", "mutex", "rwmutex", "gob",
                                                         "stack")],
            depends=[f"{CORE_DIR}/{name}.h" for name in ("core", "reclaim", "waitq", "mutex", "stack")],
            include_dirs=[CORE_DIR],
            extra_compile_args=extra_compile_args,
        )
    ],
)
