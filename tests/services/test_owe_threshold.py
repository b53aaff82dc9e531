"""Who owes whom: a balance within half a point of zero is even."""

from __future__ import annotations

import pandas as pd

from planner.services import balances


def test_balances_past_the_threshold_owe_and_near_zero_is_even() -> None:
    frame = pd.DataFrame(
        {"contact": ["a", "b", "c", "d", "e"], "balance": [0.5, 0.51, -0.5, -3.0, 4.0]}
    )
    assert balances.they_owe_me(frame)["contact"].tolist() == ["e", "b"]
    assert balances.i_owe_them(frame)["contact"].tolist() == ["d"]
    assert balances.OWE_THRESHOLD == 0.5
