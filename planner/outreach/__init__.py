"""Outreach and file-format adapters: templates, e-mail drafts, CSV, iCalendar.

Pure of database and Streamlit: functions take domain objects or plain data and return
bytes, strings or reports; the caller (planner.services) loads and stores. Modules:

* :mod:`.context` – the plain-data render context for a message to one contact
  (:mod:`.samples`: a made-up one for previews);
* :mod:`.render` – the template library (built-in + user overrides), sandboxed;
* :mod:`.sandbox`, :mod:`.isolation` – the Jinja2 sandbox and the limited worker process;
* :mod:`.eml` – .eml drafts, mailto: links, a zip of drafts;
* :mod:`.csv_export`, :mod:`.csv_import` – spreadsheet-safe CSV out, validated CSV in;
* :mod:`.ics` – all-day calendar events.

Errors: see :mod:`.errors` for the tree. Names are imported on first use, so the
template worker process (:mod:`.worker`) starts without CSV, e-mail or calendar code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.outreach.context import CONTEXT_DOC, build_context
    from planner.outreach.csv_export import (
        contacts_csv_bytes,
        ledger_csv_bytes,
        to_csv_bytes,
    )
    from planner.outreach.csv_import import (
        FORMAT_DOC,
        ContactRow,
        ImportReport,
        LedgerRow,
        RowProblem,
        example_contacts_csv,
        example_ledger_csv,
        parse_contacts_csv,
        parse_ledger_csv,
    )
    from planner.outreach.eml import build_draft, draft_filename, mailto_link, zip_drafts
    from planner.outreach.errors import (
        CalendarError,
        DraftError,
        HeaderInjectionError,
        InvalidAddressError,
        OutreachError,
        TemplateProblem,
        TemplateTooExpensive,
    )
    from planner.outreach.ics import CalendarEvent, calendar_ics
    from planner.outreach.render import RenderedDraft, TemplateInfo, TemplateLibrary
    from planner.outreach.samples import sample_context
    from planner.outreach.sandbox import Limits, check_source

_EXPORTS: dict[str, str] = {
    "CONTEXT_DOC": "planner.outreach.context",
    "CalendarError": "planner.outreach.errors",
    "CalendarEvent": "planner.outreach.ics",
    "ContactRow": "planner.outreach.csv_import",
    "DraftError": "planner.outreach.errors",
    "FORMAT_DOC": "planner.outreach.csv_import",
    "HeaderInjectionError": "planner.outreach.errors",
    "ImportReport": "planner.outreach.csv_import",
    "InvalidAddressError": "planner.outreach.errors",
    "LedgerRow": "planner.outreach.csv_import",
    "Limits": "planner.outreach.sandbox",
    "OutreachError": "planner.outreach.errors",
    "RenderedDraft": "planner.outreach.render",
    "RowProblem": "planner.outreach.csv_import",
    "TemplateInfo": "planner.outreach.render",
    "TemplateLibrary": "planner.outreach.render",
    "TemplateProblem": "planner.outreach.errors",
    "TemplateTooExpensive": "planner.outreach.errors",
    "build_context": "planner.outreach.context",
    "build_draft": "planner.outreach.eml",
    "calendar_ics": "planner.outreach.ics",
    "check_source": "planner.outreach.sandbox",
    "contacts_csv_bytes": "planner.outreach.csv_export",
    "draft_filename": "planner.outreach.eml",
    "example_contacts_csv": "planner.outreach.csv_import",
    "example_ledger_csv": "planner.outreach.csv_import",
    "ledger_csv_bytes": "planner.outreach.csv_export",
    "mailto_link": "planner.outreach.eml",
    "parse_contacts_csv": "planner.outreach.csv_import",
    "parse_ledger_csv": "planner.outreach.csv_import",
    "sample_context": "planner.outreach.samples",
    "to_csv_bytes": "planner.outreach.csv_export",
    "zip_drafts": "planner.outreach.eml",
}

__all__ = [
    "CONTEXT_DOC",
    "FORMAT_DOC",
    "CalendarError",
    "CalendarEvent",
    "ContactRow",
    "DraftError",
    "HeaderInjectionError",
    "ImportReport",
    "InvalidAddressError",
    "LedgerRow",
    "Limits",
    "OutreachError",
    "RenderedDraft",
    "RowProblem",
    "TemplateInfo",
    "TemplateLibrary",
    "TemplateProblem",
    "TemplateTooExpensive",
    "build_context",
    "build_draft",
    "calendar_ics",
    "check_source",
    "contacts_csv_bytes",
    "draft_filename",
    "example_contacts_csv",
    "example_ledger_csv",
    "ledger_csv_bytes",
    "mailto_link",
    "parse_contacts_csv",
    "parse_ledger_csv",
    "sample_context",
    "to_csv_bytes",
    "zip_drafts",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
