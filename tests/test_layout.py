"""The package layout shows the path of a document, and keeps it: no import cycles, and no
stage imports a later one (read from the source, so a lazy import inside a function counts)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "geo"
STAGES = ["inputs", "gazetteer", "recognize", "resolve", "outputs", "maps", "evaluation", "training"]
SHARED = {"geo", "geo.types", "geo.errors", "geo.distance"}  # what any stage may import


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "geo":
                found.update(f"geo.{a.name}" for a in node.names)
            elif node.module.startswith("geo."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("geo."))
    return found


MODULES = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def resolve_module(name: str) -> str:
    """An imported name may be a module or a name inside one: walk up to a module."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else None


def test_few_modules_at_the_root_and_a_folder_per_stage():
    root = [p.name for p in PACKAGE.glob("*.py")]
    assert len(root) <= 10, root
    for name in STAGES:
        assert (PACKAGE / name / "__init__.py").is_file(), name


def test_no_import_cycles():
    graph = {m: {resolve_module(i) for i in deps} - {m} for m, deps in MODULES.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:  # d is on the path that led here
                pytest.fail("import cycle: " + " -> ".join([*path, m][[*path, m].index(d):] + [d]))
            if d not in state:
                visit(d, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


@pytest.mark.parametrize("module", sorted(m for m in MODULES if stage(m)))
def test_a_stage_imports_only_earlier_stages_and_the_shared_root(module):
    mine = STAGES.index(stage(module))
    for dep in map(resolve_module, MODULES[module]):
        if dep in SHARED:
            continue
        theirs = stage(dep)
        assert theirs is not None, f"{module} imports the orchestration module {dep}"
        assert STAGES.index(theirs) <= mine, f"{module} (stage {stage(module)}) imports the later {dep}"
