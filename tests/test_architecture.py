"""The layers point one way (ARCHITECTURE.md): read from the imports with ``ast``, no import.

Every ``import``/``from ... import`` of a ``wijkkompas`` module counts, at module level or inside a
function (a lazy import is still a dependency); only imports under ``if TYPE_CHECKING:`` are left
out, as they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "wijkkompas"
CORES = ("framework", "monitor", "agenda", "data", "areas", "partners", "means", "residents", "budgeting")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, package: str) -> Iterator[str]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                yield from _imports(child, package)
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                mod = ".".join([*base, mod] if mod else base)
            yield mod
            yield from (f"{mod}.{alias.name}" for alias in node.names)
        else:
            yield from _imports(node, package)


def imports_of(path: Path) -> set[str]:
    """The ``wijkkompas`` modules (and ``module.name`` pairs) that ``path`` imports."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {imp for imp in _imports(tree, package) if imp.startswith("wijkkompas.")}


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))
           if "migrations" not in p.parts}


def resolve(name: str) -> str | None:
    """The module that an imported name lives in (``wijkkompas.x.f`` → ``wijkkompas.x``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


GRAPH = {name: {m for m in map(resolve, imports_of(path)) if m and m != name}
         for name, path in MODULES.items()}


def unit(name: str) -> str:
    """The first-level unit of a module: ``wijkkompas.services.monitor.pages`` → ``services``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def offenders(source: callable, target: callable) -> list[str]:
    return sorted(f"{mod} imports {imp}" for mod, imps in GRAPH.items() if source(mod)
                  for imp in imps if target(imp))


def test_nothing_below_the_web_imports_it() -> None:
    # The CLI's `serve` starts the web app: the two top layers may meet there, nowhere else.
    bad = offenders(lambda m: unit(m) not in ("web", "cli"),
                    lambda i: unit(i) == "web")
    assert not bad, bad


def test_cores_import_no_services_web_or_cli() -> None:
    bad = offenders(lambda m: unit(m) in CORES,
                    lambda i: unit(i) in ("services", "web", "cli"))
    assert not bad, bad


def test_services_import_no_web_or_cli() -> None:
    bad = offenders(lambda m: unit(m) == "services", lambda i: unit(i) in ("web", "cli"))
    assert not bad, bad


def test_the_cli_imports_no_store() -> None:
    bad = offenders(lambda m: unit(m) == "cli", lambda i: unit(i) == "store")
    assert not bad, bad


def test_the_store_imports_no_domain() -> None:
    bad = offenders(lambda m: unit(m) == "store",
                    lambda i: unit(i) not in ("store", "errors", "settings", ""))
    assert not bad, bad


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_cycles_between_first_level_units() -> None:
    edges: dict[str, set[str]] = {}
    for mod, imps in GRAPH.items():
        src = unit(mod)
        if not src:
            continue  # wijkkompas/__init__.py re-exports the Python API
        edges.setdefault(src, set()).update(
            u for u in map(unit, imps) if u and u != src)
    assert not _cycles(edges), _cycles(edges)


@pytest.mark.parametrize("package", [*CORES, "services", "web", "cli", "store"])
def test_no_cycles_between_modules_of_a_package(package: str) -> None:
    # A package's __init__ may gather its modules (the CLI app registers its command groups).
    inside = {m for m in MODULES if m.startswith(f"wijkkompas.{package}.")}
    edges = {m: {i for i in GRAPH[m] if i in inside} for m in inside}
    assert not _cycles(edges), _cycles(edges)


def test_no_module_over_600_lines() -> None:
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, long


def test_the_checks_see_a_real_import() -> None:
    # Guards the reader itself: a known edge and a known TYPE_CHECKING-only import.
    assert "wijkkompas.errors" in GRAPH["wijkkompas.workspace"]
    assert any(i.startswith("wijkkompas.store") for i in GRAPH["wijkkompas.workspace"])
