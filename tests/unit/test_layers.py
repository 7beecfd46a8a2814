"""The direction of imports and the adapters' rules, read from the source with `ast`.

domain imports nothing else of ours (but the exception tree and the GC helper, both pure);
formats never reach store or services; web, cli and jobs never import store nor open a
transaction themselves; and an `async def` in web never calls a service (or a web function
that does) except through `web.blocking.run_blocking`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import cyberfusion

PACKAGE = Path(cyberfusion.__file__).parent
ADAPTERS = ("web", "cli", "jobs")
OFFLOAD = "cyberfusion.web.blocking.run_blocking"


def module_name(path: Path) -> str:
    """`cyberfusion/web/api/cases.py` -> `cyberfusion.web.api.cases`."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(*packages: str) -> list[Path]:
    """Every module under the named subpackages of cyberfusion."""
    found = [p for name in packages for p in sorted((PACKAGE / name).rglob("*.py"))]
    assert found, packages
    return found


def imports_of(tree: ast.AST, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import, at any depth; `from a import b` gives `a.b` too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                base = ".".join([*anchor, *([base] if base else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(paths: list[Path], forbidden: tuple[str, ...] = (),
               allowed: tuple[str, ...] | None = None) -> list[str]:
    """`file:line name` of each import of ours that is forbidden (or not in `allowed`)."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(), str(path))
        for line, name in imports_of(tree, module_name(path), path.name == "__init__.py"):
            if not within(name, "cyberfusion") or name == "cyberfusion":
                continue
            bad = any(within(name, f) for f in forbidden)
            if allowed is not None and not any(within(name, a) for a in allowed):
                bad = True
            if bad:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} {name}")
    return sorted(set(found))


def layer(name: str) -> str:
    return f"cyberfusion.{name}"


def test_adapters_never_import_store() -> None:
    assert violations(modules(*ADAPTERS), forbidden=(layer("store"),)) == []


def test_domain_imports_nothing_else_of_ours() -> None:
    allowed = (layer("domain"), layer("errors"), layer("collector"))
    assert violations(modules("domain"), allowed=allowed) == []


def test_formats_reach_neither_store_nor_services() -> None:
    forbidden = tuple(layer(n) for n in ("store", "services", *ADAPTERS))
    assert violations(modules("formats"), forbidden=forbidden) == []


def test_store_and_services_never_import_adapters() -> None:
    adapters = tuple(layer(n) for n in ADAPTERS)
    assert violations(modules("store"), forbidden=(*adapters, layer("services"))) == []
    assert violations(modules("services"), forbidden=adapters) == []


def test_the_import_walker_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The checks above can fail: function-level, `from cyberfusion import x` and relative."""
    source = ("import cyberfusion.store.db\n"
              "from cyberfusion import store\n"
              "def f():\n    from cyberfusion.store.schema import upgrade\n"
              "from ..store import tx\n")
    tree = ast.parse(source)
    names = {n for _, n in imports_of(tree, "cyberfusion.web.api.x")}
    assert {"cyberfusion.store.db", "cyberfusion.store", "cyberfusion.store.schema.upgrade",
            "cyberfusion.web.store.tx"} <= names
    names = {n for _, n in imports_of(tree, "cyberfusion.web.x", is_package=False)}
    assert "cyberfusion.store.tx" in names


def transactions_opened(path: Path) -> list[str]:
    """Calls of the form `….db.read()` / `….db.write()` in a module."""
    tree = ast.parse(path.read_text(), str(path))
    return [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("read", "write") and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "db"]


def test_adapters_open_no_transactions() -> None:
    """Services own transactions: adapters call them instead of reaching `ctx.db`."""
    assert [v for p in modules(*ADAPTERS) for v in transactions_opened(p)] == []


# --- async handlers in web: blocking work only through the one off-loading helper ---------


@dataclass
class WebModule:
    """A parsed web module: its names bound by imports, and its top-level functions."""

    name: str
    path: Path
    tree: ast.Module
    bound: dict[str, str]


def bound_names(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name -> dotted target, for every `import` / `from … import` in the module."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bound[node.name] = f"{module}.{node.name}"
    return bound


def target(call: ast.Call, bound: dict[str, str]) -> str | None:
    """The dotted name a call resolves to (`imports.submit` -> `cyberfusion.services.…`)."""
    func, attrs = call.func, []
    while isinstance(func, ast.Attribute):
        attrs.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in bound:
        return None
    return ".".join([bound[func.id], *attrs])


def is_class(dotted: str) -> bool:
    """Whether `dotted` names a class (building a value type is not blocking work)."""
    module, _, attr = dotted.rpartition(".")
    try:
        return inspect.isclass(getattr(importlib.import_module(module), attr))
    except (ImportError, AttributeError):
        return False


def direct_calls(body: list[ast.stmt], bound: dict[str, str]) -> Iterator[tuple[int, str]]:
    """Calls made when `body` runs: not those inside nested defs or lambdas (run elsewhere)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            dotted = target(node, bound)
            if dotted:
                yield node.lineno, dotted
        stack.extend(ast.iter_child_nodes(node))


def web_modules() -> list[WebModule]:
    found = []
    for path in modules("web"):
        name = module_name(path)
        tree = ast.parse(path.read_text(), str(path))
        found.append(WebModule(name, path, tree, bound_names(tree, name)))
    return found


def blocking_functions(mods: list[WebModule]) -> set[str]:
    """Service functions, and the sync web functions that call one (at any remove)."""
    calls: dict[str, set[str]] = {}
    for mod in mods:
        for node in mod.tree.body:
            if isinstance(node, ast.FunctionDef):
                calls[f"{mod.name}.{node.name}"] = {t for _, t in direct_calls(node.body,
                                                                               mod.bound)}
    every = {t for targets in calls.values() for t in targets}
    blocking = {t for t in every if within(t, "cyberfusion.services") and not is_class(t)}
    changed = True
    while changed:
        grown = {f for f, targets in calls.items() if targets & blocking}
        changed = not grown <= blocking
        blocking |= grown
    return blocking


def async_violations(mods: list[WebModule]) -> list[str]:
    """`file:line name` where an async def calls blocking work without the helper."""
    blocking = blocking_functions(mods)
    found = []
    for mod in mods:
        for node in ast.walk(mod.tree):
            if not isinstance(node, ast.AsyncFunctionDef):
                continue
            for line, dotted in direct_calls(node.body, mod.bound):
                if dotted in blocking or (within(dotted, "cyberfusion.services")
                                          and not is_class(dotted)):
                    found.append(f"{mod.path.relative_to(PACKAGE.parent)}:{line} {dotted}")
    return sorted(found)


def test_async_handlers_call_services_only_through_the_offloading_helper() -> None:
    mods = web_modules()
    assert async_violations(mods) == []
    helper = next(m for m in mods if m.name == OFFLOAD.rsplit(".", 1)[0])
    assert any(isinstance(n, ast.AsyncFunctionDef) and n.name == "run_blocking"
               for n in helper.tree.body)


def test_there_is_one_way_to_the_thread_pool() -> None:
    """Only web/blocking.py names a thread-pool API; everything else calls run_blocking."""
    apis = ("run_in_threadpool", "to_thread", "run_in_executor", "run_sync")
    found = [f"{p.relative_to(PACKAGE.parent)}:{node.lineno}" for p in modules("web")
             if module_name(p) != OFFLOAD.rsplit(".", 1)[0]
             for node in ast.walk(ast.parse(p.read_text()))
             if (isinstance(node, ast.Attribute) and node.attr in apis)
             or (isinstance(node, ast.Name) and node.id in apis)
             or (isinstance(node, ast.alias) and node.name.split(".")[-1] in apis)]
    assert found == []


@pytest.mark.parametrize(("source", "expected"), [
    ("from cyberfusion.services import cases\n"
     "async def h(ctx):\n    return cases.get_case(ctx, 1, 2)\n",
     ["cyberfusion.services.cases.get_case"]),
    ("from cyberfusion.services import cases\n"
     "def page(ctx):\n    return cases.get_case(ctx, 1, 2)\n"
     "async def h(ctx):\n    return page(ctx)\n",
     ["cyberfusion.web.fake.page"]),
    ("from cyberfusion.services import cases, imports\n"
     "from cyberfusion.web.blocking import run_blocking\n"
     "async def h(ctx):\n    options = imports.ImportOptions()\n"
     "    return await run_blocking(cases.get_case, ctx, 1, 2)\n",
     []),
])
def test_the_async_check_catches_direct_and_indirect_calls(source: str,
                                                           expected: list[str]) -> None:
    tree = ast.parse(source)
    fake = WebModule("cyberfusion.web.fake", PACKAGE / "web" / "fake.py", tree,
                     bound_names(tree, "cyberfusion.web.fake"))
    found = [v.split(" ", 1)[1] for v in async_violations([fake])]
    assert found == expected
