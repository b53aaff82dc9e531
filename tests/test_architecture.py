"""The shape of the code, checked: layers, no hidden wiring, sizes and complexity.

docs/ARCHITECTURE.md describes the layers; this module keeps the code honest to it:

* the import-linter contracts in pyproject.toml (layers, a pure domain, Streamlit only in
  the UI) hold;
* no import cycle between modules of ``planner``, counting imports inside functions too;
* pages/ (not a package, so import-linter cannot see it) import only the UI, the services
  and the domain, plus Streamlit, pandas and the standard library;
* no wiring by name: no ``importlib``, ``find_spec`` or ``__import__`` in planner/ or pages/;
* no page over 200 lines and no module over 700;
* no function in domain/ or services/ over 60 lines or of cyclomatic complexity over 15
  (radon's count) unless a comment right above it starts with ``# Kept whole:`` and says why.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[1]
PLANNER = ROOT / "planner"
PAGES = ROOT / "pages"
MIGRATIONS = PLANNER / "storage" / "migrations" / "versions"

MAX_PAGE_LINES = 200
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 15
KEPT_WHOLE = "# Kept whole:"

#: What a page may import: the UI glue, the services, the domain's vocabulary, and the
#: libraries a page lays out with.
PAGE_IMPORTS = ("planner.ui", "planner.services", "planner.domain", "planner.errors")
PAGE_LIBRARIES = {"streamlit", "pandas", "altair"}


def _python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if MIGRATIONS not in path.parents and "__pycache__" not in path.parts:
            yield path


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
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

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle_in_planner() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    graph = grimp.build_graph("planner", cache_dir=None)
    # a package's __init__ importing its own submodules is how a package is made, not a cycle
    modules = {m for m in graph.modules if not graph.find_children(m)}
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert _cycles(graph, {"a", "b", "c"}) == [["a", "b", "c"]]


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _page_import_problems(path: Path) -> list[str]:
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, module in _imports(tree):
        top = module.split(".")[0]
        if top == "planner":
            allowed = any(module == p or module.startswith(p + ".") for p in PAGE_IMPORTS)
        else:
            allowed = top in PAGE_LIBRARIES or top in sys.stdlib_module_names
        if not allowed:
            problems.append(f"{_relative(path)}:{line}: imports {module}")
    return problems


def test_pages_import_only_the_ui_services_and_domain() -> None:
    pages = [*_python_files(PAGES), ROOT / "streamlit_app.py"]
    problems = [problem for page in pages for problem in _page_import_problems(page)]
    assert problems == []


def test_the_page_import_check_flags_an_adapter(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "import json\nimport streamlit as st\nfrom planner.services import contacts\n"
        "from planner.storage.schema import ContactRow\nimport sqlalchemy\n"
    )
    assert _page_import_problems(page) == [
        f"{page}:4: imports planner.storage.schema",
        f"{page}:5: imports sqlalchemy",
    ]


def _wiring_by_name(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, module in _imports(tree):
        if module.split(".")[0] == "importlib":
            found.append(f"{_relative(path)}:{line}: imports {module}")
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        if name in {"find_spec", "__import__", "import_module"}:
            found.append(f"{_relative(path)}:{node.lineno}: uses {name}")
    return found


def test_no_wiring_by_name() -> None:
    files = [*_python_files(PLANNER), *_python_files(PAGES), ROOT / "streamlit_app.py"]
    assert [problem for path in files for problem in _wiring_by_name(path)] == []


def test_pages_stay_thin() -> None:
    over = {
        _relative(page): _line_count(page)
        for page in [*_python_files(PAGES), ROOT / "streamlit_app.py"]
        if _line_count(page) > MAX_PAGE_LINES
    }
    assert over == {}


def test_modules_stay_small() -> None:
    over = {
        _relative(path): _line_count(path)
        for path in _python_files(PLANNER)
        if _line_count(path) > MAX_MODULE_LINES
    }
    assert over == {}


def _kept_whole(lines: list[str], first_line: int) -> bool:
    """A ``# Kept whole: why`` comment in the lines right above a definition (decorators
    and the rest of the comment block may sit in between)."""
    index = first_line - 2
    while index >= 0 and lines[index].strip().startswith(("@", "#")):
        if lines[index].strip().startswith(KEPT_WHOLE):
            return len(lines[index].strip()) > len(KEPT_WHOLE) + 10
        index -= 1
    return False


def _too_big(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[str] = []
    for block in cc_visit(source):
        functions = [block]
        if hasattr(block, "methods"):  # a class: its methods count, the class does not
            functions = list(block.methods)
        for function in functions:
            length = function.endline - function.lineno + 1
            if length <= MAX_FUNCTION_LINES and function.complexity <= MAX_COMPLEXITY:
                continue
            first = min([function.lineno, *_decorator_lines(tree_of(source), function.lineno)])
            problem = (
                f"{_relative(path)}:{function.lineno} {function.name}: "
                f"{length} lines, complexity {function.complexity}"
            )
            if not _kept_whole(lines, first) and problem not in found:
                found.append(problem)
    return found


_TREES: dict[int, ast.Module] = {}


def tree_of(source: str) -> ast.Module:
    key = hash(source)
    if key not in _TREES:
        _TREES[key] = ast.parse(source)
    return _TREES[key]


def _decorator_lines(tree: ast.Module, def_line: int) -> list[int]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno == def_line:
            return [d.lineno for d in node.decorator_list]
    return []


@pytest.mark.parametrize("layer", ["domain", "services"])
def test_functions_stay_short_and_simple(layer: str) -> None:
    found = [problem for path in _python_files(PLANNER / layer) for problem in _too_big(path)]
    assert found == []


def test_the_size_check_flags_a_long_function_without_a_reason(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(70))
    long_source = f"def long():\n{body}\n    return 0\n"
    kept_source = f"# Kept whole: one table of seventy steps read top to bottom\n{long_source}"
    probe = tmp_path / "probe.py"
    probe.write_text(long_source)
    assert _too_big(probe) == [f"{probe}:1 long: 72 lines, complexity 1"]
    probe.write_text(kept_source)
    assert _too_big(probe) == []
