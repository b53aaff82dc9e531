"""The settings table: what inputs show, and how entered values become Settings."""

from __future__ import annotations

from dataclasses import replace

from planner.domain.model import Settings, WeeklyCapacity
from planner.services import setting_fields, setting_tables
from planner.services.setting_fields import FIELDS, GROUPS, apply_inputs, shown_value


def test_every_field_belongs_to_a_group_and_keys_are_unique() -> None:
    names = {g.name for g in GROUPS}
    assert all(f.group in names for f in FIELDS)
    assert len({f.key for f in FIELDS}) == len(FIELDS)


def test_applying_what_the_inputs_show_changes_nothing() -> None:
    current = replace(Settings(), promo_categories=("ad", "sponsor"), fetch_max_bytes=5 * 2**20)
    shown = {f.key: shown_value(current, f) for f in FIELDS}
    assert apply_inputs(current, shown) == current


def test_entered_values_are_stored_in_their_unit_and_type() -> None:
    new = apply_inputs(
        Settings(),
        {
            "half_life": 90,
            "fetch_max_mb": 3,
            "os_age": 30.0,
            "wc_interviews": 4,
            "allow_private": 1,
            "affiliate_domains": " a.com | |b.org ",
        },
    )
    assert new.half_life_days == 90.0 and isinstance(new.half_life_days, float)
    assert new.fetch_max_bytes == 3 * 1024 * 1024
    assert new.one_sided_min_age_days == 30 and isinstance(new.one_sided_min_age_days, int)
    assert new.weekly_capacity == replace(WeeklyCapacity(), interviews=4)
    assert new.allow_private_addresses is True
    assert new.affiliate_domains == ("a.com", "b.org")


def test_a_feed_cap_under_one_megabyte_shows_as_one() -> None:
    field = next(f for f in FIELDS if f.key == "fetch_max_mb")
    assert shown_value(replace(Settings(), fetch_max_bytes=4096), field) == 1


def test_groups_list_their_fields_in_table_order() -> None:
    keys = [f.key for f in setting_fields.fields_of("trust")]
    assert keys == ["trusted_gives", "trusted_quarters"]
    assert setting_fields.group("weekly_capacity").columns == 5


def test_the_edited_tables_read_back_into_settings() -> None:
    current = Settings()
    weights = setting_tables.weights_table(current)
    weights.loc[0, "Weight"] = 9.5
    trust = setting_tables.trust_table(current)
    tiers = setting_tables.tiers_table(current)
    tiers.loc[0, "Capacity"] = 7
    new = setting_tables.with_tiers(
        setting_tables.with_trust(setting_tables.with_weights(current, weights), trust), tiers
    )
    assert weights.loc[0, "Kind"] == "Share"  # words on screen, the code in the settings
    assert new.weights["share"] == 9.5
    assert new.trust_required == current.trust_required
    assert new.tier_capacity["cell"] == 7
    assert new.keep_in_touch_days == current.keep_in_touch_days


def test_the_tables_show_words_and_read_them_back() -> None:
    current = Settings()
    tiers = setting_tables.tiers_table(current)
    assert tiers.loc[0, "Tier"] == (
        "Inner circle: the handful of people you would call first; in touch every 14 days"
    )
    trust = setting_tables.trust_table(current)
    assert set(trust["Trust needed"]) <= {"New", "Acquainted", "Trusted"}
    referral = trust.index[trust["Ask kind"] == "Referral"][0]
    assert trust.loc[referral, "Trust needed"] == "Trusted"
    trust.loc[referral, "Trust needed"] = "Acquainted"
    assert setting_tables.with_trust(current, trust).trust_required["referral"] == "acquainted"
