"""The Plan page's tables: what a week holds, tiers against their capacity, and the
contacts losing touch. Plain frames, so the page only shows them."""

from __future__ import annotations

import pandas as pd

from planner.services.plan import CapacityView, WeekView

WEEK_COLUMNS = ["what", "id", "date", "contact", "kind", "title", "status"]
TIER_COLUMNS = ["tier", "contacts", "capacity", "over by", "move down"]
TOUCH_COLUMNS = ["contact", "tier", "days since", "every (days)"]


def week_table(week: WeekView) -> pd.DataFrame:
    """The week's gives (an overdue planned give says "overdue"), then its ask targets."""
    gives = [
        {
            "what": "give",
            "id": g.id,
            "date": g.due_date.isoformat() if g.due_date else "",
            "contact": g.contact or "audience",
            "kind": g.kind.value,
            "title": g.title,
            "status": "overdue" if g.id in week.overdue else g.status.value,
        }
        for g in week.gives
    ]
    asks = [
        {
            "what": "ask target",
            "id": a.id,
            "date": a.target_date.isoformat(),
            "contact": a.contact or "audience",
            "kind": a.kind.value,
            "title": a.title,
            "status": a.status,
        }
        for a in week.asks
    ]
    return pd.DataFrame(gives + asks, columns=WEEK_COLUMNS)


def tiers_table(cap: CapacityView) -> pd.DataFrame:
    """Each tier's count against its capacity, and whom to move down when it is over."""
    rows = [
        {
            "tier": t.state.tier.value,
            "contacts": t.state.count,
            "capacity": t.state.capacity,
            "over by": t.state.over_by,
            "move down": ", ".join(t.move_down),
        }
        for t in cap.tiers
    ]
    return pd.DataFrame(rows, columns=TIER_COLUMNS)


def losing_touch_table(cap: CapacityView) -> pd.DataFrame:
    """Contacts past their tier's keep-in-touch cadence."""
    rows = [
        {
            "contact": t.contact,
            "tier": t.tier,
            "days since": t.gap.days_since,
            "every (days)": t.gap.cadence,
        }
        for t in cap.losing_touch
    ]
    return pd.DataFrame(rows, columns=TOUCH_COLUMNS)
