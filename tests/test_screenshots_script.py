"""scripts/screenshots.py reads the pages to photograph from the entry point's navigation."""

from __future__ import annotations

from pathlib import Path

from scripts.screenshots import NavPage, navigation
from tests.conftest import ROOT

APP = """
import streamlit as st

PAGES = {
    "A": [
        st.Page("pages/zeta.py", title="Zeta", icon=":material/x:"),
        st.Page("pages/home.py", title="Home", default=True),
    ],
    "B": [st.Page("pages/untitled.py")],
}
st.navigation(PAGES).run()
"""


def test_the_navigation_is_read_in_order_with_titles_and_the_default(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(APP, encoding="utf-8")
    assert navigation(app) == [
        NavPage("zeta", "Zeta", default=False),
        NavPage("home", "Home", default=True),
        NavPage("untitled", "untitled", default=False),
    ]
    assert [p.path for p in navigation(app)] == ["zeta", "", "untitled"]


def test_the_app_s_navigation_names_every_page_once() -> None:
    pages = navigation()
    assert sorted(p.name for p in pages) == sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    assert [p.name for p in pages if p.default] == ["dashboard"]
