"""Outreach adapters: templates and e-mail drafts, pure of database and Streamlit.

Functions take domain objects or plain data and return bytes, strings or reports; the
caller (planner.services) loads and stores. Modules:

* :mod:`.context` – the plain-data render context for a message to one contact
  (:mod:`.samples`: a made-up one for previews);
* :mod:`.render` – the template library (built-in + user overrides), sandboxed;
* :mod:`.sandbox`, :mod:`.isolation` – the Jinja2 sandbox and the limited worker process;
* :mod:`.eml` – .eml drafts, mailto: links, a zip of drafts;
* :mod:`.errors` – the error tree.

File formats (CSV in and out, iCalendar) are planner.files'. This package re-exports
nothing on purpose: callers import from the module that holds a name, so the template
worker process (:mod:`.worker`) loads only the sandbox, never e-mail or context code.
"""
