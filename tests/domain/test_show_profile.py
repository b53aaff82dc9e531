"""Show profiles learned from a feed's own episodes, and the roles they give detection.

Names are invented; shows are invented. What is asserted is what a user would check on the
Feeds page and in the review queue.
"""

from __future__ import annotations

import pytest

from planner.domain.cue_patterns import cue_patterns
from planner.domain.detection import DetectionIndex
from planner.domain.entry import ParsedEntry, Person
from planner.domain.guest_cues import TABLES, base_language
from planner.domain.model import Contact, FeedKind, Profile, Role
from planner.domain.show_profile import (
    ShowCorrections,
    ShowFacts,
    ShowKind,
    ShowProfile,
    learn_show,
)
from planner.domain.show_text import name_runs, participants

GUESTS = [
    "Nadia Oyelaran",
    "Tomasz Wierzbicki",
    "Ingrid Solvang",
    "Kwame Asante",
    "Lucinda Farrow",
    "Rafael Quintero",
    "Maren Falkvik",
    "Oskar Lindqvist",
]
TOPICS = ["Pricing", "Hiring", "Habits", "Audio", "Sales", "Writing", "Design", "Teams"]
HOST = "Priya Ramaswamy"


def _interview_show() -> list[ParsedEntry]:
    return [
        ParsedEntry(
            guid=f"ep{n}",
            title=f"Ep {n} – {guest}: {topic} that lasts",
            summary_text=f"Your host {HOST} talks about {topic.lower()} this week.",
        )
        for n, (guest, topic) in enumerate(zip(GUESTS, TOPICS, strict=True), start=10)
    ]


def _solo_show() -> list[ParsedEntry]:
    return [
        ParsedEntry(
            guid=f"solo{n}",
            title=f"Episode {n} - {topic} for everyone",
            summary_text=f"In today's episode, I talk about {topic.lower()}.",
        )
        for n, topic in enumerate(TOPICS, start=30)
    ]


def test_an_interview_show_is_learned_with_its_host_and_title_template() -> None:
    profile = learn_show(_interview_show(), ShowFacts(title="Made Things"))
    assert profile.kind is ShowKind.INTERVIEW
    assert profile.hosts == (HOST,)
    assert profile.slots == ("first",)
    assert profile.template == "Ep N – {guest}: {topic}"
    assert profile.describe() == (
        "Interview show — guests appear as 'Ep N – {guest}: {topic}'; "
        f"hosts: {HOST}; 8 of 8 episodes name a guest."
    )


def test_a_show_without_guests_is_solo() -> None:
    profile = learn_show(_solo_show(), ShowFacts(title="Plain Talk", authors=("Oren Vasquez",)))
    assert profile.kind is ShowKind.SOLO
    assert profile.hosts == ("Oren Vasquez",)
    assert profile.describe().startswith("Solo show — no guests; hosts: Oren Vasquez;")


def test_the_title_slot_makes_a_guest_and_says_why() -> None:
    entries = _interview_show()
    profile = learn_show(entries, ShowFacts(title="Made Things"))
    index = DetectionIndex.build([Contact(id=1, name="Ingrid Solvang")])
    with_show = index.analyse(entries[2], FeedKind.PODCAST, show=profile).detections[0]
    assert with_show.role is Role.GUEST
    assert "the guest slot of this show's titles, 'Ep N – {guest}: {topic}'" in with_show.snippet


def test_a_host_is_never_a_guest_and_a_correction_is_followed_at_once() -> None:
    entries = _interview_show()
    profile = learn_show(entries, ShowFacts(title="Made Things"))
    index = DetectionIndex.build([Contact(id=1, name=HOST), Contact(id=2, name="Kwame Asante")])
    host_entry = ParsedEntry(guid="x", title=f"Ep 99 – {HOST}: Ask me anything")
    assert index.analyse(host_entry, FeedKind.PODCAST, show=profile).detections[0].role is (
        Role.FEATURE
    )
    guest = index.analyse(entries[3], FeedKind.PODCAST, show=profile).detections
    assert [(d.contact_id, d.role) for d in guest if d.contact_id == 2] == [(2, Role.GUEST)]
    corrected = profile.corrected(ShowCorrections().with_host("Kwame Asante", True))
    roles = {d.contact_id: d.role for d in index.analyse(entries[3], show=corrected).detections}
    assert roles[2] is Role.FEATURE
    solo = profile.corrected(ShowCorrections(kind=ShowKind.SOLO))
    assert solo.describe().startswith("Solo show — no guests (as you set it)")
    assert all(
        d.role is not Role.GUEST
        for e in entries
        for d in index.analyse(e, FeedKind.PODCAST, show=solo).detections
    )


def test_a_solo_show_has_no_guests_even_with_a_name_in_the_title() -> None:
    entries = [
        *_solo_show(),
        ParsedEntry(guid="trap", title="Episode 40 - Dana Whitcombe and a web for everyone"),
    ]
    profile = learn_show(entries, ShowFacts(title="Plain Talk"))
    index = DetectionIndex.build([Contact(id=1, name="Dana Whitcombe")])
    detections = index.analyse(entries[-1], FeedKind.PODCAST, show=profile).detections
    assert [d.role for d in detections] == [Role.FEATURE]
    assert index.analyse(entries[-1], FeedKind.PODCAST, show=profile).suggestions == ()


@pytest.mark.parametrize(
    ("language", "notes"),
    [
        ("en", "My guest today is Ilse Marchetti, who builds boats."),
        ("en", "Ilse Marchetti, founder of a boatyard, joins us to talk about wood."),
        ("es-ES", "Mi invitada hoy es Ilse Marchetti, constructora de barcos."),
        ("pt-BR", "Nesta conversa, conversamos com Ilse Marchetti sobre barcos."),
        ("de-DE", "Zu Gast ist heute Ilse Marchetti, Bootsbauerin aus Kiel."),
        ("fr", "Notre invitée est Ilse Marchetti, charpentière de marine."),
        ("nl", "Te gast is Ilse Marchetti, botenbouwer."),
        ("sv", "Veckans gäst är Ilse Marchetti, båtbyggare."),
    ],
)
def test_cue_phrases_in_every_language_make_a_guest(language: str, notes: str) -> None:
    profile = learn_show(_interview_show(), ShowFacts(title="Made Things", language=language))
    index = DetectionIndex.build([Contact(id=1, name="Ilse Marchetti")])
    entry = ParsedEntry(guid="n", title="Boats, wood and patience", summary_text=notes)
    detection = index.analyse(entry, FeedKind.PODCAST, show=profile).detections[0]
    assert detection.role is Role.GUEST
    assert detection.snippet.startswith("guest: the notes")


def test_a_name_in_passing_stays_a_mention() -> None:
    profile = learn_show(_interview_show(), ShowFacts(title="Made Things"))
    index = DetectionIndex.build([Contact(id=1, name="Ilse Marchetti")])
    entry = ParsedEntry(
        guid="m",
        title="Boats",
        summary_text="We start with a story. Last year I read a book by Ilse Marchetti.",
    )
    assert index.analyse(entry, FeedKind.PODCAST, show=profile).detections[0].role is (Role.MENTION)


def test_a_participant_list_names_guests_and_not_its_host() -> None:
    text = (
        "Hoje o papo é sobre barcos.\n"
        "Vem ver quem acompanha a gente neste papo!\n"
        "* Joana Pereira, a host que adora barcos\n"
        "* Tiago Mendonça, engenheiro naval\n"
        "* Bruna Esteves, designer\n"
        "Links do episódio"
    )
    cues = cue_patterns("pt-BR")
    assert [r.name for r in participants(text, cues)] == ["Tiago Mendonça", "Bruna Esteves"]
    assert [r.name for r in participants(text, cues, hosts=True)] == ["Joana Pereira"]


def test_credits_that_are_not_the_shows_own_people_are_guests() -> None:
    cast = (Person("Harald Brenner", "contributor"), Person("Lotte Vrieling", "contributor"))
    entries = [ParsedEntry(guid=f"c{n}", title=f"FX{n} Allerlei", people=cast) for n in range(1, 9)]
    visit = ParsedEntry(
        guid="visit", title="FX9 Besuch", people=(*cast, Person("Greta Hollweg", "contributor"))
    )
    profile = learn_show([visit, *entries], ShowFacts(title="Feierabend", people=cast))
    assert set(profile.hosts) == {"Harald Brenner", "Lotte Vrieling"}
    index = DetectionIndex.build(
        [Contact(id=1, name="Greta Hollweg"), Contact(id=2, name="Lotte Vrieling")]
    )
    roles = {d.contact_id: d.role for d in index.analyse(visit, show=profile).detections}
    assert roles == {1: Role.GUEST}


def test_a_link_blog_post_pointing_at_my_site_is_a_link_received() -> None:
    index = DetectionIndex.build([], Profile(name="Sam Okafor", domains=("samwrites.example",)))
    post = ParsedEntry(
        guid="lb1",
        title="On writing every day",
        link="https://samwrites.example/2026/every-day",
        summary_text="A fine piece on habits. ★",
        links=("https://linkblog.example/2026/12/every-day",),
    )
    me = index.analyse(post, FeedKind.BLOG, own_sites=("linkblog.example",)).me
    assert me is not None and me.role is Role.LINK
    assert me.matched == "https://samwrites.example/2026/every-day"
    # a post of my own site linking to itself is still navigation
    mine = ParsedEntry(guid="m", link="https://samwrites.example/a", links=(post.link,))
    assert index.analyse(mine, FeedKind.BLOG, own_sites=("samwrites.example",)).me is None


def test_profiles_survive_storage_and_unreadable_json_reads_as_empty() -> None:
    profile = learn_show(_interview_show(), ShowFacts(title="Made Things"))
    corrections = ShowCorrections(hosts=("Ingrid Solvang",), kind=ShowKind.INTERVIEW)
    again = ShowProfile.from_json(
        profile.to_json(), ShowCorrections.from_json(corrections.to_json())
    )
    assert again.hosts == (HOST, "Ingrid Solvang")
    assert again.template == profile.template
    assert (
        ShowProfile.from_json({"kind": "nonsense", "hosts": "x"})
        .describe()
        .startswith("Not enough episodes")
    )


def test_every_language_has_a_table_and_names_are_read_from_running_text() -> None:
    assert set(TABLES) >= {"en", "de", "es", "pt", "fr", "nl", "sv"}
    assert base_language("pt-BR") == "pt" and base_language("") == "en"
    runs = name_runs("then Ludwig van Horne met Ada Okoro, in 2019.")
    assert [r.name for r in runs] == ["Ludwig van Horne", "Ada Okoro"]


def test_the_template_reads_name_on_topic_titles_and_tagged_titles() -> None:
    entries = [
        ParsedEntry(guid=f"t{n}", title=f"[Replay] Ep {n}: {guest} on {topic.lower()} at scale")
        for n, (guest, topic) in enumerate(zip(GUESTS, TOPICS, strict=True), start=40)
    ]
    profile = learn_show(entries, ShowFacts(title="Made Things"))
    assert profile.template == "[Replay] Ep N: {guest} on {topic}"
    index = DetectionIndex.build(
        [Contact(id=1, name="Kwame Asante"), Contact(id=2, name="Sal Ortiz")]
    )
    guest = ParsedEntry(guid="g", title="[Replay] Ep 99: Kwame Asante on hiring Sal Ortiz")
    roles = {d.contact_id: d.role for d in index.analyse(guest, show=profile).detections}
    assert roles == {1: Role.GUEST, 2: Role.FEATURE}  # the topic is not the guest slot


def test_a_tagged_guest_stays_a_guest_against_learning_but_not_against_the_user() -> None:
    tagged = ParsedEntry(
        guid="t",
        title="Ep 70 – Pricing again",
        people=(Person("Kwame Asante", "guest"),),
    )
    index = DetectionIndex.build([Contact(id=1, name="Kwame Asante")])
    learned = learn_show(_interview_show(), ShowFacts(title="Made Things")).corrected(
        ShowCorrections()
    )
    as_learned = replace_hosts(learned, ("Kwame Asante",))
    assert index.analyse(tagged, show=as_learned).detections[0].role is Role.GUEST
    marked = learned.corrected(ShowCorrections().with_host("Kwame Asante", True))
    assert index.analyse(tagged, show=marked).detections[0].role is Role.MENTION
    solo = learned.corrected(ShowCorrections(kind=ShowKind.SOLO))
    assert index.analyse(tagged, show=solo).detections[0].role is Role.MENTION


def replace_hosts(profile: ShowProfile, hosts: tuple[str, ...]) -> ShowProfile:
    """The profile as if learning had found these hosts (no user correction)."""
    from dataclasses import replace

    return replace(profile, hosts=hosts, learned_hosts=hosts)
