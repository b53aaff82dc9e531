"""planner profile show|set and planner settings show|set: what the Settings page edits,
from the command line, checked the same way (a bad value exits 2, nothing is stored)."""

from __future__ import annotations

import pytest

from planner.domain.model import Settings
from planner.services import Workspace
from planner.services import setting_fields as sf
from planner.services.setting_keys import field_key, setting_lines
from tests.conftest import run_cli as run


def test_profile_set_then_show(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    code, out, err = run(
        capsys,
        db_url,
        "profile",
        "set",
        "--name",
        "Ana Host",
        "--brand",
        "Ana's Show",
        "--email",
        "ana@ana.example",
        "--domain",
        "https://www.Ana.example/",
        "--domain",
        "b.example|c.example",
        "--handle",
        "@ana",
        "--alias",
        "Ana H.",
        "--reach",
        "1,200",
    )
    assert code == 0, err
    profile = ws.profile()
    assert (profile.name, profile.brand, profile.email) == (
        "Ana Host",
        "Ana's Show",
        "ana@ana.example",
    )
    assert profile.domains == ("ana.example", "b.example", "c.example")
    assert (profile.handles, profile.aliases, profile.reach) == (("@ana",), ("Ana H.",), 1200)
    code, out, _ = run(capsys, db_url, "profile", "show")
    assert code == 0
    assert out.splitlines() == [
        "name: Ana Host",
        "brand: Ana's Show",
        "email: ana@ana.example",
        "domains: ana.example | b.example | c.example",
        "handles: @ana",
        "other names: Ana H.",
        "reach: 1200",
    ]


def test_profile_set_keeps_what_is_not_given_and_clears_with_empty(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    run(
        capsys, db_url, "profile", "set", "--name", "Ana", "--domain", "ana.example", "--reach", "5"
    )
    code, _, err = run(capsys, db_url, "profile", "set", "--reach", "")
    assert code == 0, err
    profile = ws.profile()
    assert (profile.name, profile.domains, profile.reach) == ("Ana", ("ana.example",), None)
    run(capsys, db_url, "profile", "set", "--domain", "")
    assert ws.profile().domains == ()


def test_a_bad_profile_value_exits_2_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    run(capsys, db_url, "profile", "set", "--name", "Ana", "--reach", "10")
    code, out, err = run(capsys, db_url, "profile", "set", "--name", "Bo", "--reach", "lots")
    assert code == 2 and out == ""
    assert err.startswith("planner: error: reach") and "not a number" in err
    assert (ws.profile().name, ws.profile().reach) == ("Ana", 10)
    code, _, err = run(capsys, db_url, "profile", "set", "--email", "not-an-email")
    assert code == 2 and "email" in err and ws.profile().email == ""


def test_settings_show_lists_every_form_field_and_table_entry(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    code, out, _ = run(capsys, db_url, "settings", "show")
    assert code == 0
    keys = [line.split()[0] for line in out.splitlines()]
    assert keys == [line.key for line in setting_lines(Settings())]
    assert set(keys) >= {field_key(f) for f in sf.FIELDS}
    assert {"weights.interview", "tier_capacity.deep", "keep_in_touch_days.cell"} <= set(keys)
    assert "half_life_days" in out and "Half-life (days)" in out
    assert any(line.split()[:2] == ["allow_private_addresses", "off"] for line in out.splitlines())


@pytest.mark.parametrize(
    ("key", "value", "check"),
    [
        ("half_life_days", "90", lambda s: s.half_life_days == 90.0),
        ("weekly_capacity.interviews", "3", lambda s: s.weekly_capacity.interviews == 3),
        ("fetch_max_mb", "5", lambda s: s.fetch_max_bytes == 5 * sf.MIB),
        ("allow_private_addresses", "on", lambda s: s.allow_private_addresses is True),
        (
            "affiliate_domains",
            "a.example|b.example",
            lambda s: s.affiliate_domains == ("a.example", "b.example"),
        ),
        ("weights.interview", "7.5", lambda s: s.weights["interview"] == 7.5),
        ("trust_required.jv", "acquainted", lambda s: s.trust_required["jv"] == "acquainted"),
        ("tier_capacity.deep", "20", lambda s: s.tier_capacity["deep"] == 20),
    ],
)
def test_settings_set_stores_one_setting(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    key: str,
    value: str,
    check: object,
) -> None:
    code, out, err = run(capsys, db_url, "settings", "set", key, value)
    assert code == 0, err
    assert out.startswith(f"{key} = ")
    assert check(ws.settings())  # type: ignore[operator]


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("half_life_days", "0", "half_life_days: must be at least"),
        ("half_life_days", "soon", "half_life_days: 'soon' is not a number"),
        ("half_life_days", "nan", "is not a number"),
        ("plan_weeks", "2.5", "plan_weeks: '2.5' is not a whole number"),
        ("plan_weeks", "99", "plan_weeks: must be at most 52"),
        ("allow_private_addresses", "maybe", "is not on or off"),
        ("exposure_max", "0.5", "exposure_max: must be at least 1"),
        ("weights.interview", "-1", "weights.interview:"),
        ("weights.nonsense", "1", "unknown weights entry"),
        ("trust_required.jv", "best friends", "is not one of"),
        ("tier_capacity.deep", "-2", "must not be negative"),
        ("no_such_setting", "1", "unknown setting 'no_such_setting'"),
    ],
)
def test_a_bad_setting_exits_2_names_the_key_and_stores_nothing(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    key: str,
    value: str,
    problem: str,
) -> None:
    before = ws.settings()
    code, out, err = run(capsys, db_url, "settings", "set", key, value)
    assert code == 2 and out == ""
    assert err.startswith("planner: error: ") and problem in err, err
    assert ws.settings() == before


def test_the_model_s_own_checks_name_the_key(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    """Past the input's bounds (exposure_max has no maximum there), the model's rules."""
    before = ws.settings()
    code, out, err = run(capsys, db_url, "settings", "set", "exposure_max", "1e9")
    assert code == 2 and out == ""
    assert err.startswith("planner: error: exposure_max: exposure bounds must satisfy"), err
    assert ws.settings() == before
