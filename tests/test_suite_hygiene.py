"""Every test asserts something, and no assertion is vacuous (an AST check over the suite).

The rule, applied to every tests/**/test_*.py:

1. A *test* is a module-level ``def test_*`` or a ``test_*`` method of a module-level
   ``Test*`` class (``async def`` too).
2. A test must assert. It asserts when its source (nested functions included) contains:
   a. an ``assert`` statement that can fail (see 4; ``pytest.approx`` lives in these);
   b. a call to ``pytest.raises``, ``pytest.warns``, ``pytest.fail`` or
      ``pytest.deprecated_call``;
   c. a Playwright ``expect(...)`` call;
   d. a call to a helper *in tests/* that asserts by this same rule (transitively). A call
      resolves by name: ``f(...)`` to a function nested in the caller, a function of the same
      module, a function imported from a ``tests.*`` module, or a fixture of a conftest.py
      that applies to the module (a fixture may return an asserting function);
      ``obj.f(...)`` to ``f`` of an imported ``tests.*`` module, else to a method ``f`` of a
      class in the same module or in a helper module (tests/**/*.py not named test_*.py);
   e. a call that resolves to nothing in tests/ and whose name says it asserts: it starts
      with ``assert_``, ``check_`` or ``expect_`` (``mock.assert_called_once_with``,
      ``pandas.testing.assert_frame_equal``). Names are never trusted for functions defined
      in tests/: those must assert by a-d, and one whose name says it asserts (leading
      underscores ignored) but does not is flagged itself.
3. A ``return`` in a test must follow an assertion in its own block or in an enclosing
   block: ``if special_case: return`` ahead of every check passes vacuously for that case.
   The one exception is a handler of a named exception type, ``except FeedError: return``:
   the type match is the check (as with ``pytest.raises``); bare ``except:``,
   ``except Exception:`` and ``except BaseException:`` are not checks.
4. An assertion that cannot fail is flagged anywhere in tests/ and counts for nothing:
   ``assert True``, an assert on a truthy constant or on a non-empty tuple/list/set/dict
   display (``assert (ok, "message")``), ``assert not <falsy constant>``, and a comparison
   by ``==``, ``is``, ``<=`` or ``>=`` of two identical expressions that call nothing
   (``assert x.y == x.y``; ``f() == f()`` checks that ``f`` is deterministic and stays).

Each flag reads ``file:line:name: reason``. The tests at the bottom feed the checker small
source snippets, so the check itself is shown to fail when it should.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

PYTEST_ASSERTIONS = {"raises", "warns", "fail", "deprecated_call"}
TRUSTED_PREFIXES = ("assert_", "check_", "expect_")
REFLEXIVE = (ast.Eq, ast.Is, ast.LtE, ast.GtE)

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, order=True)
class Flag:
    path: str
    line: int
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.name}: {self.reason}"


@dataclass
class Module:
    """One parsed file: its functions, methods and ``tests.*`` imports."""

    name: str  # dotted, e.g. tests.feeds.httpserver
    path: str  # shown in flags, e.g. tests/feeds/httpserver.py
    tree: ast.Module
    functions: dict[str, Function] = field(default_factory=dict)
    methods: dict[str, list[Function]] = field(default_factory=dict)
    tests: list[tuple[str, Function]] = field(default_factory=list)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @property
    def is_test(self) -> bool:
        return self.name.rsplit(".", 1)[-1].startswith("test_")

    @classmethod
    def parse(cls, name: str, source: str) -> Module:
        tree = ast.parse(source)
        module = cls(name, name.replace(".", "/") + ".py", tree)
        for node in tree.body:
            if isinstance(node, Function):
                module.functions[node.name] = node
                if node.name.startswith("test_"):
                    module.tests.append((node.name, node))
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, Function):
                        module.methods.setdefault(item.name, []).append(item)
                        if node.name.startswith("Test") and item.name.startswith("test_"):
                            module.tests.append((f"{node.name}.{item.name}", item))
        for node in ast.walk(tree):  # imports inside functions count too
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.imports[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        module.imports[top] = (top, None)
        return module


def _says_it_asserts(name: str) -> bool:
    return name.lstrip("_").startswith(TRUSTED_PREFIXES)


def vacuous(test: ast.expr) -> str | None:
    """Why ``assert <test>`` can never fail, or None."""
    if isinstance(test, ast.Constant) and test.value:
        return f"asserts the constant {test.value!r}"
    if isinstance(test, ast.Tuple | ast.List | ast.Set) and test.elts:
        return "asserts a non-empty display, which is always true"
    if isinstance(test, ast.Dict) and test.keys:
        return "asserts a non-empty display, which is always true"
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Constant)
        and not test.operand.value
    ):
        return f"asserts not {test.operand.value!r}"
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], REFLEXIVE):
        left, right = test.left, test.comparators[0]
        # f() == f() checks that f is deterministic: two calls, two results. x == x does not.
        calls = any(isinstance(n, ast.Call | ast.Await) for n in ast.walk(left))
        if ast.dump(left) == ast.dump(right) and not calls:
            return "compares an expression with itself"
    return None


def _is_expect(call: ast.Call) -> bool:
    """Playwright's ``expect(locator).to_...()``."""
    return isinstance(call.func, ast.Name) and call.func.id == "expect"


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class Checker:
    def __init__(self, modules: Mapping[str, Module]) -> None:
        self.modules = dict(modules)
        self._memo: dict[int, bool] = {}
        self._active: set[int] = set()  # helpers being worked out: a call back is a cycle
        self._cut = False  # some answer was "no" only because it hit a cycle

    @classmethod
    def from_sources(cls, sources: Mapping[str, str]) -> Checker:
        """``{"tests.feeds.test_x": source, ...}``: for the snippet tests below."""
        return cls({name: Module.parse(name, src) for name, src in sources.items()})

    @classmethod
    def from_tree(cls, tests: Path = TESTS) -> Checker:
        root = tests.parent
        sources = {
            ".".join(path.relative_to(root).with_suffix("").parts): path.read_text("utf-8")
            for path in sorted(tests.rglob("*.py"))
        }
        return cls.from_sources(sources)

    # -- resolving a call to the function(s) in tests/ it runs ------------------------------

    def _resolve_name(self, module: Module, name: str, depth: int = 0) -> tuple[Module, Function]:
        if name in module.functions:
            return module, module.functions[name]
        target = module.imports.get(name)
        if target and depth < 10:
            source, attr = target
            if attr is not None and source in self.modules:
                return self._resolve_name(self.modules[source], attr, depth + 1)
        raise LookupError(name)

    def _conftests(self, module: Module) -> Iterator[Module]:
        parts = module.name.split(".")[:-1]
        for end in range(len(parts), 0, -1):
            conftest = self.modules.get(".".join([*parts[:end], "conftest"]))
            if conftest is not None and conftest is not module:
                yield conftest

    def _imported_module(self, module: Module, alias: str) -> Module | None:
        source, attr = module.imports.get(alias, ("", None))
        dotted = source if attr is None else f"{source}.{attr}"
        return self.modules.get(dotted)

    def resolve(
        self, call: ast.Call, module: Module, local: Mapping[str, Function]
    ) -> list[tuple[Module, Function]]:
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in local:
                return [(module, local[func.id])]
            for where in (module, *self._conftests(module)):
                try:
                    return [self._resolve_name(where, func.id)]
                except LookupError:
                    continue
            return []
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name):
                imported = self._imported_module(module, func.value.id)
                if imported is not None:
                    try:
                        return [self._resolve_name(imported, func.attr)]
                    except LookupError:
                        return []
            helpers = [module, *(m for m in self.modules.values() if not m.is_test)]
            return [(m, f) for m in helpers for f in m.methods.get(func.attr, [])]
        return []

    # -- what counts as an assertion --------------------------------------------------------

    def _is_pytest_assertion(self, call: ast.Call, module: Module) -> bool:
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return module.imports.get(func.value.id) == ("pytest", None) and (
                func.attr in PYTEST_ASSERTIONS
            )
        if isinstance(func, ast.Name):
            source, attr = module.imports.get(func.id, ("", None))
            return source == "pytest" and attr in PYTEST_ASSERTIONS
        return False

    def node_asserts(self, node: ast.AST, module: Module, local: Mapping[str, Function]) -> bool:
        """Does anything in ``node`` (nested functions included) assert, by rule 2?"""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assert) and vacuous(sub.test) is None:
                return True
            if not isinstance(sub, ast.Call):
                continue
            if self._is_pytest_assertion(sub, module):
                return True
            targets = self.resolve(sub, module, local)
            if any(self.function_asserts(f, m) for m, f in targets):
                return True
            if not targets and (_is_expect(sub) or _called_name(sub).startswith(TRUSTED_PREFIXES)):
                return True
        return False

    def function_asserts(self, function: Function, module: Module) -> bool:
        key = id(function)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:  # a cycle asserts only if some other path does
            self._cut = True
            return False
        self._active.add(key)
        outer_cut, self._cut = self._cut, False
        try:
            result = self.node_asserts(function, module, _nested(function))
        finally:
            self._active.discard(key)
        if result or not self._cut or not self._active:  # a cut "no" may change later
            self._memo[key] = result
        self._cut = outer_cut or self._cut
        return result

    # -- the flags --------------------------------------------------------------------------

    def _early_returns(
        self, body: list[ast.stmt], module: Module, local: Mapping[str, Function], seen: bool
    ) -> Iterator[ast.Return]:
        for stmt in body:
            if isinstance(stmt, ast.Return) and not seen:
                yield stmt
            if isinstance(stmt, Function | ast.ClassDef):
                continue
            header = seen or (
                isinstance(stmt, ast.With | ast.AsyncWith)
                and any(self.node_asserts(item, module, local) for item in stmt.items)
            )
            for block in _blocks(stmt):
                yield from self._early_returns(block, module, local, header)
            for handler in getattr(stmt, "handlers", []):
                # `except FeedError: return` checks the type, like pytest.raises would
                yield from self._early_returns(
                    handler.body, module, local, header or _specific(handler)
                )
            seen = seen or self.node_asserts(stmt, module, local)

    def check(self) -> list[Flag]:
        flags: list[Flag] = []
        for module in self.modules.values():
            flags += self._vacuous_asserts(module)
            for node in ast.walk(module.tree):
                if (
                    isinstance(node, Function)
                    and _says_it_asserts(node.name)
                    and not self.function_asserts(node, module)
                ):
                    why = "named to assert, asserts nothing"
                    flags.append(Flag(module.path, node.lineno, node.name, why))
            if not module.is_test:
                continue
            for name, test in module.tests:
                if not self.function_asserts(test, module):
                    flags.append(Flag(module.path, test.lineno, name, "asserts nothing"))
                    continue
                for ret in self._early_returns(test.body, module, _nested(test), seen=False):
                    why = "returns before any assertion"
                    flags.append(Flag(module.path, ret.lineno, name, why))
        return sorted(set(flags))

    @staticmethod
    def _vacuous_asserts(module: Module) -> Iterator[Flag]:
        scopes: list[tuple[str, ast.AST]] = [("<module>", module.tree)]
        scopes += [(n.name, n) for n in ast.walk(module.tree) if isinstance(n, Function)]
        for name, scope in scopes:
            for node in _own_nodes(scope):
                if isinstance(node, ast.Assert) and (why := vacuous(node.test)):
                    yield Flag(module.path, node.lineno, name, why)


def _nested(function: Function) -> dict[str, Function]:
    return {
        node.name: node
        for node in ast.walk(function)
        if isinstance(node, Function) and node is not function
    }


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module or function that are not inside a (further) function."""
    stack: list[ast.AST] = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, Function):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _specific(handler: ast.ExceptHandler) -> bool:
    """``except SomeError:``, not a bare ``except:`` or ``except Exception:``."""
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "") for t in types}
    return not names & {"Exception", "BaseException"}


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for case in getattr(stmt, "cases", []):
        yield case.body


# -- the suite ------------------------------------------------------------------------------


def test_every_test_asserts_something_that_can_fail() -> None:
    flags = Checker.from_tree().check()
    assert flags == [], "tests that cannot fail:\n" + "\n".join(map(str, flags))


def test_the_tree_walk_sees_the_whole_suite() -> None:
    """The check above is only as good as what it reads: every test module, every test."""
    checker = Checker.from_tree()
    test_files = {m.path for m in checker.modules.values() if m.is_test}
    on_disk = {p.relative_to(TESTS.parent).as_posix() for p in TESTS.rglob("test_*.py")}
    assert test_files == on_disk
    names = {name for m in checker.modules.values() for name, _ in m.tests}
    assert "test_every_test_asserts_something_that_can_fail" in names
    assert len(names) > 100, sorted(names)


# -- the checker on snippets ----------------------------------------------------------------


def flags_for(source: str, **helpers: str) -> list[str]:
    """Flags for ``source`` as tests/test_snippet.py, with helper modules by dotted name."""
    sources = {"tests.test_snippet": textwrap.dedent(source)}
    sources |= {name.replace("__", "."): textwrap.dedent(src) for name, src in helpers.items()}
    return [f"{f.line}:{f.name}: {f.reason}" for f in Checker.from_sources(sources).check()]


@pytest.mark.parametrize(
    "body",
    ["pass", "...", '"""Only a docstring."""', "x = compute()\nprint(x)"],
    ids=["pass", "ellipsis", "docstring", "print"],
)
def test_a_test_without_an_assertion_is_flagged(body: str) -> None:
    source = "def test_x():\n" + textwrap.indent(body, "    ") + "\n"
    assert flags_for(source) == ["1:test_x: asserts nothing"]


def test_a_test_with_an_assert_passes() -> None:
    assert flags_for("def test_x():\n    assert compute() == 2\n") == []


def test_methods_of_test_classes_are_tests_and_other_classes_are_not() -> None:
    source = """
        class TestThing:
            def test_ok(self):
                assert self.value()
            def test_empty(self):
                self.value()
            def value(self):
                return 1
        class Helper:
            def test_not_a_test(self):
                pass
    """
    assert flags_for(source) == ["5:TestThing.test_empty: asserts nothing"]


@pytest.mark.parametrize(
    "body",
    [
        "with pytest.raises(ValueError):\n    int('x')",
        "pytest.raises(ValueError, int, 'x')",
        "with pytest.warns(UserWarning):\n    warn()",
        "if broken():\n    pytest.fail('broken')",
        "expect(page.get_by_text('Hi')).to_be_visible()",
        "spy.assert_called_once_with(1)",
        "pandas.testing.assert_frame_equal(a, b)",
        "assert total() == pytest.approx(0.3)",
    ],
)
def test_pytest_and_playwright_checks_and_assert_named_library_calls_count(body: str) -> None:
    source = "import pytest\n\ndef test_x(page, spy):\n" + textwrap.indent(body, "    ") + "\n"
    assert flags_for(source) == []


def test_raises_imported_from_pytest_counts_but_a_lookalike_does_not() -> None:
    assert flags_for("from pytest import raises\ndef test_x():\n    raises(E, f)\n") == []
    lookalike = "from mylib import raises\ndef test_x():\n    raises(E, f)\n"
    assert flags_for(lookalike) == ["2:test_x: asserts nothing"]


def test_a_local_helper_that_asserts_counts_transitively() -> None:
    source = """
        def _outer(x):
            _inner(x)

        def _inner(x):
            assert x > 0

        def test_x():
            _outer(1)
    """
    assert flags_for(source) == []


def test_a_helper_that_does_not_assert_is_flagged() -> None:
    source = """
        def _compute(x):
            return x * 2

        def test_x():
            _compute(1)
    """
    assert flags_for(source) == ["5:test_x: asserts nothing"]


def test_a_nested_helper_and_recursive_helpers_resolve_without_looping() -> None:
    source = """
        def _ping(n):
            return _pong(n - 1) if n else 0

        def _pong(n):
            return _ping(n)

        def test_loops():
            _ping(3)

        def test_nested():
            def check(v):
                assert v
            check(1)

        def _walk(n):
            _step(n)
            if n >= 0:
                assert n < 100

        def _step(n):
            _walk(n - 1)

        def test_walks():
            _walk(2)

        def test_steps():  # asserts through _walk, though _step was first seen mid-cycle
            _step(2)
    """
    assert flags_for(source) == ["8:test_loops: asserts nothing"]


def test_helpers_in_tests_modules_and_conftest_fixtures_resolve() -> None:
    source = """
        import tests.helpers as h
        from tests.helpers import verify, idle

        def test_imported(): verify(1)
        def test_module_attribute(): h.verify(1)
        def test_idle(): idle(1)
        def test_fixture_returning_a_checker(open_page): open_page("x")
        def test_method_of_a_helper_class(server): server.assert_no_hits()
    """
    helpers = """
        def verify(x):
            assert x
        def idle(x):
            return x
    """
    conftest = """
        import pytest
        @pytest.fixture
        def open_page():
            def _open(name):
                assert name
            return _open
    """
    server = """
        class Server:
            def assert_no_hits(self):
                return len(self.hits) == 0
    """
    got = flags_for(source, tests__helpers=helpers, tests__conftest=conftest, tests__srv=server)
    assert got == [
        "3:assert_no_hits: named to assert, asserts nothing",  # in tests/srv.py
        "7:test_idle: asserts nothing",
        "9:test_method_of_a_helper_class: asserts nothing",
    ]


def test_a_name_is_trusted_only_for_functions_outside_tests() -> None:
    source = """
        def assert_valid(x):
            print(x)

        def _check_quietly(x):
            return x

        def test_x():
            assert_valid(1)

        def test_y():
            assert_ok(1)  # defined nowhere in tests/: taken at its word
    """
    assert flags_for(source) == [
        "2:assert_valid: named to assert, asserts nothing",
        "5:_check_quietly: named to assert, asserts nothing",
        "8:test_x: asserts nothing",
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "assert True",
        "assert 1",
        "assert 'always'",
        "assert (value(), 'message')",
        "assert [value()]",
        "assert {'k': value()}",
        "assert not None",
        "assert x == x",
        "assert x.y[0] is x.y[0]",
    ],
)
def test_an_assertion_that_cannot_fail_is_flagged_and_does_not_count(statement: str) -> None:
    flags = flags_for(f"def test_x(x):\n    {statement}\n")
    assert len(flags) == 2, flags
    assert flags[0] == "1:test_x: asserts nothing"
    assert flags[1].startswith("2:test_x: ")


@pytest.mark.parametrize(
    "statement",
    [
        "assert x",
        "assert x == y",
        "assert x != x",
        "assert not x",
        "assert x.y[0] is x.y[1]",
        "assert render(x) == render(x)",  # determinism: two calls
    ],
)
def test_assertions_that_can_fail_are_not_flagged(statement: str) -> None:
    assert flags_for(f"def test_x(x, y):\n    {statement}\n") == []


def test_a_vacuous_assert_in_a_helper_module_is_flagged_too() -> None:
    got = flags_for("def test_x():\n    assert f()\n", tests__h="def h():\n    assert True\n")
    assert got == ["2:h: asserts the constant True"]


def test_an_early_return_before_any_assertion_is_flagged() -> None:
    source = """
        def test_x(path):
            if path.name == "__init__.py":
                return
            assert path.exists()
    """
    assert flags_for(source) == ["4:test_x: returns before any assertion"]


def test_a_return_after_an_assertion_on_its_path_is_fine() -> None:
    source = """
        import pytest

        def test_after(path):
            assert path
            if path.name == "x":
                return
            assert path.exists()

        def test_in_handler(path):
            try:
                risky()
            except ValueError as exc:
                assert exc.args
                return
            assert path

        def test_in_raises():
            with pytest.raises(ValueError):
                return int("x")

        def test_other_branch(path):
            if path:
                assert path.exists()
            else:
                return

        def test_named_error_is_the_check(path):
            try:
                feed = parse(path)
            except (FeedError, ValueError):
                return
            assert feed

        def test_any_error_is_not_a_check(path):
            try:
                feed = parse(path)
            except Exception:
                return
            assert feed
    """
    assert flags_for(source) == [
        "26:test_other_branch: returns before any assertion",
        "39:test_any_error_is_not_a_check: returns before any assertion",
    ]
