"""Imports go one way: core, then the dialect toolkit, then the vendor families, then the vendors
and their registry, then the app. Read from the source (every import statement, those under
``TYPE_CHECKING`` and inside functions included), so a dependency cannot hide from it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "dialects", "gateway")
#: Each layer, by the module names it holds; a module may import its own layer and lower ones.
LAYERS = (
    ("core", lambda m: m == "core" or m.startswith("core.")),
    ("toolkit", lambda m: m == "dialects" or m.startswith("dialects.kit")),
    ("families", lambda m: m in ("dialects.laravel", "dialects.nextjs")),
    ("vendors", lambda m: m.startswith("dialects.")),
    ("app", lambda m: m.startswith("gateway")),
)


def layer(module: str) -> int:
    return next(i for i, (_, holds) in enumerate(LAYERS) if holds(module))


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.relative_to(ROOT).parts:
                continue  # alembic's scripts, loaded by alembic, import only core
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = modules()


def imports(module: str) -> set[str]:
    """The project modules ``module`` imports (``from x import y`` counts x, and x.y if a module)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            named.add(source)
            named.update(f"{source}.{alias.name}" for alias in node.names)
    return {name for name in named if name in MODULES and name != module}


GRAPH = {module: imports(module) for module in MODULES}


def test_the_walk_sees_the_layers():
    assert {"core.store", "dialects.kit.calls", "dialects.laravel", "dialects.outlign.routes",
            "dialects.registry", "gateway.app"} <= GRAPH.keys()
    assert "core.store" in GRAPH["dialects.kit.calls"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_layer_above_its_own(module):
    above = {t for t in GRAPH[module] if layer(t) > layer(module)}
    assert not above, f"{module} ({LAYERS[layer(module)][0]}) imports {sorted(above)}"


def test_a_vendor_imports_no_other_vendor():
    def vendor(m: str) -> str | None:
        parts = m.split(".")
        return parts[1] if layer(m) == 3 and len(parts) > 2 else None

    crossing = {(m, t) for m, targets in GRAPH.items() for t in targets
                if vendor(m) and vendor(t) and vendor(m) != vendor(t)}
    assert not crossing


def test_there_is_no_import_cycle():
    """Tarjan's strongly connected components: any component of two or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not cycles


def test_the_toolkit_never_reaches_the_app_at_run_time():
    """The toolkit's modules name no app object: no ``request.app``, no ``app.state``."""
    for module, path in MODULES.items():
        if layer(module) < layer("gateway"):
            text = path.read_text()
            assert "app.state" not in text and "request.app" not in text, module
