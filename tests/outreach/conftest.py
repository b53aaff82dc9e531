"""Fixtures for the outreach adapters."""

from __future__ import annotations

import pytest
from outreach_samples import TEMPLATES_DIR

from planner.outreach.render import TemplateLibrary


@pytest.fixture(scope="session")
def library() -> TemplateLibrary:
    return TemplateLibrary(TEMPLATES_DIR)
