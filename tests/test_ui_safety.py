"""S- and X-rows of THREATS.md: server config and how pages render text.

Feed titles, links, authors and content are user-controlled: pages show them through
st.text / st.dataframe / st.code / widgets only. st.markdown, st.caption and st.write turn
`![x](http://host/p.gif)` into a browser request, so they may only take literal strings or
f-strings built from the app's own numbers; st.html and unsafe_allow_html are banned.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PAGE_FILES = [
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "streamlit_app.py",
    *sorted((ROOT / "planner" / "ui").glob("*.py")),
]
MARKDOWN_CALLS = {
    "markdown",
    "caption",
    "write",
    "info",
    "warning",
    "success",
    "error",
    "toast",
    "subheader",
    "header",
    "title",
}


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_no_raw_html_anywhere(path: Path) -> None:
    for call in _calls(path):
        assert _name(call) != "html", f"{path.name}:{call.lineno} uses st.html"
        for kw in call.keywords:
            assert kw.arg != "unsafe_allow_html", f"{path.name}:{call.lineno} unsafe_allow_html"


def _only_app_values(node: ast.expr) -> bool:
    """A literal, or an f-string whose parts are numbers/format calls of app values."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(v, ast.Constant)
            or (isinstance(v, ast.FormattedValue) and v.format_spec is not None)
            or _is_safe_value(v)
            for v in node.values
        )
    return False


def _is_plain_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") == "plain"


def _is_safe_value(value: ast.expr) -> bool:
    # {len(x)}, {count}, {n} style values: names/calls of len/int/str of numbers are fine,
    # a Subscript/Attribute that may hold feed text (entry.title) is not.
    if not isinstance(value, ast.FormattedValue):
        return False
    inner = value.value
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
        return inner.func.id in {"len", "int", "round", "sum", "plain"}
    return isinstance(inner, ast.Name)


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_markdown_like_calls_only_render_app_text(path: Path) -> None:
    for call in _calls(path):
        if _name(call) in MARKDOWN_CALLS and call.args:
            arg = call.args[0]
            assert _only_app_values(arg) or _is_plain_call(arg), (
                f"{path.name}:{call.lineno}: {_name(call)}() must not render arbitrary text; "
                "use st.text or a dataframe for feed data"
            )


def test_streamlit_config_is_safe_by_default() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["address"] == "127.0.0.1"
    assert server["headless"] is True
    assert set(server["allowedHosts"]) <= {"localhost", "127.0.0.1"}
    assert server["enableXsrfProtection"] is True
    assert 0 < server["maxUploadSize"] <= 50
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] in ("none", "type")
