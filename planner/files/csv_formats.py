"""The contacts and ledger import formats for people: their description and example files.

:data:`FORMAT_DOC` is shown on the import page; the example files are valid imports to
download and fill in. The validation itself is :mod:`planner.files.csv_import`'s.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.domain.model import Kind

__all__ = ["FORMAT_DOC", "example_contacts_csv", "example_ledger_csv"]

FORMAT_DOC = """\
### Contacts file

A CSV file (comma-separated, UTF-8; Excel's "CSV UTF-8" works) with a header row.
Only `name` is required; columns can come in any order; unknown columns are refused.

| column | what | example |
|---|---|---|
| name | required, unique in the file | Jane Doe |
| aliases | other spellings, separated by `\\|` | Jane D.\\|J. Doe |
| email | one address | jane@janedoe.example |
| domains | web sites, separated by `\\|` | janedoe.example\\|janedoe.blog |
| handles | social handles, separated by `\\|` | @janedoe |
| tier | cell, deep, active or network (default network) | active |
| reach | audience size, a whole number | 12000 |
| tags | separated by `\\|` | productivity\\|podcast |
| notes | free text, may span lines | Met at PodCon |

### Ledger file

| column | what | example |
|---|---|---|
| contact | required column; a contact's name (empty = your audience) | Jane Doe |
| direction | gave or received | gave |
| kind | one of the kinds listed below | interview |
| date | YYYY-MM-DD, from 1970-01-01 to 2199-12-31 | 2026-03-14 |
| magnitude | how big, a positive number up to 1000 (default 1) | 1 |
| note | free text | recorded remotely |
| title | post or episode title | Ep 42: Deep work |
| link | an http(s) address | https://example.com/ep42 |

Kinds: {kinds}.

Notes:

* Text is kept exactly as written: `007` stays `007`.
* A cell our own export starts with `'` (because it began with `=`, `+`, `-` or `@`,
  which a spreadsheet would run as a formula) is read back without that `'`.
* Files that are not UTF-8 are read as Windows-1252, with a warning to check accents.
* The whole file is checked first; nothing is imported while any row has a problem.
""".format(kinds=", ".join(k.value for k in Kind))


# --- examples ------------------------------------------------------------------------


def _example(lines: Iterable[str]) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


def example_contacts_csv() -> bytes:
    """A small valid contacts file to download and fill in."""
    return _example(
        [
            "name,aliases,email,domains,handles,tier,reach,tags,notes",
            "Jane Doe,Jane D.|J. Doe,jane@janedoe.example,janedoe.example,@janedoe,active,"
            '12000,productivity|podcast,"Met at PodCon; loves deep work."',
            '"Doe, John",,john@doe.example,,,network,,,',
            "Ana Lima,,,analima.example|lima.blog,@analima,deep,850,design,",
        ]
    )


def example_ledger_csv() -> bytes:
    """A small valid ledger file to download and fill in."""
    return _example(
        [
            "contact,direction,kind,date,magnitude,note,title,link",
            "Jane Doe,gave,interview,2026-03-02,1,,Ep 42: Deep work with Jane Doe,https://givefirst.example/ep42",
            "Jane Doe,received,share,2026-03-04,1,shared on her newsletter,,",
            '"Doe, John",gave,mention,2026-02-20,1,,10 books that changed how I work,https://givefirst.example/books',
            ",gave,free_report,2026-02-01,1,for my audience,The Weekly Planning Kit,https://givefirst.example/kit",
        ]
    )
