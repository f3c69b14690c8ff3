"""The package's modules import each other without cycles: every import statement counts, those
inside functions too (a lazy import hides a cycle from the interpreter, not from a reader)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newscrawler"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module and package under `root` (itself a package)."""
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imported_modules(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's own modules that `name` imports anywhere in its file."""

    def owner(dotted: str) -> str | None:  # the module defining `dotted` (a module, or a name in one)
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(owner(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import name`, mod itself
            found.update(owner(f"{base}.{alias.name}") for alias in node.names)
    return {m for m in found if m and m != name}


def import_graph(root: Path) -> dict[str, set[str]]:
    known = module_names(root)
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def test_the_package_has_no_import_cycles() -> None:
    graph = import_graph(PACKAGE)
    assert "newscrawler.ops.crawl" in graph["newscrawler.cli"]  # the graph sees the package's imports
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as cycle:
        pytest.fail("import cycle: " + " -> ".join(cycle.args[1]))


def test_a_cycle_through_a_lazy_relative_import_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub.b import helper\n")
    (package / "sub" / "b.py").write_text("def helper():\n    from .. import a\n    return a\n")
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.a"}
    with pytest.raises(CycleError):
        TopologicalSorter(graph).prepare()
