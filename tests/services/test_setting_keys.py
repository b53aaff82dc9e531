"""Settings by key (the CLI's view): every key listed, one set from text, checked as the
Settings page checks it."""

from __future__ import annotations

import pytest

from planner.domain.model import Settings
from planner.errors import InvalidInput
from planner.services import Workspace
from planner.services import setting_fields as sf
from planner.services.setting_keys import changed, set_setting, setting_lines


def test_every_line_has_a_unique_key_a_value_and_a_meaning() -> None:
    lines = setting_lines(Settings())
    keys = [line.key for line in lines]
    assert len(keys) == len(set(keys))
    assert all(line.meaning for line in lines)
    assert "fetch_max_mb" in keys and "fetch_max_bytes" not in keys
    assert next(line.value for line in lines if line.key == "fetch_max_mb") == "20"


def test_a_value_round_trips_through_its_shown_text() -> None:
    settings = Settings()
    for line in setting_lines(settings):
        assert changed(settings, line.key, line.value) == settings, line.key


def test_set_setting_stores_and_a_refused_value_names_the_key(ws: Workspace) -> None:
    assert set_setting(ws, "fetch_max_mb", "3").fetch_max_bytes == 3 * sf.MIB
    with pytest.raises(InvalidInput, match=r"^detection_auto_confirm: must be at most 1") as info:
        set_setting(ws, "detection_auto_confirm", "1.5")
    assert info.value.field == "detection_auto_confirm"
    assert ws.settings().detection_auto_confirm == Settings().detection_auto_confirm
