"""Inputs for the settings table (planner.services.setting_fields): one group at a time."""

from __future__ import annotations

import streamlit as st

from planner.domain.model import Settings
from planner.services.setting_fields import (
    InputValue,
    SettingField,
    fields_of,
    group,
    shown_value,
)


def _input(field: SettingField, value: InputValue) -> InputValue:
    """One widget for one field, with the field's label, key and bounds."""
    help_text = field.help or None
    if field.kind == "toggle":
        return st.toggle(field.label, value=bool(value), key=field.key, help=help_text)
    if field.kind == "list":
        return st.text_input(field.label, str(value), key=field.key, help=help_text)
    if field.kind == "slider":
        return st.slider(
            field.label,
            field.min,
            field.max,
            float(value),
            field.step,
            key=field.key,
            help=help_text,
        )
    # A number input takes its type (int or float) from its bounds and value: they must agree.
    if field.kind == "int":
        return st.number_input(
            field.label,
            min_value=_whole(field.min),
            max_value=_whole(field.max),
            value=int(value),
            step=_whole(field.step),
            key=field.key,
            help=help_text,
        )
    return st.number_input(
        field.label,
        min_value=field.min,
        max_value=field.max,
        value=float(value),
        step=field.step,
        key=field.key,
        help=help_text,
    )


def _whole(bound: float | None) -> int | None:
    return None if bound is None else int(bound)


def setting_inputs(current: Settings, group_name: str) -> dict[str, InputValue]:
    """Show one group's inputs (heading, then its columns); returns the values by key."""
    shown = group(group_name)
    heading = shown.heading  # the app's own words (the table), never feed text
    if heading:
        st.markdown(f"**{heading}**")
    fields = fields_of(group_name)
    columns = st.columns(shown.columns) if shown.columns else []
    entered: dict[str, InputValue] = {}
    for i, field in enumerate(fields):
        if columns:
            with columns[i % len(columns)]:
                entered[field.key] = _input(field, shown_value(current, field))
        else:
            entered[field.key] = _input(field, shown_value(current, field))
    return entered
