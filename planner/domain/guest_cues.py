"""The words shows use to introduce a guest, one table per language.

Detection reads guests from how a show speaks about them, not from a show's name: "my
guest today is …", "… joins us", "Mi invitado hoy es …", "zu Gast ist …", a list of
participants headed "convidados:". Every phrase lives here, as data; the patterns that
find them are built from these tables (see :func:`cue_patterns`), so a new language or a
missed phrase is one line in one table, never a new regular expression.

Each :class:`GuestCues` table holds:

* ``before`` — phrases right before a guest's name ("my guest is", "we talk with");
* ``after`` — phrases right after it ("joins us", "ist zu Gast");
* ``speaks`` — weaker phrases after it ("discusses", "explains");
* ``title_markers`` — words that put a guest into a title ("with", "con", "mit");
* ``list_heads`` — the heading of a participant list ("guests", "participantes");
* ``host_words`` — how a list or credit marks the host, who is never a guest;
* ``joiners`` — the words for "and" that join several guests.

English cues apply to every show (international shows write English show notes); a
show's own language adds its table. A table's phrases are lower case, accents as written;
matching folds case and accents the way names are folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from planner.domain.names import FoldedText, fold, fold_text, is_word_char


@dataclass(frozen=True, slots=True)
class GuestCues:
    language: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    title_markers: tuple[str, ...]
    list_heads: tuple[str, ...]
    host_words: tuple[str, ...]
    joiners: tuple[str, ...]
    #: Weaker than ``after``: a named person who "discusses" or "explains" is most often a
    #: guest, but a news show's notes also say what a politician "reveals".
    speaks: tuple[str, ...] = ()
    #: In a blog post: phrases right before the name of someone the post interviews ("I
    #: asked Jane Doe where to start" quotes one answer: not an interview).
    interviews: tuple[str, ...] = ()
    #: In a blog post's title: the words of a round-up ("12 experts on pricing").
    roundups: tuple[str, ...] = ()
    #: After a guest's name in a title, what leads to the topic ("Jane Doe on Pricing").
    about: tuple[str, ...] = ()


def _phrases(text: str) -> tuple[str, ...]:
    """One phrase per line, blank lines ignored."""
    return tuple(" ".join(line.split()) for line in text.strip().splitlines() if line.strip())


ENGLISH = GuestCues(
    language="en",
    about=_phrases(
        """
        on
        talks
        discusses
        explains
        shares
        answers
        returns
        breaks down
        """
    ),
    before=_phrases(
        """
        my guest is
        my guest today is
        my guest this week is
        my guests are
        my guests today are
        our guest is
        our guest today is
        our guest this week is
        our guests are
        our guests today are
        today's guest is
        today's guests are
        this week's guest is
        this week's guests are
        this episode's guest is
        the guest is
        special guest
        special guests
        guest
        guests
        featuring
        joined by
        i'm joined by
        we're joined by
        i am joined by
        we are joined by
        i talk with
        i talk to
        i'm talking to
        i'm talking with
        we're talking to
        we're talking with
        we get analysis from
        we hear from
        i have
        we have
        i talked with
        i talked to
        i speak with
        i speak to
        i spoke with
        i spoke to
        i chat with
        i chatted with
        i sit down with
        i sat down with
        i interview
        i interviewed
        we talk with
        we talk to
        we talked with
        we talked to
        we speak with
        we speak to
        we spoke with
        we spoke to
        we chat with
        we chatted with
        we sit down with
        we sat down with
        we interview
        we interviewed
        we meet
        we welcome
        welcome back
        welcomes
        talks with
        talks to
        talked with
        talked to
        speaks with
        speaks to
        spoke with
        spoke to
        chats with
        chatted with
        sits down with
        sat down with
        interviews
        interviewed
        in conversation with
        a conversation with
        conversation with
        an interview with
        interview with
        is joined by
        are joined by
        the story of
        the incredible story of
        """
    ),
    after=_phrases(
        """
        joins us
        joins me
        joins the show
        joins the podcast
        joins
        joined us
        joined me
        joined
        rejoins
        returns
        is back
        is our guest
        is my guest
        our guest
        is here
        is on the show
        is with us
        are here
        are with us
        join us
        join me
        join
        comes on
        stops by
        drops by
        sits down with
        sat down with
        sat down for an interview
        """
    ),
    speaks=_phrases(
        """
        talks about
        talks to
        talks with
        talk about
        talk to
        talk with
        talked about
        discusses
        discuss
        discussed
        explains
        explain
        describes
        describe
        reveals
        shares
        share
        breaks down
        break down
        weighs in
        weigh in
        analyzes
        analyze
        analyses
        dissects
        dissect
        unpacks
        unpack
        tells us
        tells
        argues
        makes the case
        walks us through
        walks through
        gives a
        offers
        answers
        reflects on
        recounts
        takes us
        take us
        performs
        perform
        blasts
        calls for
        exposes
        investigates
        lays out
        explores
        debunks
        examines
        looks at
        digs into
        dig into
        details
        outlines
        warns
        recalls
        remembers
        reviews
        responds
        reacts
        find
        finds
        agree
        gets into
        talks
        speaks
        speak
        weighs
        gives
        give
        confronts
        questions
        shreds
        tackles
        challenges
        criticizes
        criticises
        fills in
        """
    ),
    title_markers=_phrases(
        """
        with
        w/
        feat.
        feat
        ft.
        ft
        featuring
        starring
        guest:
        guests:
        interview:
        interview with
        interviews with
        interviewing
        q&a:
        q&a with
        ama with
        ama:
        conversation with
        conversations with
        in conversation with
        chat with
        chats with
        chatting with
        talk with
        talks with
        talking with
        talk to
        talks to
        talking to
        sits down with
        sitting down with
        joined by
        """
    ),
    list_heads=_phrases(
        """
        guests
        guest
        participants
        panelists
        panel
        on air
        on the show
        in this episode
        """
    ),
    host_words=_phrases(
        """
        host
        hosts
        co-host
        cohost
        hosted by
        moderator
        presenter
        """
    ),
    joiners=_phrases(
        """
        and
        &
        +
        """
    ),
    interviews=_phrases(
        """
        we asked
        we interviewed
        i interviewed
        an interview with
        interview with
        q&a with
        in conversation with
        i sat down with
        we sat down with
        """
    ),
    roundups=_phrases(
        """
        experts
        marketers
        founders
        bloggers
        writers
        creators
        leaders
        entrepreneurs
        podcasters
        designers
        developers
        authors
        pros
        people
        ceos
        expert roundup
        expert round-up
        roundup
        round-up
        """
    ),
)

SPANISH = GuestCues(
    language="es",
    about=_phrases(
        """
        sobre
        habla de
        habla sobre
        """
    ),
    before=_phrases(
        """
        mi invitado es
        mi invitada es
        mi invitado hoy es
        mi invitada hoy es
        mis invitados son
        mis invitados hoy son
        nuestro invitado es
        nuestra invitada es
        nuestro invitado hoy es
        nuestra invitada hoy es
        nuestros invitados son
        el invitado de hoy es
        la invitada de hoy es
        invitado
        invitada
        invitados
        invitadas
        entrevista con
        entrevistamos a
        conversamos con
        charlamos con
        platicamos con
        hablamos con
        hablo con
        converso con
        nos acompaña
        nos acompañan
        recibimos a
        """
    ),
    after=_phrases(
        """
        nos acompaña
        nos visita
        es nuestro invitado
        es nuestra invitada
        es mi invitado
        es mi invitada
        habla de
        habla sobre
        nos cuenta
        conversa con
        """
    ),
    title_markers=_phrases(
        """
        con
        entrevista con
        entrevista a
        invitado:
        invitada:
        invitados:
        """
    ),
    list_heads=_phrases(
        """
        invitados
        invitado
        invitada
        participantes
        """
    ),
    host_words=_phrases(
        """
        conductor
        conductora
        presentador
        presentadora
        anfitrión
        anfitriona
        """
    ),
    joiners=_phrases(
        """
        y
        e
        """
    ),
)

PORTUGUESE = GuestCues(
    language="pt",
    about=_phrases(
        """
        sobre
        fala sobre
        """
    ),
    before=_phrases(
        """
        meu convidado é
        minha convidada é
        meus convidados são
        nosso convidado é
        nossa convidada é
        nossos convidados são
        o convidado de hoje é
        a convidada de hoje é
        convidado
        convidada
        convidados
        convidadas
        entrevista com
        entrevistamos
        conversamos com
        batemos um papo com
        bate-papo com
        papo com
        recebemos
        recebe
        """
    ),
    after=_phrases(
        """
        é o convidado
        é a convidada
        é nosso convidado
        é nossa convidada
        fala sobre
        conta
        conversa com
        """
    ),
    title_markers=_phrases(
        """
        com
        entrevista com
        convidado:
        convidada:
        convidados:
        """
    ),
    list_heads=_phrases(
        """
        convidados
        convidado
        convidada
        participantes
        quem acompanha a gente
        quem participa
        """
    ),
    host_words=_phrases(
        """
        host
        co-host
        apresentador
        apresentadora
        âncora
        """
    ),
    joiners=_phrases(
        """
        e
        """
    ),
)

GERMAN = GuestCues(
    language="de",
    about=_phrases(
        """
        über
        spricht über
        """
    ),
    before=_phrases(
        """
        zu gast ist
        zu gast sind
        zu gast ist heute
        zu gast sind heute
        heute zu gast ist
        heute zu gast sind
        unser gast ist
        unser gast heute ist
        unsere gäste sind
        mein gast ist
        meine gäste sind
        mit unserem gast
        mit unseren gästen
        mit unseren zwei gästen
        mit unseren drei gästen
        mit meinem gast
        mit unserer gästin
        gast
        gäste
        gästin
        im gespräch mit
        interview mit
        gespräch mit
        wir sprechen mit
        ich spreche mit
        wir reden mit
        ich rede mit
        wir begrüßen
        ich begrüße
        begrüßen wir
        gast in der runde
        einen gast in der runde
        """
    ),
    after=_phrases(
        """
        ist zu gast
        sind zu gast
        ist heute zu gast
        sind heute zu gast
        ist unser gast
        ist mein gast
        ist wieder dabei
        sind wieder dabei
        ist dabei
        sind dabei
        erzählt
        spricht über
        berichtet
        """
    ),
    title_markers=_phrases(
        """
        mit
        im gespräch mit
        interview mit
        gast:
        gäste:
        """
    ),
    list_heads=_phrases(
        """
        gäste
        gast
        teilnehmer
        on air
        mit dabei
        """
    ),
    host_words=_phrases(
        """
        moderation
        moderator
        moderatorin
        gastgeber
        gastgeberin
        host
        """
    ),
    joiners=_phrases(
        """
        und
        """
    ),
)

FRENCH = GuestCues(
    language="fr",
    about=_phrases(
        """
        sur
        parle de
        """
    ),
    before=_phrases(
        """
        mon invité est
        mon invitée est
        mes invités sont
        notre invité est
        notre invitée est
        nos invités sont
        l'invité du jour est
        l'invitée du jour est
        invité
        invitée
        invités
        invitées
        entretien avec
        en conversation avec
        conversation avec
        interview de
        nous recevons
        nous accueillons
        je reçois
        j'accueille
        reçoit
        accueille
        on discute avec
        nous discutons avec
        """
    ),
    after=_phrases(
        """
        est notre invité
        est notre invitée
        est mon invité
        est mon invitée
        nous rejoint
        nous parle de
        raconte
        explique
        """
    ),
    title_markers=_phrases(
        """
        avec
        entretien avec
        invité:
        invitée:
        invités:
        """
    ),
    list_heads=_phrases(
        """
        invités
        invité
        invitée
        participants
        """
    ),
    host_words=_phrases(
        """
        animateur
        animatrice
        présentateur
        présentatrice
        animé par
        """
    ),
    joiners=_phrases(
        """
        et
        """
    ),
)

DUTCH = GuestCues(
    language="nl",
    about=_phrases(
        """
        over
        """
    ),
    before=_phrases(
        """
        te gast is
        te gast zijn
        onze gast is
        onze gasten zijn
        mijn gast is
        mijn gasten zijn
        de gast van vandaag is
        gast
        gasten
        in gesprek met
        gesprek met
        interview met
        we praten met
        ik praat met
        we spreken met
        ik spreek met
        we ontvangen
        ik ontvang
        ontvangt
        """
    ),
    after=_phrases(
        """
        is te gast
        zijn te gast
        is onze gast
        schuift aan
        schuiven aan
        vertelt
        praat over
        """
    ),
    title_markers=_phrases(
        """
        met
        in gesprek met
        interview met
        gast:
        gasten:
        """
    ),
    list_heads=_phrases(
        """
        gasten
        gast
        deelnemers
        """
    ),
    host_words=_phrases(
        """
        presentator
        presentatrice
        gastheer
        gastvrouw
        host
        """
    ),
    joiners=_phrases(
        """
        en
        """
    ),
)

SWEDISH = GuestCues(
    language="sv",
    about=_phrases(
        """
        om
        """
    ),
    before=_phrases(
        """
        veckans gäst är
        dagens gäst är
        veckans gäst
        dagens gäst
        vår gäst är
        våra gäster är
        min gäst är
        gäst
        gäster
        samtal med
        i samtal med
        intervju med
        vi pratar med
        jag pratar med
        vi träffar
        jag träffar
        besöks av
        gästas av
        """
    ),
    after=_phrases(
        """
        gästar
        är gäst
        är veckans gäst
        är dagens gäst
        berättar
        pratar om
        """
    ),
    title_markers=_phrases(
        """
        med
        i samtal med
        intervju med
        gäst:
        gäster:
        """
    ),
    list_heads=_phrases(
        """
        gäster
        gäst
        medverkande
        """
    ),
    host_words=_phrases(
        """
        programledare
        värd
        """
    ),
    joiners=_phrases(
        """
        och
        """
    ),
)

TABLES: dict[str, GuestCues] = {
    t.language: t for t in (ENGLISH, SPANISH, PORTUGUESE, GERMAN, FRENCH, DUTCH, SWEDISH)
}


def base_language(language: str) -> str:
    """ "pt-BR" → "pt", "de_DE" → "de", "" → "en"."""
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return code or "en"


def tables_for(language: str) -> tuple[GuestCues, ...]:
    """English, then the show's own language when there is a table for it."""
    own = TABLES.get(base_language(language))
    return (ENGLISH,) if own is None or own is ENGLISH else (ENGLISH, own)


@dataclass(frozen=True, slots=True, eq=False)  # one per language (cached): hash by identity
class CuePatterns:
    """The tables of one language, compiled. They run on the text as written: cue phrases
    ignore case, while the words between a cue and a name must be lower case (a
    capitalised word there is another name or an organisation)."""

    after: re.Pattern[str]  # a cue starting right after the name (after an apposition)
    speaks: re.Pattern[str]  # a weaker cue after the name
    title_marker: re.Pattern[str]  # a title marker ending where the name starts
    title_marker_any: re.Pattern[str]  # every title marker in a title, for candidates
    list_head: re.Pattern[str]
    host_word: re.Pattern[str]
    interview: re.Pattern[str]  # a blog's interview phrase ending where the name starts
    roundup: re.Pattern[str]  # a round-up title ("12 experts on …", "Expert roundup")
    about: re.Pattern[str]  # after a name in a title, the way to its topic ("on")
    before_phrases: ahocorasick.Automaton  # the "before" cues, folded: one pass finds all
    after_phrases: ahocorasick.Automaton  # the strong "after" cues, folded

    def before_ends(self, text: str) -> Iterator[int]:
        """Where in ``text`` a "before" cue phrase ends (whole words, any case or accent)."""
        return (end for _, end in _phrase_spans(self.before_phrases, fold_text(text)))

    def cue_positions(self, text: str) -> tuple[list[int], list[int]]:
        """Where "before" cues end and strong "after" cues ("joins us") start, in one fold
        of ``text``."""
        folded = fold_text(text)
        return (
            [end for _, end in _phrase_spans(self.before_phrases, folded)],
            [start for start, _ in _phrase_spans(self.after_phrases, folded)],
        )

    def before_cue_at_end(self, window: str) -> bool:
        """Does ``window`` end with a "before" cue and the words that may follow it ("my
        guest is the author ")?"""
        return any(_TO_NAME.fullmatch(window, end) for end in self.before_ends(window))

    def name_after_cue(self, text: str, end: int) -> int | None:
        """Where the name after a "before" cue ending at ``end`` starts, if one does."""
        match = _TO_NAME_AHEAD.match(text, end)
        return match.end() if match else None

    joiner_tail: re.Pattern[str]  # "and" (or "," "&") ending a text
    joiner_head: re.Pattern[str]  # "and" (or "," "&") starting a text


def _alternatives(phrases: set[str]) -> str:
    """A case-insensitive regex alternative, longest phrase first (the longest cue wins);
    any apostrophe and any whitespace match."""
    ordered = sorted({p for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    escaped = (re.sub("['’]", "['’]", re.escape(p).replace(r"\ ", r"\s+")) for p in ordered)
    return "(?i:" + "|".join(escaped) + ")"


def _at_word_start(alternatives: str) -> str:
    """Phrases that start at a word start ("w/" and "&" have no word character)."""
    return rf"(?<![\w'’]){alternatives}"


#: Words that may sit between a cue and the name: "we talk to revolutionary musical artist
#: Seun Kuti", "we speak with attorney and former Acme adviser Jane Doe", "we talk to two
#: newly elected members: Jane Doe" — but not a word that starts another clause ("we talk
#: to Jane Doe about John Roe" does not make John Roe a guest).
_CLAUSE_WORDS = (
    "about|on|regarding|over|after|before|sobre|über|sur|om|over|following|while|because"
)
_DESCRIPTOR = (
    rf"(?:(?:(?!(?i:{_CLAUSE_WORDS})\b)[^\W\d_][\w'’.\-]*,?\s+){{0,6}}"
    r"|[^.!?\n:]{0,60}:\s+)"
)
_HONORIFIC = r"(?:(?i:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev|sen|senator|rep|gov)\.?\s+)?"
#: Upper-case letters of the Latin, Greek and Cyrillic scripts (re has no \p{Lu}).
UPPER = "".join(c for c in map(chr, range(0x0530)) if c.isupper())
_CAPITALISED = r"[^\W\d_a-z][\w'’.\-]*"
#: What may sit between the name and a cue after it: "(Acme)", ", the CEO of Acme,", "of
#: Electronic Intifada", "from the Android team", ", who".
_APPOSITION = (
    r"(?:\s*\([^()]{1,60}\)"
    r"|\s*,[^,.;:!?()]{1,80},"
    rf"|\s+(?:of|from|at|de|da|do|von|vom)\s+(?:[\w'’]+\s+){{0,2}}?{_CAPITALISED}"
    r"(?:\s+[\w'’.\-]+){0,4}?"
    r"|\s*,?\s+who(?=\s)"
    r"|\s*,(?=\s+[a-z]))"
)
#: Co-guests between the name and the cue: "Jane Doe and journalist John Roe of Acme
#: discuss", "Jane Doe, John Roe and The Intercept's Ann Lee join".
_HONORIFIC_WORD = r"(?:(?i:dr|prof|mr|mrs|ms|sen|sens|rep|reps|gov|col|gen)\.?\s+)"


#: From the end of a "before" cue to the name: "my guest is[: the author ]Jane Doe".
_TO_NAME = re.compile(r"\s*[:\-–—]?\s*" + _DESCRIPTOR + _HONORIFIC)
_TO_NAME_AHEAD = re.compile(
    r"\s*[:\-–—]?\s*" + _DESCRIPTOR.replace("{0,6}", "{0,6}?") + _HONORIFIC + rf"(?=[{UPPER}])"
)


def _phrase_spans(
    automaton: ahocorasick.Automaton, folded: FoldedText
) -> Iterator[tuple[int, int]]:
    """Spans of the original text holding one of the automaton's phrases as whole words."""
    f = folded.folded
    for last, length in automaton.iter(f):
        start, end = last - length + 1, last + 1
        if (start == 0 or not is_word_char(f[start - 1])) and (
            end == len(f) or not is_word_char(f[end])
        ):
            yield folded.original_span(start, end)


def _automaton(phrases: set[str]) -> ahocorasick.Automaton:
    """Folded phrases in an Aho-Corasick automaton (value: the phrase's length)."""
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        key = fold(phrase)
        if key:
            automaton.add_word(key, len(key))
    automaton.make_automaton()
    return automaton


def _lead(joiner: str) -> str:
    """From the end of a name to a cue after it: appositions and co-guests."""
    co_name = (
        rf"\s*(?:{joiner})\s*(?:[a-z][\w'’\-]*\s+){{0,3}}{_HONORIFIC_WORD}?"
        rf"{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,4}}"
    )
    return rf"^(?:{_APPOSITION}){{0,2}}(?:{co_name}(?:{_APPOSITION}){{0,2}}){{0,4}}\s+"


@lru_cache(maxsize=32)
def cue_patterns(language: str) -> CuePatterns:
    """The compiled cues for a show in ``language`` (English included)."""
    tables = tables_for(language)
    before = {p for t in tables for p in t.before}
    after = {p for t in tables for p in t.after}
    speaks = {p for t in tables for p in t.speaks}
    markers = {p for t in tables for p in t.title_markers}
    heads = {p for t in tables for p in t.list_heads}
    hosts = {p for t in tables for p in t.host_words}
    interviews = {p for t in tables for p in t.interviews}
    about = {p for t in tables for p in t.about}
    roundups = {p for t in tables for p in t.roundups}
    counted = {p for p in roundups if " " not in p and "-" not in p and p != "roundup"}
    words = {p for t in tables for p in t.joiners} - {"&", "+"}
    joiner = _at_word_start(_alternatives(words)) + r"(?![\w])|&|\+|,"
    marker = _at_word_start(_alternatives(markers))
    return CuePatterns(
        after=re.compile(_lead(joiner) + _alternatives(after) + r"(?![\w])"),
        speaks=re.compile(_lead(joiner) + _alternatives(speaks) + r"(?![\w])"),
        title_marker=re.compile(marker + r"\s*[:\-–—]?\s*" + _HONORIFIC + "$"),
        title_marker_any=re.compile(marker + r"(?![\w])\s*[:\-–—]?\s*" + _HONORIFIC),
        list_head=re.compile(_at_word_start(_alternatives(heads)) + r"(?![\w])"),
        host_word=re.compile(_at_word_start(_alternatives(hosts)) + r"(?![\w])"),
        interview=re.compile(
            _at_word_start(_alternatives(interviews)) + r"\s*[:\-–—]?\s*" + _HONORIFIC + "$"
        ),
        about=re.compile(r"^\s+" + _alternatives(about) + r"(?![\w])"),
        before_phrases=_automaton(before),
        after_phrases=_automaton(after),
        roundup=re.compile(
            rf"\b\d{{1,3}}\s+(?:[\w-]+\s+)?{_alternatives(counted)}\b"
            + "|"
            + _at_word_start(_alternatives(roundups - counted))
            + r"(?![\w])"
        ),
        joiner_tail=re.compile(rf"(?:{joiner})\s*$"),
        joiner_head=re.compile(rf"^\s*(?:{joiner})\s*"),
    )


__all__ = [
    "TABLES",
    "CuePatterns",
    "GuestCues",
    "base_language",
    "cue_patterns",
    "tables_for",
]
