"""The data files the app's dependencies read at run time, found by one rule for all of them.

transformers 5.25 began importing ``kernels``, which opens its ``python_depends.json`` at
import time: the frozen app failed to load any model, and no spec line named that file.
So the spec names no such file: for every installed distribution whose modules the app
imports (PyInstaller's analysis says which), it ships each file of that distribution that
is neither code nor a library (those PyInstaller handles) nor a build input (headers,
sources, CMake files), at the same path under the bundle as in site-packages.

Imported by packaging/desktop_chat.spec after its Analysis; tests/test_packaging.py checks
the rule against the built bundle. Standard library only.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

# Code and libraries (PyInstaller collects what is imported), and what only a compiler reads.
NOT_DATA_SUFFIXES = frozenset({
    ".py", ".pyc", ".pyo", ".pyi", ".pyx", ".pxd", ".so", ".pyd", ".dylib", ".dll", ".lib",
    ".a", ".exp", ".pdb", ".h", ".hh", ".hpp", ".cuh", ".c", ".cc", ".cpp", ".cu", ".m",
    ".mm", ".metal", ".cmake", ".typed",
})
NOT_DATA_FOLDERS = frozenset({"__pycache__", "include", "tests", "test", "testing"})
# Where a package's own PyInstaller hook decides what to ship, from a much larger wheel:
# PySide6's Qt hook takes the plugins and translations the used Qt modules need (the rest
# is designer tools, type systems and QML for modules we exclude). torch and its headers,
# CMake files and test binaries are taken by torch's hook; its other data is small.
HOOK_MANAGED = frozenset({"pyside6-essentials", "pyside6", "shiboken6", "pyside6-addons"})
# Left out of the bundle on purpose, data or not: torch's wheel carries its own test suite
# and test binaries, headers and CMake files (~130 MB), never used here.
# torch/bin/torch_shm_manager stays: `import torch` checks that it exists.
UNUSED = ("torch/test/", "torch/bin/", "torch/include/", "torch/share/cmake/")
NEEDED_AMONG_UNUSED = ("torch_shm_manager",)


def used(bundle_name: str) -> bool:
    """Whether the file at ``bundle_name`` (a path inside the bundle) is shipped."""
    name = bundle_name.replace("\\", "/")
    return not name.startswith(UNUSED) or name.endswith(NEEDED_AMONG_UNUSED)


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def top_level_names(toc: Iterable[tuple]) -> set[str]:
    """The top-level import names in PyInstaller TOC entries (pure modules or extensions)."""
    names = set()
    for entry in toc:
        name, typecode = entry[0], entry[-1]
        if typecode == "EXTENSION":  # a path: torch/_C.cpython-311-x86_64-linux-gnu.so
            names.add(PurePosixPath(name.replace("\\", "/")).parts[0].split(".")[0])
        elif typecode in ("PYMODULE", "PYSOURCE"):
            names.add(name.split(".")[0])
    return names


def imported_distributions(import_names: Iterable[str]) -> dict[str, set[str]]:
    """Each installed distribution that provides one of ``import_names``, with those names."""
    providers = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for name in import_names:
        for distribution in providers.get(name, ()):
            found.setdefault(canonical(distribution), set()).add(name)
    return found


def is_data(path: PurePosixPath) -> bool:
    if path.parts[0] == ".." or path.parts[0].endswith((".dist-info", ".data", ".egg-info")):
        return False  # scripts and metadata (copy_metadata adds what is read)
    if NOT_DATA_FOLDERS.intersection(path.parts[:-1]):
        return False
    return path.suffix.lower() not in NOT_DATA_SUFFIXES and ".so." not in path.name


def runtime_data_files(distribution: str, import_names: set[str]) -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for each data file of ``distribution`` that
    lies under one of its imported top-level packages."""
    files = importlib.metadata.distribution(distribution).files or []
    found = []
    for record in files:
        path = PurePosixPath(record.as_posix())
        if path.parts[0] not in import_names or not is_data(path):
            continue
        source = Path(record.locate())
        if source.is_file():
            found.append((str(source), str(path.parent)))
    return found


def dependency_data(toc: Iterable[tuple], skip: Iterable[str] = HOOK_MANAGED,
                    ) -> list[tuple[str, str]]:
    """The data files of every distribution the analysed app imports (see the module)."""
    skipped = {canonical(name) for name in skip}
    found = []
    for distribution, names in sorted(imported_distributions(top_level_names(toc)).items()):
        if distribution not in skipped:
            found += runtime_data_files(distribution, names)
    return found
