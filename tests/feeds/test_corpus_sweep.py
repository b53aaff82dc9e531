"""Issue 7 #11: every corpus file through the services, as a user adding it would.

Each feed file of tests/data/corpus (feedparser's and podcastparser's test documents) is
added with ``feeds.add_file`` and read with ``ingest.refresh``; each OPML file goes through
``feeds.import_opml``. Every file starts on an empty database (the module's database is
emptied after each file, which is much faster than migrating a new one 2,377 times). The
outcome per file is entries stored, a feed without entries, or a clear recorded error
(the feed's ``last_error``, or the PlannerError message for OPML); no exception escapes.

The files under /work/shared/corpus that were not copied into the repository (a licence
keeps them out) are swept the same way when that folder exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select

from planner.errors import PlannerError
from planner.services import Workspace, feeds, ingest, open_workspace
from planner.storage.schema import Base, EntryRow, FeedRow
from tests.conftest import ROOT, fixed_clock

CORPUS = ROOT / "tests" / "data" / "corpus"
SHARED = Path("/work/shared/corpus")
#: Tables a sweep writes to; settings and profile stay as a fresh database has them.
KEEP = {"settings", "profile"}


def corpus_files(root: Path) -> list[Path]:
    """Every file except the provenance and licence notes (Markdown)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() != ".md")


def is_opml(root: Path, path: Path) -> bool:
    return "opml" in path.relative_to(root).parts


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    kind: str  # feed | opml
    result: str  # entries | empty | error | feeds | crash
    count: int = 0  # entries stored, or feeds added from an OPML file
    message: str = ""


class Sweeper:
    """One database, emptied after every file, so each file meets a fresh workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP]

    def reset(self) -> None:
        with self.ws.write() as s:
            for table in self.tables:
                s.execute(delete(table))

    def _count(self, model: type[Base]) -> int:
        with self.ws.read() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    def sweep(self, root: Path, path: Path) -> Outcome:
        name = str(path.relative_to(root))
        kind = "opml" if is_opml(root, path) else "feed"
        try:
            assert self._count(FeedRow) == 0 and self._count(EntryRow) == 0
            return self._opml(name, path) if kind == "opml" else self._feed(name, path)
        except Exception as error:  # anything escaping the services is a bug: report it
            return Outcome(name, kind, "crash", message=f"{type(error).__name__}: {error}")
        finally:
            self.reset()

    def _feed(self, name: str, path: Path) -> Outcome:
        feed_id = feeds.add_file(self.ws, path)
        summary = ingest.refresh(self.ws)
        assert [o.feed_id for o in summary.outcomes] == [feed_id]
        done = summary.outcomes[0]
        stored = self._count(EntryRow)
        info = feeds.list_feeds(self.ws)[0]
        if done.status == "failed":
            # The error is on the feed, for the Feeds page, with a backoff and a count.
            assert info.last_error and info.last_error == done.message, (done, info)
            assert info.error_count == 1 and stored == 0
            return Outcome(name, "feed", "error", message=info.last_error)
        assert done.status == "fetched" and not info.last_error, done
        assert (done.new, info.entries) == (stored, stored)
        return Outcome(name, "feed", "entries" if stored else "empty", stored, done.message)

    def _opml(self, name: str, path: Path) -> Outcome:
        try:
            result = feeds.import_opml(self.ws, path.read_bytes())
        except PlannerError as error:
            assert str(error), name
            return Outcome(name, "opml", "error", message=str(error))
        assert self._count(FeedRow) == result.added
        return Outcome(name, "opml", "feeds", result.added, result.describe())


def _no_sync(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="module")
def sweeper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sweeper]:
    path = tmp_path_factory.mktemp("corpus") / "sweep.db"
    ws = open_workspace(f"sqlite:///{path}", clock=fixed_clock())
    # A throwaway database: no need to wait for the disk at each of ~7,000 commits.
    event.listen(ws.engine, "connect", _no_sync)
    ws.engine.dispose()
    yield Sweeper(ws)
    ws.engine.dispose()


@pytest.fixture(scope="module")
def swept(sweeper: Sweeper) -> list[Outcome]:
    if not CORPUS.is_dir():  # pragma: no cover - the copy is part of the repository
        pytest.skip("tests/data/corpus is missing")
    return [sweeper.sweep(CORPUS, p) for p in corpus_files(CORPUS)]


def tally(outcomes: list[Outcome]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for o in outcomes:
        counts[f"{o.kind} {o.result}"] += 1
    return counts


def report(outcomes: list[Outcome]) -> str:
    counts = tally(outcomes)
    feeds_read = sum(1 for o in outcomes if o.kind == "feed")
    opml_read = len(outcomes) - feeds_read
    return (
        f"{len(outcomes)} files read: {feeds_read} feed files "
        f"({counts['feed entries']} with entries, {counts['feed empty']} without entries, "
        f"{counts['feed error']} errors recorded), {opml_read} OPML files "
        f"({counts['opml feeds']} imported, {counts['opml error']} errors recorded); "
        f"crashes {counts['feed crash'] + counts['opml crash']}"
    )


def test_no_exception_escapes_for_any_corpus_file(swept: list[Outcome]) -> None:
    crashes = [f"{o.path}: {o.message}" for o in swept if o.result == "crash"]
    assert crashes == [], "\n".join(crashes)


def test_every_file_has_one_consistent_outcome(swept: list[Outcome]) -> None:
    files = corpus_files(CORPUS)
    assert [o.path for o in swept] == [str(p.relative_to(CORPUS)) for p in files]
    counts = tally(swept)
    feed_files = sum(1 for p in files if not is_opml(CORPUS, p))
    opml_files = len(files) - feed_files
    assert counts["feed entries"] + counts["feed empty"] + counts["feed error"] == feed_files
    assert counts["opml feeds"] + counts["opml error"] == opml_files
    assert sum(counts.values()) == len(files)
    print("\ncorpus sweep:", report(swept))


def test_every_error_is_recorded_with_a_message(swept: list[Outcome]) -> None:
    errors = [o for o in swept if o.result == "error"]
    assert errors and all(o.message.strip() for o in errors)
    # Our own messages, never a raw exception dump from a library.
    assert not [o for o in errors if o.message.startswith("unexpected error")]


def test_the_corpus_is_mostly_read(swept: list[Outcome]) -> None:
    counts = tally(swept)
    # feedparser's tests are mostly single-element documents (a channel field, no items):
    # those are feeds without entries, which is a result, not an error.
    assert counts["feed entries"] >= 600, report(swept)
    assert counts["feed error"] <= 100, report(swept)
    assert counts["opml feeds"] >= 100, report(swept)


def test_known_outcomes(swept: list[Outcome]) -> None:
    by_path = {o.path: o for o in swept}
    person = by_path["podcastparser-tests/episode_podcast_person.rss"]
    assert person.result == "entries"
    json_feed = by_path["feedparser-tests/json/example.json"]
    assert json_feed.result == "error" and "JSON Feed is not supported" in json_feed.message
    # podcastparser's expected results (.json) are not feeds: refused by name, not crashed.
    expected = [
        o for o in swept if o.path.startswith("podcastparser-tests/") and o.path.endswith(".json")
    ]
    assert expected and all(o.result == "error" for o in expected)
    hostile = [
        o
        for o in swept
        if o.path.endswith(("entity_in_doctype.xml", "doctype_contains_entity_decl.xml"))
    ]
    assert len(hostile) == 2 and all("refused" in o.message for o in hostile)
    bozo = [o for o in swept if o.kind == "feed" and o.message.startswith("warning:")]
    assert len(bozo) >= 100  # broken XML with entries: stored, with a warning


def test_people_are_stored_from_the_podcastparser_fixture(sweeper: Sweeper) -> None:
    path = CORPUS / "podcastparser-tests" / "episode_podcast_person.rss"
    ws = sweeper.ws
    feed_id = feeds.add_file(ws, path)
    try:
        assert ingest.refresh(ws).outcomes[0].status == "fetched"
        people = [e.people for e in feeds.list_entries(ws, feed_id)]
        assert any(people), people
    finally:
        sweeper.reset()


def _shared_only() -> list[Path]:
    if not SHARED.is_dir():
        return []
    copied = {p.relative_to(CORPUS) for p in corpus_files(CORPUS)} if CORPUS.is_dir() else set()
    return [p for p in corpus_files(SHARED) if p.relative_to(SHARED) not in copied]


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is not on this machine")
def test_shared_corpus_files_not_copied_here_are_swept_too(sweeper: Sweeper) -> None:
    extra = _shared_only()
    outcomes = [sweeper.sweep(SHARED, p) for p in extra]
    crashes = [f"{o.path}: {o.message}" for o in outcomes if o.result == "crash"]
    assert crashes == [], "\n".join(crashes)
    assert all(o.result != "error" or o.message for o in outcomes)
    if outcomes:
        print("\nshared-only corpus files:", report(outcomes))
