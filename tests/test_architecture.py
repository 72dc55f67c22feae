"""The layout's rules, read from the source with `ast` (nothing is imported).

- No import cycle between the project's packages: extract.sources, extract.nlp,
  extract.warehouse, extract.tasks, extract.scoring, the rest of extract (extract.clock),
  expectations and dags. Imports inside functions count: a lazy import is still a dependency.
- extract.nlp is pure text processing: no Airflow, DuckDB, dbt, Great Expectations, Cosmos
  or HTTP client, and nothing from extract.tasks or extract.warehouse. It may read
  extract.sources (a RawDocument from extract.sources.inbox is its input); extract.sources
  must not import extract.nlp.
- No code writes a private attribute (`x._name = ...`, `setattr(x, "_name", ...)`) of an
  object that comes from outside the repository (a third-party or standard module).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = ("extract", "expectations", "dags")
# Every Python file of the repository that is ours (the private-attribute rule covers them all).
ALL_ROOTS = (*SOURCE_ROOTS, "scripts", "dashboard", "tests")
UNITS = ("extract.sources", "extract.nlp", "extract.warehouse", "extract.tasks", "extract.scoring")
NLP_FORBIDDEN = ("airflow", "duckdb", "dbt", "great_expectations", "cosmos", "httpx",
                 "extract.tasks", "extract.warehouse")
# Edges between units allowed despite the rules, each with why: none today.
ALLOWED_EDGES: dict[tuple[str, str], set[str]] = {}


def _files(roots: tuple[str, ...]) -> Iterator[Path]:
    for root in roots:
        base = REPO / root
        if base.is_file():
            yield base
        elif base.is_dir():
            yield from sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, anywhere in the file, as an absolute dotted name."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            # `from extract.tasks import steps` imports the submodule extract.tasks.steps
            yield from (f"{target}.{alias.name}" for alias in node.names if alias.name != "*")


def _unit(module: str) -> str | None:
    for unit in UNITS:
        if module == unit or module.startswith(unit + "."):
            return unit
    for root in SOURCE_ROOTS:
        if module == root or module.startswith(root + "."):
            return root
    return None


def _unit_graph() -> dict[tuple[str, str], set[str]]:
    """(importing unit, imported unit) -> the importing modules."""
    edges: dict[tuple[str, str], set[str]] = {}
    for path in _files(SOURCE_ROOTS):
        source = _unit(_module_name(path))
        for imported in _imports(path):
            target = _unit(imported)
            if target is not None and target != source and source is not None:
                edges.setdefault((source, target), set()).add(_module_name(path))
    return edges


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest unit
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_no_import_cycle_between_packages():
    graph = _unit_graph()
    assert graph, "no imports found: the walk is broken"
    allowed = {edge for edge, modules in graph.items() if modules <= ALLOWED_EDGES.get(edge, set())}
    cycles = _cycles(set(graph) - allowed)
    assert not cycles, "import cycles between packages:\n" + "\n".join(
        " -> ".join(cycle) + "  (" + "; ".join(
            f"{a}->{b} in {sorted(graph[(a, b)])}" for a, b in zip(cycle, cycle[1:], strict=False)) + ")"
        for cycle in cycles)


def test_sources_do_not_import_nlp():
    importing = _unit_graph().get(("extract.sources", "extract.nlp"), set())
    unexpected = importing - ALLOWED_EDGES.get(("extract.sources", "extract.nlp"), set())
    assert not unexpected, f"extract.sources must not import extract.nlp (nlp reads sources' documents): {sorted(unexpected)}"


def test_expectations_import_nothing_from_extract():
    offenders = {_module_name(p): sorted(i for i in _imports(p) if i == "extract" or i.startswith("extract."))
                 for p in _files(("expectations",))}
    assert not {m: i for m, i in offenders.items() if i}, offenders


@pytest.mark.parametrize("path", list(_files(("extract/nlp",))), ids=lambda p: p.name)
def test_nlp_is_pure_text_processing(path):
    bad = sorted({i for i in _imports(path) for f in NLP_FORBIDDEN if i == f or i.startswith(f + ".")})
    assert not bad, f"{_module_name(path)} imports {bad}"


def _first_party(path: Path) -> set[str]:
    """Top-level names that are ours when imported from `path` (the repo's roots, its folder's modules)."""
    names = {p.name for p in REPO.iterdir() if p.is_dir() and (p / "__init__.py").exists()} | set(ALL_ROOTS)
    names |= {p.stem for p in path.parent.glob("*.py")}
    return names


def _outside_names(tree: ast.AST, ours: set[str]) -> set[str]:
    """Names bound to something from outside the repo: its imports, and what is computed from them."""
    outside: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            outside |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] not in ours}
        elif isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] not in ours:
            outside |= {a.asname or a.name for a in node.names}
    bindings: list[tuple[ast.AST, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            bindings += [(t, node.value) for t in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and node.value is not None:
            bindings.append((node.target, node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bindings.append((node.target, node.iter))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            bindings += [(item.optional_vars, item.context_expr) for item in node.items if item.optional_vars]
    changed = True
    while changed:  # flow-insensitive: a name computed from an outside name is outside too
        changed = False
        for target, value in bindings:
            if {n.id for n in ast.walk(value) if isinstance(n, ast.Name)} & outside:
                new = _bound_names(target) - outside
                if new:
                    outside |= new
                    changed = True
    return outside


def _bound_names(target: ast.AST) -> set[str]:
    """The names an assignment target binds (`a`, `a, b`): not `x` of `x.attr = ...`, which binds nothing."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_bound_names(e) for e in target.elts))
    return set()


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    outside = _outside_names(tree, _first_party(path))
    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        for target in targets:
            for t in ast.walk(target):
                if isinstance(t, ast.Attribute) and _private(t.attr) and _root(t.value) in outside:
                    found.append(f"{path.relative_to(REPO)}:{t.lineno}: {ast.unparse(t)}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr")
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str) and _private(node.args[1].value)
                and _root(node.args[0]) in outside):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_code_writes_a_private_attribute_of_a_third_party_object():
    found = [hit for path in _files(ALL_ROOTS) for hit in _private_writes(path)]
    assert not found, "private attributes of third-party objects written (configure through public settings):\n" + "\n".join(found)


def test_the_private_attribute_rule_sees_the_patterns_it_forbids(tmp_path, monkeypatch):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from dbt.adapters.duckdb.connections import DuckDBConnectionManager\n"
        "from cosmos.operators._watcher import base\n"
        "import cosmos\n"
        "class Mine:\n"
        "    def __init__(self):\n"
        "        self._ok = 1\n"
        "def patch(group):\n"
        "    DuckDBConnectionManager._ENV = None\n"
        "    base._DBT_EVENT_ALLOWLIST = frozenset()\n"
        "    producer = next(t for t in cosmos.groups(group))\n"
        "    producer._tests = {}\n"
        "    setattr(base, '_X', 1)\n"
        "    mine = Mine()\n"
        "    mine._ok = 2\n",
        encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    hits = _private_writes(sample)
    assert sorted(h.split(": ", 1)[1] for h in hits) == sorted([
        "DuckDBConnectionManager._ENV", "base._DBT_EVENT_ALLOWLIST", "producer._tests", "setattr(base, '_X', 1)"])
