"""Team deployments: with [auth] in secrets the app asks for a login first."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.conftest import APP


def test_without_auth_settings_the_app_opens(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    assert "login_button" not in {b.key for b in at.button}


def test_with_auth_settings_a_stranger_sees_only_the_login(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert at.title[0].value == "Give First"


def test_with_auth_settings_a_logged_in_user_sees_the_app(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
    }
    at.user = {"is_logged_in": True, "email": "ann@example.com"}
    at.run()
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    assert "login_button" not in {b.key for b in at.button}


def test_a_page_opened_directly_is_gated_too(app_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "ledger.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
    }
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe
