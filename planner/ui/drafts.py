"""What the Outreach tabs share: template choices with their labels, a draft shown
literally, and a pick-one-or-none box."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from planner.services import outreach
from planner.services.workspace import Workspace


@dataclass(frozen=True)
class TemplateChoices:
    """The templates a user can pick, by name, and how each is labelled."""

    by_name: dict[str, outreach.TemplateSummary]

    @classmethod
    def load(cls, ws: Workspace) -> TemplateChoices:
        """The templates as the service lists them (built-in and the user's own)."""
        return cls({t.name: t for t in outreach.list_templates(ws)})

    @property
    def names(self) -> list[str]:
        """Template names in the service's order."""
        return list(self.by_name)

    def index_of(self, name: str | None) -> int:
        """Where ``name`` is among the names; the first one when it is not there."""
        return self.names.index(name) if name in self.by_name else 0

    def label(self, name: str) -> str:
        """A template's name for people ("Follow-up"), marked when it is the user's own
        version."""
        title = outreach.title_of(name)
        t = self.by_name.get(name)
        return f"{title} (yours)" if t is not None and t.stored else title


def show_message(draft: object) -> None:
    """Subject and text of a draft or preview, shown literally."""
    st.text("Subject")
    st.code(getattr(draft, "subject", ""), language=None, wrap_lines=True)
    st.text("Message")
    st.code(getattr(draft, "text", ""), language=None, wrap_lines=True)
    html = getattr(draft, "html", None)
    if html:
        with st.expander("HTML version (source)", icon=":material/code:"):
            st.code(html, language="html", wrap_lines=True)


def pick(label: str, options: list[tuple[int, str]], key: str) -> int | None:
    """A select box of ``(id, label)`` options with "— none —" first."""
    labels = dict(options)
    choices: list[int | None] = [None, *labels]
    return st.selectbox(
        label,
        choices,
        format_func=lambda i: "— none —" if i is None else labels[i],
        key=key,
    )
