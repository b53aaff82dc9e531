"""Read what a page's download buttons hand out, through AppTest.

AppTest's element tree has ``at.download_button`` but not the bytes behind a button: the
proto carries only a media URL (``/mock/media/<id>.<ext>``) or, for ``data=callable``, the
id of a deferred file. Those live in the ``MediaFileManager`` that ``AppTest.run`` makes
for each run and drops afterwards. The ``downloads`` fixture swaps in a subclass that keeps
every manager it makes, so a test can read exactly the file the browser would get: stored
files are read from the manager's memory storage, deferred ones by running their
callable, as the server does when the user clicks.

The parsers below read the files the way a user's program would: CSV with ``csv`` (no
type guessing), .eml with ``email``, .ics with ``icalendar``, zips with ``zipfile``.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage

import icalendar
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from planner.files.csv_export import unescape_cell

BOM = "\ufeff"


@dataclass(frozen=True)
class Download:
    """One file as the browser would save it."""

    label: str
    file_name: str
    mimetype: str
    data: bytes


class Downloads:
    """The files behind the download buttons of the last runs."""

    def __init__(self, managers: list[MediaFileManager]) -> None:
        self._managers = managers

    def __call__(self, at: AppTest, key: str) -> Download:
        """The file of the download button ``key`` of the page ``at`` shows now."""
        button = at.download_button(key=key)
        proto = button.proto
        assert not proto.disabled, f"the download {key!r} is disabled"
        url = proto.url
        if not url:
            assert proto.deferred_file_id, f"the download {key!r} offers nothing"
            url = self._run_deferred(proto.deferred_file_id)
        name = url.rsplit("/", 1)[-1]
        for manager in reversed(self._managers):  # file ids are content hashes
            stored = manager.read_file(name)
            if stored is not None:
                return Download(proto.label, stored.filename or "", stored.mimetype, stored.content)
        raise AssertionError(f"the file of {key!r} ({url}) is not in the media storage")

    def _run_deferred(self, file_id: str) -> str:
        for manager in reversed(self._managers):
            if file_id in manager._deferred_callables:
                return manager.execute_deferred(file_id)
        raise AssertionError(f"no deferred download {file_id}")


@pytest.fixture(name="downloads")
def downloads_fixture(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """``downloads(at, key)`` -> the :class:`Download` behind that button."""
    made: list[MediaFileManager] = []

    class KeepingManager(MediaFileManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", KeepingManager)
    return Downloads(made)


# --- parsers ---------------------------------------------------------------------------


def csv_table(data: bytes, *, bom: bool = False) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of one of the app's CSV files, formula escapes undone.

    The app's files are UTF-8 with CRLF line ends (exports quote every field); a BOM
    only when Excel is chosen.
    """
    text = data.decode("utf-8")
    assert text.startswith(BOM) == bom, "a BOM exactly when Excel is chosen"
    text = text.removeprefix(BOM)
    assert text.endswith("\r\n"), "records end in CRLF"
    reader = csv.reader(io.StringIO(text, newline=""))
    header, *rows = list(reader)
    return header, [dict(zip(header, (unescape_cell(v) for v in row), strict=True)) for row in rows]


def eml(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def eml_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the draft has a plain-text part"
    return part.get_content()


def ics_events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.name == "VCALENDAR"
    return list(calendar.walk("VEVENT"))


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None, "every member reads back with its CRC"
        return {name: zf.read(name) for name in zf.namelist()}
