"""Dashboard, Contacts, Ledger and Settings through AppTest, empty and with the demo.

Every expectation comes from planner.services on the same database and the same clock
(TODAY) as the app; only what the user must see word for word (titles, labels, the
empty-state invitations) is written out here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from planner.domain import words
from planner.domain.audience import budget_line
from planner.domain.model import Kind, Tier
from planner.domain.words import tier_line, word
from planner.services import Workspace, backup, balances, contacts, exports, ledger, plan
from planner.services.contact_tables import CONTACT_COLUMNS
from planner.services.ledger_tables import COLUMNS as LEDGER_COLUMNS
from planner.services.ledger_tables import PAGE_SIZE
from planner.ui import plain
from tests.conftest import TODAY
from tests.pages.downloads import Downloads, csv_table, zip_members

BALANCE_COLUMNS = ["Contact", "Tier", "Balance", "Trust", "Reciprocity"]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frames(at: AppTest, *columns: str) -> list[pd.DataFrame]:
    """The page's dataframes that have every one of ``columns`` (AppTest shows no keys)."""
    return [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]


def the_frame(at: AppTest, *columns: str) -> pd.DataFrame:
    found = frames(at, *columns)
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def column_under(at: AppTest, heading: str) -> Block:
    """The st.columns cell whose subheader is ``heading``."""
    (cell,) = [c for c in at.columns if any(s.value == heading for s in c.subheader)]
    return cell


# --- dashboard ---------------------------------------------------------------------------


def test_the_empty_dashboard_invites_to_add_contacts_and_shows_no_figures(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    assert not at.error
    assert [t.value for t in at.title] == ["Dashboard"]
    assert at.date_input(key="dashboard_as_of").value == TODAY
    [info] = at.info
    assert info.value.startswith("No contacts yet. To start: add the people you know")
    assert "**Contacts**" in info.value and "**Ledger**" in info.value
    assert metrics(at) == {}
    assert not at.subheader and not at.dataframe and not at.download_button


def test_the_dashboard_figures_are_the_demo_balances(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    assert not at.error
    everyone = balances.all_balances(demo_app_ws, as_of=TODAY)
    frame = exports.balances_frame(demo_app_ws, as_of=TODAY)
    assert len(everyone) == len(frame) == contacts.count(demo_app_ws) > 0
    assert metrics(at) == {
        "Contacts": str(len(everyone)),
        "Goodwill given": f"{frame['given'].sum():.1f}",
        "Goodwill received": f"{frame['received'].sum():.1f}",
        "I owe": str(sum(b.balance < -0.5 for b in everyone)),
        "One-sided": str(sum(b.one_sided for b in everyone)),
    }
    assert float(metrics(at)["Goodwill given"]) > 0 and int(metrics(at)["I owe"]) > 0


def test_the_dashboard_lists_who_owes_whom_highest_balance_first(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    everyone = balances.all_balances(demo_app_ws, as_of=TODAY)
    owed = column_under(at, "They owe me").dataframe[0].value
    owing = column_under(at, "I owe them").dataframe[0].value
    assert list(owed.columns) == list(owing.columns) == BALANCE_COLUMNS
    assert set(owed["Contact"]) == {b.contact.name for b in everyone if b.balance > 0.5}
    assert set(owing["Contact"]) == {b.contact.name for b in everyone if b.balance < -0.5}
    assert len(owed) > 0 and len(owing) > 0
    assert owed["Balance"].is_monotonic_decreasing and owing["Balance"].is_monotonic_increasing
    top = max(everyone, key=lambda b: b.balance)
    assert owed.iloc[0]["Contact"] == top.contact.name
    assert owed.iloc[0]["Balance"] == round(top.balance, 3)  # shown to one decimal
    # tiers and trust in words, never codes
    assert owed.iloc[0]["Trust"] == word(top.trust)
    assert owed.iloc[0]["Tier"] == word(top.contact.tier)
    assert not {"cell", "deep", "new", "acquainted"} & {*owed["Tier"], *owed["Trust"]}
    one_sided = the_frame(at, "Given (lifetime)", "Received (lifetime)")
    assert set(one_sided["Contact"]) == {b.contact.name for b in everyone if b.one_sided}


def test_the_dashboard_balances_download_is_every_contact_s_balance(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("dashboard")
    got = downloads(at, "dl_balances")
    assert (got.label, got.file_name, got.mimetype) == (
        "Download balances CSV",
        f"balances-{TODAY.isoformat()}.csv",
        "text/csv",
    )
    header, rows = csv_table(got.data)
    frame = exports.balances_frame(demo_app_ws, as_of=TODAY)
    assert header == list(frame.columns)
    assert [r["contact"] for r in rows] == frame["contact"].tolist()
    lowest = min(balances.all_balances(demo_app_ws, as_of=TODAY), key=lambda b: b.balance)
    row = next(r for r in rows if r["contact"] == lowest.contact.name)
    assert lowest.balance < 0 and float(row["balance"]) == round(lowest.balance, 3)
    assert (row["tier"], row["trust"]) == (lowest.contact.tier.value, lowest.trust.value)
    assert row["one_sided"] == str(lowest.one_sided).lower()


# --- contacts ----------------------------------------------------------------------------


def test_the_empty_contacts_page_offers_the_add_form_and_an_empty_table(
    app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("contacts")
    assert not at.error
    assert [t.value for t in at.title] == ["Contacts"]
    assert [c.value for c in at.caption] == ["0 contact(s)"]
    assert at.button(key="add_contact_submit").label == "Add contact"
    assert [e.label for e in at.expander] == ["Add a contact"]
    table = the_frame(at, "Name", "Email", "Archived")
    assert table.empty
    assert not at.header and not at.metric and not at.tabs  # no contact to open
    header, rows = csv_table(downloads(at, "dl_contacts").data)
    assert header == CONTACT_COLUMNS and rows == []  # the download keeps machine columns


def test_the_contacts_page_lists_every_demo_contact_with_balance_and_trust(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    assert not at.error
    listed = contacts.list_contacts(demo_app_ws)
    assert at.caption[0].value == f"{len(listed)} contact(s)"
    table = the_frame(at, "Name", "Email", "Archived")
    assert table["Name"].tolist() == [c.name for c in listed]
    by_id = {b.contact.id: b for b in balances.all_balances(demo_app_ws)}
    known = next(c for c in listed if c.email and c.domains)
    row = table.set_index("Id").loc[known.id]
    assert (row["Name"], row["Tier"], row["Email"]) == (
        known.name,
        words.TIER_WORDS[known.tier],
        known.email,
    )
    assert row["Websites"] == " | ".join(known.domains)
    assert row["Balance"] == words.points(by_id[known.id].balance)
    assert row["Trust"] == words.TRUST_WORDS[by_id[known.id].trust]
    assert "reciprocity_ratio" not in table.columns


def test_the_contacts_page_opens_the_first_contact_with_its_figures_and_timeline(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    first = contacts.list_contacts(demo_app_ws)[0]
    b = balances.balance_of(demo_app_ws, first.id)
    assert [h.value for h in at.header] == [first.name]
    shown = metrics(at)
    assert shown["Balance"] == f"{b.balance:+.1f}"
    assert shown["Given (decayed)"] == f"{b.summary.given:.1f}"
    assert shown["Received (decayed)"] == f"{b.summary.received:.1f}"
    assert shown["Trust"] == words.TRUST_WORDS[b.trust]
    assert [t.label for t in at.tabs] == [
        "Timeline",
        "Balance explained",
        "Found in feeds",
        "Edit",
        "Merge",
    ]
    timeline = the_frame(at, "Direction", "Source", "Note")
    history = ledger.list_interactions(demo_app_ws, contact_id=first.id)
    assert len(timeline) == len(history) > 0
    assert set(timeline["Title"]) == {i.title for i in history}
    assert timeline["Date"].tolist() == [words.day(i.occurred_on) for i in history]
    assert set(timeline["Direction"]) <= {"I gave", "I received"}
    assert at.text_input(key="edit_name").value == first.name
    assert at.selectbox(key="edit_tier").value == first.tier.value
    cadence = demo_app_ws.settings().keep_in_touch_days[first.tier.value]
    assert words.tier_line(first.tier, cadence) in [c.value for c in at.caption]


def test_contact_detail_explains_the_balance_line_by_line(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    first = contacts.list_contacts(demo_app_ws)[0]
    b = balances.balance_of(demo_app_ws, first.id)
    explained = the_frame(at, "Weight", "Exposure", "Decay", "Value")
    rows = balances.explain_balance(demo_app_ws, first.id)
    assert len(explained) == len(rows) > 0
    assert explained["Value"].tolist() == [words.points(r.value) for r in rows]
    assert f"Sum of the values: balance {b.balance:+.1f}" in [c.value for c in at.caption]
    assert abs(sum(r.value for r in rows) - b.balance) < 0.005


def test_the_contacts_download_is_the_table_shown(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("contacts")
    got = downloads(at, "dl_contacts")
    assert (got.label, got.file_name, got.mimetype) == ("Download CSV", "contacts.csv", "text/csv")
    header, rows = csv_table(got.data)
    table = the_frame(at, "Name", "Email", "Archived")
    assert header == CONTACT_COLUMNS  # machine columns: scripts read them
    assert [r["name"] for r in rows] == table["Name"].tolist()
    known = next(c for c in contacts.list_contacts(demo_app_ws) if c.email and c.domains)
    row = next(r for r in rows if r["id"] == str(known.id))
    assert (row["name"], row["email"], row["tier"]) == (known.name, known.email, known.tier.value)
    assert row["domains"] == " | ".join(known.domains)
    assert row["archived"] == "false"


def test_adding_a_contact_through_the_form_persists(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    at.text_input(key="new_name").input("Ada Lovelace")
    at.text_input(key="new_reach").input("1200")
    at.text_input(key="new_domains").input("ada.example")
    at.button(key="add_contact_submit").click().run()
    assert not at.exception
    assert not at.error
    found = contacts.list_contacts(app_ws, search="Ada")
    assert [(c.name, c.reach, c.domains) for c in found] == [
        ("Ada Lovelace", 1200, ("ada.example",))
    ]
    assert at.caption[0].value == "1 contact(s)"
    assert [h.value for h in at.header] == ["Ada Lovelace"]


def test_a_bad_contact_shows_a_clear_error_and_stores_nothing(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("contacts")
    at.text_input(key="new_name").input("Bad Reach")
    at.text_input(key="new_reach").input("a lot")
    at.button(key="add_contact_submit").click().run()
    assert not at.exception
    assert "reach" in at.error[0].value
    assert contacts.list_contacts(app_ws) == []


# --- ledger ------------------------------------------------------------------------------


def test_the_empty_ledger_offers_the_add_form_and_nothing_to_delete(
    app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("ledger")
    assert not at.error
    assert [t.value for t in at.title] == ["Ledger"]
    assert at.caption[0].value == ("0 interaction(s); points today = decayed points as of today")
    assert at.button(key="ledger_submit").label == "Add"
    # without contacts the only choice is the audience
    assert at.selectbox(key="ledger_contact").options == ["— my audience —"]
    assert at.date_input(key="ledger_date").value == TODAY
    table = the_frame(at, "Direction", "Kind", "Points today")
    assert table.empty
    assert [b.key for b in at.button] == ["ledger_submit"]  # no Delete without rows
    header, rows = csv_table(downloads(at, "dl_ledger").data)
    assert header == LEDGER_COLUMNS and rows == []


def test_the_ledger_shows_the_demo_interactions_of_the_last_18_months_newest_first(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("ledger")
    assert not at.error
    since = TODAY - timedelta(days=548)
    expected = ledger.list_interactions(demo_app_ws, since=since)
    assert at.date_input(key="filter_since").value == since
    assert len(expected) > PAGE_SIZE  # the demo's last 18 months fill two pages
    assert at.caption[0].value == (
        f"{len(expected)} interaction(s), 1–{PAGE_SIZE} shown; "
        "points today = decayed points as of today"
    )
    table = the_frame(at, "Direction", "Kind", "Points today")
    assert table["Id"].tolist() == [i.id for i in expected[:PAGE_SIZE]]  # newest first
    assert table["Date"].tolist() == [words.day(i.occurred_on) for i in expected[:PAGE_SIZE]]
    newest = expected[0]
    row = table.iloc[0]
    assert (row["Id"], row["Date"], row["Kind"], row["Title"]) == (
        newest.id,
        words.day(newest.occurred_on),
        words.KIND_WORDS[newest.kind],
        newest.title,
    )
    assert set(table["Direction"]) == {"I gave", "I received"}
    assert all(len(p.split(".")[1]) == 1 for p in table["Points today"])
    assert at.button(key="delete_button").disabled  # until "Yes, delete it" is ticked

    at.number_input(key="ledger_page").set_value(2).run()
    rest = the_frame(at, "Direction", "Kind", "Points today")
    assert rest["Id"].tolist() == [i.id for i in expected[PAGE_SIZE:]]
    assert at.caption[0].value.startswith(
        f"{len(expected)} interaction(s), {PAGE_SIZE + 1}–{len(expected)} shown"
    )


def test_filtering_the_ledger_by_contact_shows_only_theirs_and_downloads_them(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    target = max(
        contacts.list_contacts(demo_app_ws),
        key=lambda c: len(ledger.list_interactions(demo_app_ws, contact_id=c.id)),
    )
    theirs = ledger.list_interactions(
        demo_app_ws, contact_id=target.id, since=TODAY - timedelta(days=548)
    )
    at = open_page("ledger")
    at.selectbox(key="filter_contact").select(target.name).run()
    assert not at.exception and not at.error
    assert at.caption[0].value.startswith(f"{len(theirs)} interaction(s)")
    table = the_frame(at, "Direction", "Kind", "Points today")
    assert set(table["Contact"]) == {target.name} and len(table) == len(theirs) > 1
    got = downloads(at, "dl_ledger")
    assert (got.file_name, got.mimetype) == ("ledger.csv", "text/csv")
    header, rows = csv_table(got.data)
    assert header == LEDGER_COLUMNS
    assert [int(r["id"]) for r in rows] == table["Id"].tolist()
    assert {r["contact"] for r in rows} == {target.name}
    first = next(i for i in theirs if i.id == int(rows[0]["id"]))
    assert (rows[0]["direction"], rows[0]["kind"], float(rows[0]["magnitude"])) == (
        first.direction.value,
        first.kind.value,
        first.magnitude,
    )


def test_adding_an_interaction_through_the_form_persists(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    target = contacts.list_contacts(demo_app_ws)[0]
    before = len(ledger.list_interactions(demo_app_ws, contact_id=target.id))
    at = open_page("ledger")
    at.selectbox(key="ledger_contact").select(target.name)
    at.selectbox(key="ledger_kind").select("interview")
    at.text_input(key="ledger_title").input("Episode 99")
    at.button(key="ledger_submit").click().run()
    assert not at.exception
    rows = ledger.list_interactions(demo_app_ws, contact_id=target.id)
    assert len(rows) == before + 1
    assert any(r.title == "Episode 99" and r.kind == "interview" for r in rows)
    assert "Episode 99" in set(the_frame(at, "Direction", "Kind", "Points today")["Title"])


# --- settings ----------------------------------------------------------------------------


def test_the_settings_page_shows_the_stored_model_in_its_forms(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("settings")
    assert not at.error
    assert [t.value for t in at.title] == ["Settings"]
    assert [t.label for t in at.tabs] == [
        "My profile",
        "Goodwill model",
        "Capacity & budget",
        "Feeds & detection",
        "Mail account",
    ]
    current = app_ws.settings()
    assert at.number_input(key="half_life").value == current.half_life_days
    assert at.number_input(key="promo_max").value == current.promo_max_per_30_days
    assert at.number_input(key="plan_weeks").value == current.plan_weeks
    weights = at.data_editor(key="weights_editor").value
    assert weights["Kind"].tolist() == [word(k) for k in Kind]
    assert weights["Weight"].tolist() == [current.weight(k) for k in Kind]
    tiers = at.data_editor(key="tiers_editor").value
    assert tiers["Tier"].tolist() == [
        tier_line(t, int(current.keep_in_touch_days.get(t, 0))) for t in Tier
    ]
    assert tiers["Capacity"].tolist() == [int(current.tier_capacity.get(t, 0)) for t in Tier]
    trust = at.data_editor(key="trust_editor").value
    assert set(trust["Trust needed"]) <= {"New", "Acquainted", "Trusted"}
    # the audience budget in its one wording; with no audience give yet, the ratio rule
    # wants 4 gives before a first promotion: at the limit, amber
    line = budget_line(plan.snapshot(app_ws).budget)
    assert line.level == "full"
    assert [w.value for w in at.warning if "Audience promotion budget" in w.value] == [
        plain(line.text)
    ]
    labels = {b.key: b.label for b in at.button}
    assert labels["model_save"] == "Save model" and labels["capacity_save"] == "Save capacity"
    assert at.button(key="restore_button").disabled  # nothing uploaded yet
    assert at.download_button(key="backup_download").label == "Download backup"


def test_the_settings_page_shows_the_demo_profile(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("settings")
    assert not at.error
    profile = demo_app_ws.profile()
    assert profile.name and profile.domains
    assert at.text_input(key="profile_name").value == profile.name
    assert at.text_input(key="profile_email").value == profile.email
    assert at.text_input(key="profile_domains").value == "|".join(profile.domains)
    assert at.text_input(key="profile_reach").value == (
        "" if profile.reach is None else str(profile.reach)
    )


def test_the_backup_of_an_empty_database_is_a_zip_with_empty_tables(
    app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("settings")
    got = downloads(at, "backup_download")
    assert (got.file_name, got.mimetype) == (backup.backup_file_name(app_ws), "application/zip")
    assert got.file_name.endswith(f"{TODAY.isoformat()}.zip")
    members = zip_members(got.data)
    manifest = json.loads(members["manifest.json"])
    assert manifest["created_at"].startswith(TODAY.isoformat())
    assert manifest["tables"]["contacts"]["rows"] == 0
    assert manifest["tables"]["interactions"]["rows"] == 0
    assert members["tables/contacts.csv"].count(b"\n") == 1  # the header only


def test_the_backup_of_the_demo_holds_every_contact_and_interaction(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("settings")
    members = zip_members(downloads(at, "backup_download").data)
    manifest = json.loads(members["manifest.json"])
    n_interactions = len(exports.ledger_frame(demo_app_ws))
    assert manifest["tables"]["contacts"]["rows"] == contacts.count(demo_app_ws) > 0
    assert manifest["tables"]["interactions"]["rows"] == n_interactions > 0
    assert {f"tables/{t}.csv" for t in manifest["tables"]} <= set(members)
    header, *rows = list(csv.reader(io.StringIO(members["tables/contacts.csv"].decode())))
    names = [r[header.index("name")] for r in rows]
    assert sorted(names) == sorted(
        c.name for c in contacts.list_contacts(demo_app_ws, include_archived=True)
    )


def test_saving_a_new_half_life_stores_it_and_the_form_shows_it(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("settings")
    at.number_input(key="half_life").set_value(90.0)
    at.button(key="model_save").click().run()
    assert not at.exception
    assert app_ws.settings().half_life_days == 90.0
    assert at.number_input(key="half_life").value == 90.0


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="page bug: the Excel BOM checkbox's state is a widget's, which Streamlit drops "
    "once a page without it has run; the choice holds for one page only",
)
def test_the_excel_bom_choice_in_settings_holds_for_the_downloads_of_every_page(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("settings")
    at.checkbox(key="excel_bom").check().run()
    at.switch_page("pages/contacts.py").run()
    csv_table(downloads(at, "dl_contacts").data, bom=True)  # the first page after: a BOM
    at.switch_page("pages/ledger.py").run()
    csv_table(downloads(at, "dl_ledger").data, bom=True)  # the next one: none (the bug)
