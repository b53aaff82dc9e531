"""Text normalisation for matching people's names, handles and titles.

Everything that compares a name with text goes through :func:`fold` (for the names) and
:func:`fold_text` (for the text), so both sides agree on one form:

* case-folded and accent-folded: "José Núñez", "JOSE NUNEZ" and "Jose\u0301 Nun\u0303ez"
  (decomposed accents) all become ``jose nunez``; a few letters that Unicode does not
  decompose are mapped by hand (ø→o, ł→l, đ→d, æ→ae, œ→oe, ß→ss);
* every apostrophe-like mark (’ ‘ ʼ ＇ `) becomes ``'`` and every dash-like hyphen inside words
  (U+2010, U+2011) becomes ``-``, so "O’Brien" matches "O'Brien";
* any run of whitespace (spaces, non-breaking spaces, line breaks, tabs) becomes one
  space, so a name split by a line break still matches;
* invisible characters (soft hyphen, zero-width space/joiners, BOM) are dropped.

:func:`fold_text` keeps a map from folded positions back to the original text so that
snippets and highlighted words are cut from what the author wrote, not from the folded
form. Plain ASCII text with single spaces (the common case) needs no map at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters NFKD leaves alone but that readers treat as accented variants.
_SPECIAL_FOLDS: dict[str, str] = {
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "þ": "th",
    "Þ": "th",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "ʹ": "'",
    "′": "'",
    "＇": "'",
    "`": "'",
    "´": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}


def word_set(words: str) -> frozenset[str]:
    """A frozen set from a whitespace-separated word list (keeps long lists readable)."""
    return frozenset(words.split())


_ASCII_WHITESPACE = str.maketrans({"\n": " ", "\t": " ", "\r": " ", "\x0b": " ", "\x0c": " "})
_SPACE_RUN = re.compile(r" {2,}")


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """The folded form of one character: possibly empty, usually one character."""
    if char in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[char]
    if char.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = "".join(_SPECIAL_FOLDS.get(c, c) for c in stripped.casefold())
    return folded if stripped or not decomposed else ""


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case-, accent-, quote- and whitespace-folded form of a short string (a name, a key).

    Cached: detection folds the same names, authors and matched words entry after entry.
    """
    return fold_text(text).folded.strip()


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A folded text and the way back to the original.

    ``positions[i]`` is the index in ``original`` of the character that produced
    ``folded[i]``; ``None`` means the two have the same length and index i maps to i.
    """

    original: str
    folded: str
    positions: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` that produced ``folded[start:end]``."""
        if self.positions is None:
            return start, end
        if start >= end:
            at = self.positions[start] if start < len(self.positions) else len(self.original)
            return at, at
        return self.positions[start], self.positions[end - 1] + 1


@lru_cache(maxsize=32)  # detection reads the same notes for names and for guest cues
def fold_text(text: str) -> FoldedText:
    """Fold a whole text once, keeping a position map only when the length changed."""
    if text.isascii():
        folded = text.lower()
        if not folded.isprintable():
            folded = folded.translate(_ASCII_WHITESPACE)
        positions: list[int] | None = None
    else:
        folded, positions = _fold_unicode(text)
    if "  " in folded:
        folded, positions = _collapse_spaces(folded, positions)
    return FoldedText(text, folded, tuple(positions) if positions is not None else None)


def _fold_unicode(text: str) -> tuple[str, list[int] | None]:
    """Fold non-ASCII text; a position map is built only if some fold changes length."""
    table = {ord(c): fold_char(c) for c in set(text) if not c.isascii() or c.isspace()}
    if all(len(v) == 1 for v in table.values()):
        # Translate first: every non-ASCII character becomes its (already case-folded)
        # fold, so the lower() that follows only touches ASCII and keeps the length.
        return text.translate(table).lower(), None
    return _fold_with_positions(text)


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() and not char.isspace() else fold_char(char)
        parts.append(folded)
        positions.extend([index] * len(folded))
    return "".join(parts), positions


def _collapse_spaces(folded: str, positions: list[int] | None) -> tuple[str, list[int]]:
    """Collapse runs of spaces to one, carrying the position map along."""
    source = positions if positions is not None else range(len(folded))
    out_parts: list[str] = []
    out_positions: list[int] = []
    last = 0
    for run in _SPACE_RUN.finditer(folded):
        out_parts.append(folded[last : run.start() + 1])
        out_positions.extend(source[last : run.start() + 1])
        last = run.end()
    out_parts.append(folded[last:])
    out_positions.extend(source[last:])
    return "".join(out_parts), out_positions


# --- word-boundary tests on folded text --------------------------------------------------


def is_word_char(char: str) -> bool:
    """Letters, digits and underscore continue a word; anything else ends it."""
    return char.isalnum() or char == "_"


def name_boundary_ok(folded: str, start: int, end: int) -> bool:
    """Is ``folded[start:end]`` a whole name, not part of a longer word or name?

    * the character before must not continue a word, and a hyphen or apostrophe glued to a
      letter before it ("Mary-Ann Lee", "O'Ann") makes the match part of a longer name;
    * after the match, a letter or digit means a longer word ("Lee" in "Leeds"); a hyphen
      followed by a letter means a longer name ("Álvarez-Ruiz"); an apostrophe is fine
      only as a possessive ("Doe's", "Jones'"), not as part of a word ("O'Briens" is
      caught by the letter rule).
    """
    return _name_starts_at(folded, start) and _name_ends_at(folded, end)


def _name_starts_at(folded: str, start: int) -> bool:
    """Nothing before ``start`` continues the name: no letter, and no letter glued to it by
    a hyphen or an apostrophe ("Mary-Ann", "O'Ann")."""
    if start == 0:
        return True
    before = folded[start - 1]
    if is_word_char(before):
        return False
    return not (before in "-'" and start > 1 and is_word_char(folded[start - 2]))


def _name_ends_at(folded: str, end: int) -> bool:
    """Nothing after ``end`` continues the name, except a possessive ("Doe's", "Jones'")."""
    if end >= len(folded):
        return True
    after = folded[end]
    if is_word_char(after):
        return False
    nxt = folded[end + 1] if end + 1 < len(folded) else ""
    if after == "-" and nxt and is_word_char(nxt):
        return False
    if after == "'" and nxt and is_word_char(nxt):
        after_s = folded[end + 2] if end + 2 < len(folded) else ""
        return nxt == "s" and not is_word_char(after_s)
    return True


def handle_boundary_ok(folded: str, start: int, end: int) -> bool:
    """Is ``folded[start:end]`` (an ``@handle``) the whole handle?

    Handles may contain letters, digits, underscores and (on some networks) dots, so
    "@janedoe" must not match "@janedoe_fan", "@janedoe2", "@janedoe.fans" or
    "me@janedoe" (an e-mail address); a sentence-ending dot is fine.
    """
    if start > 0:
        before = folded[start - 1]
        if is_word_char(before) or before in ".@":
            return False
    if end < len(folded):
        after = folded[end]
        if is_word_char(after) or after == "@":
            return False
        nxt = folded[end + 1] if end + 1 < len(folded) else ""
        if after in ".-" and nxt and is_word_char(nxt):
            return False
    return True


# --- name shapes -------------------------------------------------------------------------

#: Lower-case name particles that may sit inside a capitalised name ("Ludwig van Beethoven").
PARTICLES: frozenset[str] = word_set(
    "van von der den de del della di da das dos du la le lo st ter ten bin ibn al el ben "
    "y e zu af av"
)

#: Honorifics and post-nominals that do not change who a person is.
TITLES: frozenset[str] = word_set(
    "dr doctor prof professor mr mrs ms miss mx sir dame lord lady rev reverend fr father "
    "sr jr ii iii iv phd md mba esq cpa rn dds hon capt col gen sgt"
)

_INITIALS = re.compile(r"[^\W\d_]\.?|(?:[^\W\d_]\.){2,3}")


def is_initial(token: str) -> bool:
    """ "A.", "A", "J.R." — a token that abbreviates a given name (not "Dr.")."""
    return bool(_INITIALS.fullmatch(token))


def is_title(token: str) -> bool:
    """ "Dr.", "Prof", "PhD" — an honorific or post-nominal."""
    return fold(token).replace(".", "") in TITLES


def name_tokens(name: str) -> list[str]:
    """The words of a folded name, punctuation other than . ' - kept inside tokens."""
    return [t for t in re.split(r"[\s,]+", fold(name)) if t]


def strip_titles(name: str) -> str:
    """A folded name without honorifics or post-nominals.

    "Dr. Jane A. Doe, PhD" → "jane a. doe".
    """
    tokens = [t.strip(',;:()[]"') for t in name_tokens(name) if not is_title(t)]
    return " ".join(t for t in tokens if t)


def clean_person_name(name: str) -> str:
    """A name reduced for similarity: titles, post-nominals and middle initials removed.

    "Dr. Jane A. Doe, PhD" → "jane doe"; first and last tokens are kept even when they are
    initials ("J. Doe" stays "j. doe") because then they are all there is.
    """
    tokens = strip_titles(name).split()
    if len(tokens) > 2:
        tokens = [tokens[0], *[t for t in tokens[1:-1] if not is_initial(t)], tokens[-1]]
    return " ".join(tokens)


#: Words that are common in English (or in titles of posts and episodes) and never make a
#: person's name on their own. Used to reject generic title phrases ("Building Habits")
#: as guest names. Deliberately excludes words that are also frequent surnames or given
#: names (Brown, Young, Grace, Mark): those live in :data:`NAME_LIKE_WORDS`.
GENERIC_WORDS: frozenset[str] = word_set(
    """
    a an the and or but nor for so yet of in on at to from by with without within about above
    after again against all also am are as be because been before being below between both can
    could did do does doing done down during each either else even ever every few first further
    had has have having he her here hers him his how i if into is it its just last least less
    let like made make many me might more most much must my near need never new next no not now
    off old once one only other our ours out over own part per please quite rather really same
    she should since some still such than that their them then there these they this those
    through too toward under until up upon us very via was we well were what when where which
    while who whom why will within would yes you your yours
    ai api b2b b2c saas seo sem ppc roi kpi ceo cto cmo coo cfo vp hr ux ui pr qa faq diy
    ask asked asking answer answers advice agency analytics analysis annual approach art audience
    authority automation award awards basics beginner beginners benchmark best better big
    biggest blog blogging blogs book books bold brand branding brands budget build building
    business businesses calendar calendars campaign campaigns career case change channel
    channels chapter chat checklist class client clients coaching community company conference
    content conversation conversations conversion copy copywriting course courses craft create
    creating creative creator creators credibility crisis culture customer customers daily data
    day days deal deep demand design designer developer digital distribution doing dollar dollars
    ebook economics economy editor editorial education effective email emails engagement
    enterprise episode episodes essential essentials ethics event events experience experiment
    experiments expert experts facebook failure feedback final finance finding focus founder
    founders framework freelance freelancing friday fund funding funnel funnels future game
    gen generous get getting goal goals good goodwill great grow growing growth guest guests
    guide guides habit habits hack hacks happy health help helpful hiring history home honest
    hour hours idea ideas impact income industry influence influencer influencers insight
    insights inside instagram interview interviews introduction investor investors journey
    keynote kids know launch launches launching lead leader leaders leadership leads learn
    learning lesson lessons level life link linkedin links list live living local long love
    mailbag making management manager marketer marketers marketing market markets master
    mastering media meeting meetup mental metric metrics mind mindset mission mistake mistakes
    model modern monday money month monthly morning network networking news newsletter
    newsletters night notes office online open operator opportunity outreach panel part
    partner partners partnership partnerships people performance persona personal pipeline
    pitch plan planning platform playbook playbooks podcast podcasting podcasts positioning post
    posts power practical pricing pro problem problems process product productivity products
    profit program project projects proven public publishing q quarter question questions quick
    reach real recap referral remote report reputation research results retention revenue
    review rules sale sales saturday scale scaling school science search season secret secrets
    segment selling series service services short show side simple skills small social
    software solo special sponsor sponsored start started starting startup startups story
    stories storytelling strategy strategies subscription success summer sunday supply
    syndication system systems talk talking team teams tech technology template tears test
    testing thanks thinking thought thoughts thursday time tips today tool tooling tools top
    traffic trends trust truth tuesday tutorial twitter understanding update updates value
    video videos vision webinar wednesday week weekly what why win winning work working workflow
    workshop world writer writers writing year years youtube zero
    author host cohost guest editor coach ceo cto founder cofounder co-founder speaker
    consultant strategist journalist reporter analyst entrepreneur blogger podcaster
    president director professor senator governor mayor chair chairman chief head vice
    thanks hi hello dear meet says said asks asked writes wrote via per
    """
)

#: Words that are common English words and also given names or surnames ("Grace", "Will",
#: "Mark", "Young"). A single-word alias made of one of these is weak evidence.
NAME_LIKE_WORDS: frozenset[str] = word_set(
    """
    grace will mark bill hope faith joy may june april august rose frank grant chase drew
    pat sue rob bob jack art buck cash dawn iris ivy jade ruby sky summer autumn stone wolf
    brown black white green gray grey young king price page bell hill wood rich max sterling
    guy major noble dean ray lane miles gene don carol harmony destiny trinity amber crystal
    honey candy sunny lily holly heather olive basil sage reed cliff glen dale brook river
    storm rain snow star angel hunter baker cook mason carter fisher walker turner cooper
    porter taylor parker miller smith love little small long short strong good best early
    sharp bishop knight hall field ford banks bush rush shaw gates page hart fox bird drake
    crane swift nash rock amazon apple
    """
)

COMMON_WORDS: frozenset[str] = GENERIC_WORDS | NAME_LIKE_WORDS

_NOUN_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ism", "ship", "ology", "ics", "ings")


def _is_generic_token(token: str) -> bool:
    word = token.strip(".'-")
    if word in GENERIC_WORDS:
        return True
    if word.endswith("s") and (word[:-1] in GENERIC_WORDS or word[:-2] in GENERIC_WORDS):
        return True
    return len(word) >= 6 and word.endswith(_NOUN_SUFFIXES)


def looks_like_person_name(words: list[str]) -> bool:
    """Do these original-case words look like a person's name (2–4 capitalised words)?

    Rules: 2–4 words after dropping particles; every word capitalised (initials and the
    particles of :data:`PARTICLES` allowed inside); no digits, no acronyms (SEO, B2B), no
    generic title words ("Building Habits", "Link Building", "Remote Teams"), and the first
    word not a gerund ("Scaling Content").
    """
    core = [w for w in words if fold(w) not in PARTICLES]
    if not 2 <= len(core) <= 4 or fold(words[0]) in PARTICLES or fold(words[-1]) in PARTICLES:
        return False
    for word in core:
        letters = word.replace(".", "").replace("'", "").replace("’", "").replace("-", "")
        if not letters.isalpha() or not word[0].isupper():
            return False
        if len(letters) >= 3 and letters.isupper():
            return False  # an acronym, or a title in capitals we cannot judge
        if not is_initial(word) and _is_generic_token(fold(word)):
            return False
    first = fold(core[0])
    if is_initial(core[-1]):
        return False
    return not (len(first) >= 5 and first.endswith("ing"))
