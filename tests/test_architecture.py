"""The shape of the code, checked on its source: no import cycles, no private names shared
between modules, and the Qt modules each layer may use (docs/architecture.md).

import-linter (tests/test_layering.py) checks the layers; these are the rules it cannot
state for the whole package at once, or cannot see (it knows ``PySide6``, not
``PySide6.QtWidgets``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop_chat"


def test_no_import_cycles_anywhere():
    # Imports inside functions count (grimp sees every import statement), and so do those
    # under ``if TYPE_CHECKING:``: a module that names another's type depends on it as much
    # as one that calls it, even if Python never runs that line. The reader still has to
    # follow both ways, and lint-imports (which counts them too) and this test then agree.
    graph = grimp.build_graph("desktop_chat", exclude_type_checking_imports=False,
                              cache_dir=None)
    cycles = _strongly_connected(graph)
    assert not cycles, "import cycles (each group imports itself round):\n" + "\n".join(
        _describe(graph, cycle) for cycle in cycles)


def test_no_private_name_is_imported_from_another_module():
    # A name two modules share is public, in the lower of the two or in a leaf of its own.
    offenders = [f"{where}: from {module} import {name}"
                 for where, module, name in _from_imports() if _is_private(name)
                 and (module.startswith("desktop_chat") or module.startswith("."))]
    assert not offenders, "private names imported across modules:\n" + "\n".join(offenders)


def test_controllers_and_workers_import_no_widgets():
    # Controllers hold state and emit facts (no widgets, no dialogs, no painting); workers
    # own threads (QtCore only). The window decides what is shown.
    forbidden = {"ui/controllers": ("PySide6.QtWidgets", "PySide6.QtGui"),
                 "workers": ("PySide6.QtWidgets",)}
    offenders = []
    for folder, modules in forbidden.items():
        for file in sorted((PACKAGE / folder).rglob("*.py")):
            for line, imported in _imported_modules(file):
                if imported in modules:
                    offenders.append(f"{file.relative_to(ROOT)}:{line}: {imported}")
    assert not offenders, "Qt modules these layers may not use:\n" + "\n".join(offenders)


MAX_UI_MODULE_LINES = 400


def test_no_ui_module_is_longer_than_a_few_screens():
    # A file has one job; past ~400 lines it holds two, and the seam is where to split.
    long = [f"{file.relative_to(ROOT)}: {lines} lines"
            for file in sorted((PACKAGE / "ui").rglob("*.py"))
            if (lines := len(file.read_text(encoding="utf-8").splitlines()))
            > MAX_UI_MODULE_LINES]
    assert not long, f"ui modules over {MAX_UI_MODULE_LINES} lines:\n" + "\n".join(long)


# ----- helpers ------------------------------------------------------------------------------

def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, round."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(groups)


def _describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    lines = [" <-> ".join(cycle)]
    for importer in cycle:
        for imported in cycle:
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"    {importer}:{detail['line_number']}: "
                             f"{detail['line_contents']}")
    return "\n".join(lines)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _from_imports() -> Iterator[tuple[str, str, str]]:
    """(file:line, module, name) of every ``from module import name`` in the package, at
    any depth (inside functions too); a relative module keeps its leading dots."""
    for file in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                for alias in node.names:
                    yield f"{file.relative_to(ROOT)}:{node.lineno}", module, alias.name


def _imported_modules(file: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every module ``file`` imports: ``import a.b``, ``from a.b import
    c`` (a.b, and a.b.c, in case c is a module)."""
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
