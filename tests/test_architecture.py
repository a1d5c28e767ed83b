"""Architecture tests: the arrows point down and the shape stays the one docs/architecture.md
draws. Each test lists every violation it finds, with file and line."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
DATA_TABLES = {"app/domain/codelists.py"}  # code-list data tables may be long
ERROR_KINDS = {"DomainError", "Invalid", "BadRequest", "Unauthorized", "Forbidden", "NotFound",
               "Conflict", "TooLarge", "UnsupportedMedia", "RateLimited"}
SERVICE_KERNEL = {"__init__.py", "actor.py", "audit.py", "transaction.py", "claims.py",
                  "leases.py", "signals.py", "tabular.py", "seed.py"}
SETTING_NAME = re.compile(r"BEIAN_[A-Z0-9_]*[A-Z0-9]")
REQUEST_NAMES = {"request", "g", "session", "has_request_context", "test_request_context",
                 "_request_ctx_stack", "copy_current_request_context"}


def python_files(under: Path = APP) -> Iterator[Path]:
    yield from sorted(p for p in under.rglob("*.py") if "translations" not in p.parts)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """ids of nodes under `if TYPE_CHECKING:` (those imports don't run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imports_of(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in a file, function-level ones included."""
    tree = parse(path)
    skipped = _type_checking_blocks(tree)
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            yield node.lineno, module, [a.name for a in node.names]


# -- layers ----------------------------------------------------------------------------------

def test_services_queries_and_domain_never_read_the_web_request():
    found = []
    for folder in ("services", "domain", "queries"):
        for path in python_files(APP / folder):
            for line, module, names in imports_of(path):
                bad = module == "flask" and REQUEST_NAMES & set(names)
                if bad or module in ("flask.globals", "flask.ctx"):
                    found.append(f"{rel(path)}:{line} imports {module} {sorted(set(names) & REQUEST_NAMES)}")
            for node in ast.walk(parse(path)):
                if isinstance(node, ast.Attribute) and node.attr in {"test_request_context",
                                                                     "test_client"}:
                    found.append(f"{rel(path)}:{node.lineno} builds a request ({node.attr})")
    assert not found, "\n".join(found)


def test_domain_has_no_flask_and_no_database():
    found = []
    for path in python_files(APP / "domain"):
        for line, module, _names in imports_of(path):
            root = module.split(".")[0]
            if root in {"flask", "flask_appbuilder", "sqlalchemy"} or module.startswith(
                    ("app.models", "app.services", "app.queries", "app.views", "app.api",
                     "app.extensions")):
                found.append(f"{rel(path)}:{line} imports {module}")
    assert not found, "\n".join(found)


def test_only_the_transaction_helper_commits():
    found = []
    allowed = {"app/services/transaction.py"}
    for path in python_files():
        if rel(path) in allowed:
            continue
        for node in ast.walk(parse(path)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"commit", "rollback"} and not node.args):
                found.append(f"{rel(path)}:{node.lineno} calls {node.func.attr}()")
    assert not found, "\n".join(found)


def _graph() -> dict[str, dict[str, int]]:
    modules = {module_name(p): p for p in python_files()}
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for name, path in modules.items():
        for line, module, names in imports_of(path):
            if not module.startswith("app"):
                continue
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            if len(targets) < len(names) or not names:
                targets.append(module)
            for target in targets:
                while target not in modules and "." in target:
                    target = target.rpartition(".")[0]
                if target in modules and target != name:
                    graph[name].setdefault(target, line)
    return graph


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        work = [(v, iter(graph[v]))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(graph[w])))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return cycles


def test_no_import_cycles_in_app():
    cycles = import_cycles()
    assert not cycles, "\n".join(" ↔ ".join(c) for c in cycles)


LAYER_ORDER = ["app.domain", "app.models", "app.queries", "app.services", "faces"]
FACES = ("app.views", "app.api", "app.cli", "app.jobs", "app.ops", "app.web", "app.security", "app.demo",
         "app.grants")


def _layer(module: str) -> int | None:
    if module.startswith(FACES):
        return LAYER_ORDER.index("faces")
    for i, prefix in enumerate(LAYER_ORDER[:-1]):
        if module == prefix or module.startswith(prefix + "."):
            return i
    return None


def test_arrows_point_down():
    """domain ← models ← queries ← services ← faces: nothing imports a layer above its own."""
    found = []
    for name, targets in _graph().items():
        mine = _layer(name)
        for target, line in targets.items():
            theirs = _layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                found.append(f"{name}:{line} imports {target}")
    assert not found, "\n".join(found)


# -- errors ----------------------------------------------------------------------------------

def _error_calls(path: Path) -> Iterator[tuple[int, str, str]]:
    for node in ast.walk(parse(path)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        args = node.args
        if name in ERROR_KINDS | {"define"} and args and isinstance(args[0], ast.Constant) \
                and isinstance(args[0].value, str):
            yield node.lineno, name, args[0].value
        if name == "one" and len(args) > 1 and isinstance(args[1], ast.Constant):
            yield node.lineno, "ApiError.one", args[1].value


def test_every_error_code_is_defined_once_in_the_domain():
    found, defined = [], {}
    for path in python_files():
        in_domain = rel(path).startswith("app/domain/")
        for line, kind, code in _error_calls(path):
            if not in_domain:
                found.append(f"{rel(path)}:{line} makes {code} with {kind}(…) outside app/domain")
            elif kind != "define":
                found.append(f"{rel(path)}:{line} makes {code} with {kind}(…): define it")
            elif code in defined:
                found.append(f"{rel(path)}:{line} defines {code} again (first {defined[code]})")
            else:
                defined[code] = f"{rel(path)}:{line}"
    assert not found, "\n".join(found)


def test_no_hand_kept_status_table():
    text = (APP / "api" / "errors.py").read_text(encoding="utf-8") \
        if (APP / "api" / "errors.py").exists() else ""
    assert "STATUS_BY_CODE" not in text


# -- shape -----------------------------------------------------------------------------------

def test_modules_are_small():
    found = [f"{rel(p)}: {n} lines" for p in python_files()
             if rel(p) not in DATA_TABLES and (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES]
    assert not found, "\n".join(found)


def test_functions_are_short():
    found = []
    for path in python_files():
        for node in ast.walk(parse(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                length = node.end_lineno - start + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{rel(path)}:{node.lineno} {node.name}: {length} lines")
    assert not found, "\n".join(found)


def test_services_are_capability_packages():
    stray = sorted(p.name for p in (APP / "services").glob("*.py") if p.name not in SERVICE_KERNEL)
    assert not stray, f"modules outside a capability package: {stray}"


def test_demo_generators_live_outside_the_runtime():
    found = [rel(p) for folder in ("services", "domain")
             for p in (APP / folder).rglob("*demo*.py")]
    assert not found, found


def test_services_do_not_schedule_or_register_commands():
    found = []
    for path in python_files(APP / "services"):
        for line, module, _ in imports_of(path):
            if module.startswith(("app.jobs", "app.cli", "click", "flask.cli", "apscheduler")):
                found.append(f"{rel(path)}:{line} imports {module}")
    assert not found, "\n".join(found)


def test_settings_are_read_from_the_app_config_only():
    """No os.environ outside config.py; every BEIAN_* name the app reads is declared there."""
    import config

    declared = {s.name for s in config.SETTINGS} | {k for k in vars(config.Config) if k.isupper()}
    found = []
    for path in python_files():
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Attribute) and node.attr == "environ" \
                    and getattr(node.value, "id", "") == "os":
                found.append(f"{rel(path)}:{node.lineno} reads os.environ")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SETTING_NAME.fullmatch(node.value) and node.value not in declared:
                found.append(f"{rel(path)}:{node.lineno} reads undeclared {node.value}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("doc", ["docs/architecture.md"])
def test_architecture_page_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    for place in ("capability", "rule", "list", "job", "command"):
        assert place in text.lower(), f"{doc} does not say where a new {place} goes"
