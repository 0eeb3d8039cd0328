"""The package's shape (issue 25): no import cycle among its modules, type-only imports
included, and no class that plans every page kind (``Site`` stays small)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "plugins" / "mkdocs_personas"
NAME = "mkdocs_personas"
MAX_SITE_LINES = 300
KNOWN_CYCLES: set[frozenset[str]] = set()
"""Cycles still to break. Listed here, a cycle no longer fails the test; once broken, its
entry fails the test until it is removed, so the list cannot go stale."""


def module_names(root: Path, name: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (subpackages too)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports(module: str, path: Path, modules: dict[str, Path], name: str) -> set[str]:
    """The package's modules that ``module`` imports anywhere in its file: at the top, in
    functions and under ``TYPE_CHECKING`` alike."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # ``from . import x`` imports the module x; ``from .x import y`` the module x
            targets = [f"{target}.{a.name}" for a in node.names]
        for target in targets:
            if target == name or target.startswith(name + "."):
                resolved = resolve(target)
                if resolved is not None and resolved != module:
                    found.add(resolved)
    return found


def import_graph(root: Path, name: str) -> dict[str, set[str]]:
    modules = module_names(root, name)
    return {module: imports(module, path, modules, name) for module, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the modules along it (first one repeated at the end)."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            if frozenset(cycle) not in seen:
                seen.add(frozenset(cycle))
                found.append(cycle)
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph(PACKAGE, NAME)
    assert len(graph) > 40, "the package's modules were not found"
    assert "mkdocs_personas.site.pages.registry" in graph["mkdocs_personas.site.pages.bundles"]
    found = cycles(graph)
    new = [" -> ".join(cycle) for cycle in found if frozenset(cycle) not in KNOWN_CYCLES]
    assert new == [], "import cycles (type-only imports count too):\n" + "\n".join(new)
    broken = KNOWN_CYCLES - {frozenset(cycle) for cycle in found}
    assert not broken, f"these cycles are gone: remove them from KNOWN_CYCLES: {broken}"


def test_the_cycle_check_sees_type_only_and_function_imports(tmp_path):
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("")
    (root / "a.py").write_text("from .b import thing\n")
    (root / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import other\n"
    )
    (root / "c.py").write_text("def late():\n    from .sub import d\n")
    (root / "sub" / "d.py").write_text("from .. import c\nimport pkg.a\n")
    graph = import_graph(root, "pkg")
    assert graph["pkg.sub.d"] == {"pkg.c", "pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"], ["pkg.c", "pkg.sub.d", "pkg.c"]]


def test_the_site_class_is_gone_or_small():
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name == "Site":
                lines = node.end_lineno - node.lineno + 1
                assert lines < MAX_SITE_LINES, f"{path.name}: class Site has {lines} lines"


STAGES = ("sources", "catalogue", "analysis", "outputs", "site")
"""The pipeline's stages in order: a module imports only from its own stage and earlier
ones; ``cli`` sits beside the pipeline and may import any stage."""


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in (*STAGES, "cli") else None


def test_imports_follow_the_pipeline_and_only_the_site_imports_mkdocs():
    graph = import_graph(PACKAGE, NAME)
    assert {stage_of(m) for m in graph} >= {*STAGES, "cli"}, "the stages were not found"
    against = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if stage_of(module) in STAGES
        and stage_of(target) is not None
        and (
            stage_of(target) == "cli"
            or STAGES.index(stage_of(target)) > STAGES.index(stage_of(module))
        )
    )
    assert against == [], "imports against the pipeline's order:\n" + "\n".join(against)
    before_site = [
        module
        for module, path in module_names(PACKAGE, NAME).items()
        if stage_of(module) in STAGES[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any(
            n == "mkdocs" or n.startswith("mkdocs.")
            for n in (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        )
        and not (isinstance(node, ast.ImportFrom) and node.level)
    ]
    assert before_site == [], f"MkDocs imported before the site stage: {before_site}"
