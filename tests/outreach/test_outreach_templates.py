"""Every built-in template renders for every kind of contact, and says what it should."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from outreach_samples import DAY, JANE, PAT, REASON, TEMPLATES_DIR, context_for

from planner.domain.model import Contact, Kind, Profile
from planner.outreach.context import CONTEXT_DOC
from planner.outreach.eml import build_draft
from planner.outreach.errors import TemplateProblem
from planner.outreach.labels import GAVE_PHRASES, KIND_LABELS, RECEIVED_PHRASES
from planner.outreach.render import (
    TemplateLibrary,
    compose_user_template,
    split_subject,
    split_template,
    template_key,
)
from planner.outreach.samples import sample_context

BUILTINS = sorted({p.name.split(".")[0] for p in TEMPLATES_DIR.glob("*.j2")})
REQUIRED = {
    "interview_invite",
    "featured_you",
    "thank_you",
    "ask_share",
    "ask_link",
    "ask_guest_post",
    "ask_affiliate_promo",
    "ask_intro",
    "reward_offer",
    "help_offer",
    "first_transaction",
    "reciprocate",
    "decline_request",
    "follow_up",
}

#: Facts each template must state with the full ledger context (subject + body). Ask,
#: request and planned-give titles are the user's own names for them, never quoted.
FACTS: dict[str, list[str]] = {
    "interview_invite": ["Jane", "The Give First Show"],
    "featured_you": ["Ep 42: Deep work with Jane Doe", "https://givefirst.example/ep42"],
    "thank_you": ["Jane's newsletter #12", "https://janedoe.example/n12", "shared my work"],
    "ask_share": ["a free report", "https://givefirst.example/kit", REASON],
    "ask_link": ["https://givefirst.example/season", REASON],
    "ask_guest_post": [REASON, "https://janedoe.example"],
    "ask_affiliate_promo": ["https://givefirst.example/course", REASON],
    "ask_intro": [REASON],
    "reward_offer": ["Jane's newsletter #12"],
    "help_offer": ["what problem are you grappling with right now?"],
    "first_transaction": ["interviewed you", "Ep 42: Deep work with Jane Doe"],
    "reciprocate": ["Jane's newsletter #12", "a feature"],
    "decline_request": ["a promotion", "say no"],
    "follow_up": ["https://givefirst.example/kit"],
}
#: The titles the user gave their asks, requests and planned gives (outreach_samples).
PRIVATE_TITLES = (
    "The Weekly Planning Kit",
    "How I plan a podcast season",
    "Five planning mistakes",
    "The Planning Course",
    "Sam Lee at Acme Podcasts",
    "Planning for creative people",
    "Your new book in my Friday roundup",
    "my spring course launch",
)

NOBODY = Contact(id=2, name="Doe, Jane")
HOSTILE = Contact(id=3, name="Tom & Jerry <b>{{ 7*7 }}</b>", email="tom@jerry.example")


def test_every_required_template_is_built_in() -> None:
    assert set(BUILTINS) >= REQUIRED
    assert set(FACTS) == set(BUILTINS)


@pytest.mark.parametrize("name", BUILTINS)
def test_renders_with_the_full_ledger_and_states_the_facts(
    library: TemplateLibrary, name: str
) -> None:
    draft = library.render(name, context_for(name))
    whole = f"{draft.subject}\n{draft.text}"
    for fact in FACTS[name]:
        assert fact in whole, f"{name}: {fact!r} missing from\n{whole}"
    assert draft.text.startswith("Hi Jane,\n\n")
    assert "Pat Planner\nThe Give First Show\nhttps://givefirst.example" in draft.text
    _assert_clean(draft.subject, draft.text)
    for title in PRIVATE_TITLES:
        assert title not in whole, f"{name} quotes the private title {title!r}"


@pytest.mark.parametrize("name", BUILTINS)
@pytest.mark.parametrize(
    ("contact", "profile", "with_ledger", "with_ask"),
    [
        pytest.param(NOBODY, Profile(), False, False, id="empty-profile-no-email-no-ledger"),
        pytest.param(JANE, PAT, False, True, id="ask-but-no-history"),
        pytest.param(NOBODY, PAT, True, False, id="history-but-no-ask"),
        pytest.param(HOSTILE, PAT, True, True, id="hostile-name"),
    ],
)
def test_renders_gracefully_when_data_is_missing(
    library: TemplateLibrary,
    name: str,
    contact: Contact,
    profile: Profile,
    with_ledger: bool,
    with_ask: bool,
) -> None:
    ctx = context_for(
        name,
        contact=contact,
        profile=profile,
        gives=None if with_ledger else [],
        received=None if with_ledger else [],
        with_ask=with_ask,
    )
    draft = library.render(name, ctx)
    _assert_clean(draft.subject, draft.text)
    assert ctx["contact"]["first_name"] in draft.text
    if contact is HOSTILE:
        # Data is data: not evaluated, not escaped in text.
        assert "Tom" in draft.text and "{{ 7*7 }}" not in draft.subject
    if contact is NOBODY:
        assert draft.text.startswith("Hi Jane,")


def _assert_clean(subject: str, text: str) -> None:
    assert subject and "\n" not in subject and len(subject) < 120
    assert "\n\n\n" not in text, "an empty optional paragraph left a gap"
    for bad in ("None", "Undefined", "{{", "{%", "  ,", " .", '""'):
        assert bad not in text, f"{bad!r} in\n{text}"
    assert not re.search(r"\ba ([aeiou])", text.replace("a one", "")), text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_text_is_not_html_escaped_but_html_is(library: TemplateLibrary) -> None:
    contact = Contact(id=4, name="Tom & Jerry <b>x</b>", email="tom@jerry.example")
    gives = [_give_titled("Cats & Mice <script>alert(1)</script>")]
    ctx = context_for("featured_you", contact=contact, gives=gives)
    draft = library.render("featured_you", ctx)
    assert "Hi Tom," in draft.text
    assert "Cats & Mice <script>alert(1)</script>" in draft.text
    assert draft.html is not None
    assert "Cats &amp; Mice &lt;script&gt;alert(1)&lt;/script&gt;" in draft.html
    assert "<script>" not in draft.html


def _give_titled(title: str):
    from outreach_samples import gave

    return gave(Kind.FEATURE, 3, title, "https://givefirst.example/cats")


def test_feed_links_that_are_not_http_never_reach_a_draft(library: TemplateLibrary) -> None:
    from outreach_samples import gave

    gives = [gave(Kind.FEATURE, 3, "Post", "javascript:alert(1)")]
    draft = library.render("featured_you", context_for("featured_you", gives=gives))
    assert "javascript" not in draft.text and "javascript" not in (draft.html or "")


@pytest.mark.parametrize("name", BUILTINS)
def test_every_draft_becomes_a_valid_eml(library: TemplateLibrary, name: str) -> None:
    for contact in (JANE, NOBODY, HOSTILE):
        ctx = context_for(name, contact=contact)
        draft = library.render(name, ctx)
        raw = build_draft(
            from_name=PAT.name,
            from_addr=PAT.email,
            to_name=contact.name,
            to_addr=contact.email,
            subject=draft.subject,
            text_body=draft.text,
            html_body=draft.html,
            now=datetime(2026, 11, 25, 9, tzinfo=UTC),
        )
        msg = message_from_bytes(raw, policy=policy.default)
        assert msg["Subject"] == draft.subject
        assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == draft.text


def test_sample_context_renders_every_template(library: TemplateLibrary) -> None:
    for kind in (Kind.SHARE, Kind.INTRO, Kind.GUEST_POST, Kind.HELP):
        ctx = sample_context(DAY, ask_kind=kind)
        for name in library.names():
            assert library.check(name, ctx) == []


def test_every_template_has_a_description(library: TemplateLibrary) -> None:
    infos = library.infos()
    assert [i.name for i in infos] == BUILTINS
    for info in infos:
        assert info.description, info.name
        assert info.origin == "builtin" and not info.overrides_builtin and info.has_text


def test_readme_documents_every_template_and_context_key() -> None:
    readme = (TEMPLATES_DIR / "README.md").read_text(encoding="utf-8")
    for name in BUILTINS:
        assert f"`{name}`" in readme
    for key in CONTEXT_DOC:
        assert f"`{key}`" in readme, key


def test_context_has_exactly_the_documented_keys() -> None:
    ctx = sample_context(DAY)
    found: set[str] = set()
    for key, value in ctx.items():
        if isinstance(value, dict):
            prefix = key
            if key in ("last_give", "last_received"):
                prefix = "item"
            found |= {f"{prefix}.{sub}" for sub in value}
            if prefix == "item":
                found.add(key)
        else:
            found.add(key)
            if key in ("gives", "received"):
                found |= {f"item.{sub}" for sub in value[0]}
    assert found == set(CONTEXT_DOC)


def test_every_kind_has_words() -> None:
    for kind in Kind:
        assert KIND_LABELS[kind] and GAVE_PHRASES[kind] and RECEIVED_PHRASES[kind]


# --- user overrides -----------------------------------------------------------------------


def test_user_template_overrides_builtin_and_drops_its_html() -> None:
    lib = TemplateLibrary(
        TEMPLATES_DIR,
        {"featured_you.txt": "{# mine #}\nSubject: Hey {{ contact.first_name }}\n\nShort one.\n"},
    )
    draft = lib.render("featured_you", context_for("featured_you"))
    assert draft.subject == "Hey Jane" and draft.text == "Short one.\n" and draft.html is None
    info = next(i for i in lib.infos() if i.name == "featured_you")
    assert info.origin == "user" and info.overrides_builtin and info.description == "mine"
    assert lib.builtin_source("featured_you") != lib.get("featured_you")


def test_user_html_only_override_keeps_builtin_text() -> None:
    lib = TemplateLibrary(
        TEMPLATES_DIR,
        {"thank_you.html.j2": "<p>{{ contact.name }}</p>"},
    )
    draft = lib.render("thank_you", context_for("thank_you"))
    assert draft.subject == "Thank you, Jane" and draft.html == "<p>Jane Doe</p>"


def test_new_user_template_is_listed_and_rendered_in_the_worker() -> None:
    lib = TemplateLibrary(
        TEMPLATES_DIR, {"podcast_pitch": "Subject: Pitch\n\nHi {{ contact.name }}"}
    )
    assert "podcast_pitch" in lib.names()
    draft = lib.render("podcast_pitch", context_for("podcast_pitch"))
    assert (draft.subject, draft.text) == ("Pitch", "Hi Jane Doe\n")


@pytest.mark.parametrize("key", ["../etc/passwd", "a/b", "Featured", "", "x" * 65, "a b"])
def test_template_names_cannot_look_like_paths(key: str) -> None:
    with pytest.raises(TemplateProblem):
        template_key(key)
    with pytest.raises(TemplateProblem):
        TemplateLibrary(TEMPLATES_DIR, {key: "Subject: x\n\ny"})


def test_template_key_variants() -> None:
    assert template_key("featured_you.html.j2") == ("featured_you", "html")
    assert template_key("featured_you.txt") == ("featured_you", "txt")
    assert template_key("featured_you") == ("featured_you", "txt")


def test_unknown_template_is_a_problem(library: TemplateLibrary) -> None:
    with pytest.raises(TemplateProblem, match="no template named 'nope'"):
        library.render("nope", context_for("x"))
    with pytest.raises(TemplateProblem):
        library.get("help_offer", "html")


@pytest.mark.parametrize(
    ("rendered", "message"),
    [("Hello\n\nbody", "first line must be 'Subject: ...'"), ("Subject:   \n\nbody", "empty")],
)
def test_subject_line_rules(rendered: str, message: str) -> None:
    with pytest.raises(TemplateProblem, match=re.escape(message)):
        split_subject(rendered, name="t")


def test_subject_split_trims_and_collapses() -> None:
    subject, body = split_subject("\n\nsubject:  A   b \n\n\nOne\n\n\n\nTwo  \n\n", name="t")
    assert (subject, body) == ("A b", "One\n\nTwo\n")


def test_library_reads_templates_by_absolute_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    lib = TemplateLibrary(TEMPLATES_DIR)
    assert lib.render("help_offer", context_for("help_offer")).subject


def test_first_names() -> None:
    from planner.outreach.context import first_name

    assert first_name("Jane Doe") == "Jane"
    assert first_name("Doe, Jane") == "Jane"
    assert first_name("Dr. Jane Doe") == "Jane"
    assert first_name("Prince") == "Prince"
    assert first_name("") == ""


def test_context_refuses_a_give_in_the_received_list() -> None:
    from outreach_samples import GIVES

    from planner.outreach.context import build_context

    with pytest.raises(ValueError, match="expected received"):
        build_context(profile=PAT, contact=JANE, today=DAY, received=GIVES)


def test_context_holds_only_plain_data() -> None:
    def walk(value: object) -> None:
        assert type(value) in (dict, list, str, int, float, bool), type(value)
        if isinstance(value, dict):
            for k, v in value.items():
                assert type(k) is str
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(sample_context(DAY))
    walk(context_for("x", contact=replace(JANE, tags=("a",))))


def test_templates_stored_as_separate_fields() -> None:
    entries = compose_user_template(
        "pitch", subject="Hi {{ contact.first_name }}\nBcc: x", body="Body {{ me.name }}\n"
    )
    assert entries == {
        "pitch.txt": "Subject: Hi {{ contact.first_name }} Bcc: x\n\nBody {{ me.name }}\n"
    }
    lib = TemplateLibrary(TEMPLATES_DIR, entries)
    draft = lib.render("pitch", context_for("pitch"))
    assert (draft.subject, draft.text) == ("Hi Jane Bcc: x", "Body Pat Planner\n")
    assert "pitch.html" in compose_user_template("pitch", subject="s", body="b", html="<p>b</p>")


def test_split_template_for_an_editor(library: TemplateLibrary) -> None:
    subject, body = split_template(library.get("thank_you"))
    assert subject == "Thank you, {{ contact.first_name or contact.name }}"
    assert body.startswith("Hi {{ contact.first_name or contact.name }},")
    assert split_template("no subject here") == ("", "no subject here")
    again = compose_user_template("thank_you", subject=subject, body=body)["thank_you.txt"]
    assert split_template(again) == (subject, body)
