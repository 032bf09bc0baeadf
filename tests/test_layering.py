"""The package's layering (docs/architecture.md): every import points down the pipeline, and no
module imports itself back through others. Walks the import statements of ``src/`` with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cqdt_rules"

# Lowest first. A module may import modules of its own stage or of a stage listed before it.
STAGES = (
    ("shared", {"errors", "files", "formatting", "tables", "i18n"}),
    ("model", {"model"}),
    ("language", {"language"}),
    ("engine", {"engine"}),
    ("data", {"data"}),
    ("api", {"api"}),
    ("analysis", {"analysis"}),
    ("reports", {"reports"}),
    ("authoring", {"authoring"}),
    ("testing", {"testing"}),
    ("service", {"service"}),
    ("cli", {"cli"}),
    ("package", {"__init__", "__main__"}),
)
# The facade is for other systems; the stages that the facade does not need reach the engine directly.
MAY_NOT_IMPORT_API = {"analysis", "reports"}


def stage_of(module: str) -> str:
    """The stage of a dotted module name inside the package (``cqdt_rules.engine.results`` → engine)."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for stage, members in STAGES:
        if top in members:
            return stage
    raise AssertionError(f"module {module} is in no stage of the layering: add it to docs/architecture.md and STAGES")


def rank(stage: str) -> int:
    return [name for name, _ in STAGES].index(stage)


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, known: set[str], root: Path = PACKAGE) -> set[str]:
    """The package's modules that ``path`` imports, anywhere in it (functions and TYPE_CHECKING too)."""
    this = module_name(path, root)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == root.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != root.name:
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return found - {this}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    return {name: imports_of(path, set(files), root) for name, path in files.items()}


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        here = stage_of(module)
        for target in sorted(targets):
            there = stage_of(target)
            if rank(there) > rank(here):
                wrong.append(f"{module} ({here}) imports {target} ({there}), a later stage")
            elif there == "api" and here in MAY_NOT_IMPORT_API:
                wrong.append(f"{module} ({here}) imports the public facade {target}: import the engine or data stage")
    return wrong


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    loops.append(sorted(members))
    return loops


def test_every_import_points_down_the_pipeline() -> None:
    assert upward_imports(import_graph()) == []


def test_no_import_loop() -> None:
    assert import_loops(import_graph()) == []


def test_stage_folders_are_the_documented_ones() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {"model", "language", "engine", "data", "analysis", "reports", "authoring", "service", "cli", "i18n"}
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__", "__main__", "api", "errors", "files", "formatting", "tables", "testing"}
    architecture = (PACKAGE.parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in folders:
        assert f"`{folder}/`" in architecture, f"docs/architecture.md does not describe {folder}/"


# ---------------------------------------------------------------- the checks catch what they must
def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "cqdt_rules"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("statement", [
    "from cqdt_rules.engine.results import Results",
    "from cqdt_rules.engine import results",
    "import cqdt_rules.engine.results",
    "from ..engine import results",
])
def test_an_upward_import_is_reported(tmp_path: Path, statement: str) -> None:
    root = _package(tmp_path, {"engine/results.py": "", "language/checker.py": f"def f():\n    {statement}\n"})
    assert upward_imports(import_graph(root)) == [
        "cqdt_rules.language.checker (language) imports cqdt_rules.engine.results (engine), a later stage"]


def test_analysis_importing_the_facade_is_reported(tmp_path: Path) -> None:
    root = _package(tmp_path, {"api.py": "", "analysis/gaps.py": "from cqdt_rules import api\n"})
    assert len(upward_imports(import_graph(root))) == 1


def test_a_loop_is_reported(tmp_path: Path) -> None:
    root = _package(tmp_path, {"engine/a.py": "from cqdt_rules.engine import b\n",
                               "engine/b.py": "from cqdt_rules.engine.c import x\n",
                               "engine/c.py": "from cqdt_rules.engine import a\n"})
    assert import_loops(import_graph(root)) == [["cqdt_rules.engine.a", "cqdt_rules.engine.b", "cqdt_rules.engine.c"]]
