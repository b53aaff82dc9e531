"""The words on screen for codes, points and times."""

from datetime import date, datetime

import pytest

from planner.domain import mail, model, words


@pytest.mark.parametrize(
    ("enum", "table"),
    [
        (model.Kind, words.KIND_WORDS),
        (model.Tier, words.TIER_WORDS),
        (model.Trust, words.TRUST_WORDS),
        (model.AskStatus, words.ASK_STATUS_WORDS),
        (model.GiveStatus, words.GIVE_STATUS_WORDS),
        (model.RequestStatus, words.REQUEST_STATUS_WORDS),
        (model.Direction, words.DIRECTION_WORDS),
        (model.Role, words.ROLE_WORDS),
        (model.Source, words.SOURCE_WORDS),
        (model.DetectionStatus, words.DETECTION_STATUS_WORDS),
        (model.FeedKind, words.FEED_KIND_WORDS),
        (model.FeedOwner, words.FEED_OWNER_WORDS),
        (mail.ExchangeDirection, words.EXCHANGE_DIRECTION_WORDS),
        (mail.OutboxStatus, words.OUTBOX_STATUS_WORDS),
    ],
)
def test_every_code_has_words_without_underscores(enum, table):
    assert set(table) == set(enum)
    for code in enum:
        shown = words.word(code, table)
        assert shown and "_" not in shown and shown[0].isupper()


def test_word_finds_the_table_by_itself_and_never_shows_a_raw_code():
    assert words.word("guest_post") == "Guest post"
    assert words.word(model.AskStatus.SENT) == "Sent"
    assert words.word("some_new_code") == "Some new code"
    assert words.word(None) == ""


def test_a_table_given_wins_over_the_first_table_that_knows_the_code():
    assert words.word("guest_post", words.ROLE_WORDS) == "Guest post"
    assert words.word("link", words.ROLE_WORDS) == "Linked"
    assert words.word("link") == "Link"
    # "received" is the ledger's "I received" unless the exchange words are asked for
    assert words.word("received") == "I received"
    assert words.word("received", words.EXCHANGE_DIRECTION_WORDS) == "Received"
    assert words.word("queued") == "Queued"


def test_points_are_rounded_to_one_decimal_and_never_negative_zero():
    assert words.points(10.877) == "10.9"
    assert words.points(-0.04) == "0.0"
    assert words.points(-2.25) == "-2.2"  # round half to even, as Python rounds
    assert words.points(None) == ""


def test_dates_and_moments_read_as_a_person_writes_them():
    assert words.day(date(2026, 12, 6)) == "6 Dec 2026"
    assert words.moment(datetime(2026, 12, 6, 13, 43, 20)) == "6 Dec 2026, 13:43"
    assert "T" not in words.moment(datetime(2026, 1, 2, 3, 4, 5))


def test_a_tier_line_says_who_belongs_and_the_cadence():
    line = words.tier_line(model.Tier.DEEP, 30)
    assert line == "Close: close peers you work with often; in touch every 30 days"
