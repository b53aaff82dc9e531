"""Outreach: the user's templates, drafts rendered from them, and who a batch goes to.

* :mod:`.templates` – the template library (built-ins overridden by the user's), the
  editor's list/get/save/delete, :class:`TemplateError`;
* :mod:`.drafts` – a template rendered for one contact or many: .eml files, mailto:
  links, a zip of drafts;
* :mod:`.recipients` – selections of recipients (a tier, the ready asks, the contacts I
  featured) and the pickers' lists of a contact's asks, requests and gives.

Pages and the CLI call ``outreach.X``: the public names of the three modules are
re-exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.services.outreach.drafts import (
        MAILTO_MAX_CHARS,
        AskNotReady,
        Draft,
        DraftBatch,
        draft_eml,
        drafts_zip,
        mailto,
        not_ready_reason,
        preview_template,
        render_draft,
        render_drafts,
    )
    from planner.services.outreach.recipients import (
        FEATURE_KINDS,
        ReadyAsk,
        Recipient,
        asks_for,
        find_contact,
        gives_for,
        owner_of,
        ready_asks,
        requests_for,
        select_featured_since,
        select_ready_asks,
        select_tier,
    )
    from planner.services.outreach.templates import (
        TEMPLATES_DIR,
        TemplateError,
        TemplateSource,
        TemplateSummary,
        context_doc,
        delete_template,
        draft_label,
        get_template,
        library,
        list_templates,
        save_template,
        title_of,
    )
__all__ = [
    "FEATURE_KINDS",
    "MAILTO_MAX_CHARS",
    "TEMPLATES_DIR",
    "AskNotReady",
    "Draft",
    "DraftBatch",
    "ReadyAsk",
    "Recipient",
    "TemplateError",
    "TemplateSource",
    "TemplateSummary",
    "asks_for",
    "context_doc",
    "delete_template",
    "draft_eml",
    "draft_label",
    "drafts_zip",
    "find_contact",
    "get_template",
    "gives_for",
    "library",
    "list_templates",
    "mailto",
    "not_ready_reason",
    "owner_of",
    "preview_template",
    "ready_asks",
    "render_draft",
    "render_drafts",
    "requests_for",
    "save_template",
    "select_featured_since",
    "select_ready_asks",
    "select_tier",
    "title_of",
]


def __getattr__(name: str) -> Any:
    """A re-exported name, its module loaded on first use (not when the package is)."""
    if name in {
        "MAILTO_MAX_CHARS",
        "AskNotReady",
        "Draft",
        "DraftBatch",
        "draft_eml",
        "drafts_zip",
        "mailto",
        "not_ready_reason",
        "preview_template",
        "render_draft",
        "render_drafts",
    }:
        from planner.services.outreach import drafts

        return getattr(drafts, name)
    if name in {
        "FEATURE_KINDS",
        "ReadyAsk",
        "Recipient",
        "asks_for",
        "find_contact",
        "gives_for",
        "owner_of",
        "ready_asks",
        "requests_for",
        "select_featured_since",
        "select_ready_asks",
        "select_tier",
    }:
        from planner.services.outreach import recipients

        return getattr(recipients, name)
    if name in {
        "TEMPLATES_DIR",
        "TemplateError",
        "TemplateSource",
        "TemplateSummary",
        "context_doc",
        "delete_template",
        "draft_label",
        "get_template",
        "library",
        "list_templates",
        "save_template",
        "title_of",
    }:
        from planner.services.outreach import templates

        return getattr(templates, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
