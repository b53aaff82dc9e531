"""The domain's vocabulary: enums and small frozen records shared by every layer.

These are the shapes that cross boundaries (storage → services → pages). They hold no
behaviour beyond trivial properties; the maths lives in :mod:`planner.domain.goodwill`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Direction(StrEnum):
    """Which way goodwill flowed, seen from the user ("me")."""

    GAVE = "gave"
    RECEIVED = "received"


class Kind(StrEnum):
    """What was given or received. One vocabulary for the ledger, plans and asks."""

    SHARE = "share"
    MENTION = "mention"
    LINK = "link"
    REWARD = "reward"
    PURCHASE = "purchase"
    TESTIMONIAL = "testimonial"
    FEATURE = "feature"
    INTRO = "intro"
    HELP = "help"
    PROMOTION = "promotion"
    INTERVIEW = "interview"
    GUEST_POST = "guest_post"
    JV = "jv"
    SPEAKING = "speaking"
    FREE_REPORT = "free_report"
    REFERRAL = "referral"
    AFFILIATE_PROMO = "affiliate_promo"
    FREE_PRODUCT = "free_product"
    CONTENT = "content"  # a post or episode published for the audience


#: Kinds whose value scales with the relative reach of giver and receiver: being featured
#: by someone far bigger than you is worth more than by someone smaller.
EXPOSURE_KINDS: frozenset[Kind] = frozenset(
    {Kind.MENTION, Kind.LINK, Kind.FEATURE, Kind.INTERVIEW, Kind.SHARE, Kind.PROMOTION}
)

#: Kinds that are asks of the audience (they spend its goodwill).
AUDIENCE_ASK_KINDS: frozenset[Kind] = frozenset({Kind.PROMOTION, Kind.AFFILIATE_PROMO, Kind.JV})


class Tier(StrEnum):
    """Relationship tiers after Dunbar's layers, closest first."""

    CELL = "cell"
    DEEP = "deep"
    ACTIVE = "active"
    NETWORK = "network"


class Trust(StrEnum):
    """Trust earned from two-way exchanges. Ordered: compare with :func:`trust_rank`."""

    NEW = "new"
    ACQUAINTED = "acquainted"
    TRUSTED = "trusted"


TRUST_ORDER: tuple[Trust, ...] = (Trust.NEW, Trust.ACQUAINTED, Trust.TRUSTED)


def trust_rank(level: Trust | str) -> int:
    """Position of a trust level in :data:`TRUST_ORDER` (higher trusts more)."""
    return TRUST_ORDER.index(Trust(level))


class Source(StrEnum):
    """Where a ledger row came from."""

    MANUAL = "manual"
    FEED = "feed"
    IMPORT = "import"
    PLAN = "plan"
    ASK = "ask"
    REQUEST = "request"
    DEMO = "demo"


class GiveStatus(StrEnum):
    """Where a planned give stands."""

    IDEA = "idea"
    PLANNED = "planned"
    DONE = "done"
    DROPPED = "dropped"


class AskStatus(StrEnum):
    """Where an ask to a contact (or to my audience) stands."""

    IDEA = "idea"
    PLANNED = "planned"
    SENT = "sent"
    #: They answered the message that carried it (a reply read from the mailbox): the
    #: ask still waits for their yes or no, but no follow-up is due.
    REPLIED = "replied"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"


#: Asks that still hold a claim on the balance with their contact.
PENDING_ASK_STATUSES: frozenset[AskStatus] = frozenset(
    {AskStatus.PLANNED, AskStatus.SENT, AskStatus.REPLIED, AskStatus.ACCEPTED}
)


class RequestStatus(StrEnum):
    """Where an incoming request stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    LATER = "later"
    DECLINED = "declined"


class FeedKind(StrEnum):
    """What a feed publishes: posts or episodes."""

    BLOG = "blog"
    PODCAST = "podcast"


class FeedOwner(StrEnum):
    """Whose feed it is: mine, a contact's, or the industry's."""

    ME = "me"
    CONTACT = "contact"
    INDUSTRY = "industry"


class Role(StrEnum):
    """How an entry features a person, strongest first in :data:`ROLE_STRENGTH`."""

    GUEST = "guest"
    #: The user wrote the post on someone else's site (only ever a detection of me).
    GUEST_POST = "guest_post"
    FEATURE = "feature"
    LINK = "link"
    MENTION = "mention"


ROLE_STRENGTH: dict[Role, int] = {
    Role.GUEST: 5,
    Role.GUEST_POST: 4,
    Role.FEATURE: 3,
    Role.LINK: 2,
    Role.MENTION: 1,
}

#: The ledger kind a detected role becomes.
ROLE_TO_KIND: dict[Role, Kind] = {
    Role.GUEST: Kind.INTERVIEW,
    Role.GUEST_POST: Kind.GUEST_POST,
    Role.FEATURE: Kind.FEATURE,
    Role.LINK: Kind.LINK,
    Role.MENTION: Kind.MENTION,
}


class DetectionStatus(StrEnum):
    """Whether a detection is confirmed (automatically or by the user), waiting for review,
    or dismissed."""

    AUTO = "auto"  # confirmed automatically (confidence at or above the threshold)
    PENDING = "pending"
    CONFIRMED = "confirmed"  # confirmed by the user
    DISMISSED = "dismissed"


@dataclass(frozen=True, slots=True)
class Profile:
    """Me: used for exposure (reach) and to recognise mentions of me in others' feeds."""

    name: str = ""
    brand: str = ""
    email: str = ""
    domains: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    reach: int | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A person I exchange favours with, and how to recognise them in feeds."""

    id: int
    name: str
    tier: Tier = Tier.NETWORK
    reach: int | None = None
    email: str = ""
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Interaction:
    """One ledger row. ``contact_id`` is None for the audience."""

    id: int
    contact_id: int | None
    direction: Direction
    kind: Kind
    occurred_on: date
    magnitude: float = 1.0
    source: Source = Source.MANUAL
    note: str = ""
    title: str = ""
    link: str = ""


@dataclass(frozen=True, slots=True)
class Ask:
    """A favour I ask (or plan to ask) of a contact, or of my audience."""

    id: int
    contact_id: int | None
    kind: Kind
    cost: float
    target_date: date | None
    status: AskStatus = AskStatus.IDEA
    priority: int = 2  # 1 high, 2 normal, 3 low
    title: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class PlannedGive:
    """A give I plan to make, to a contact or to my audience."""

    id: int
    contact_id: int | None
    kind: Kind
    due_date: date | None
    status: GiveStatus = GiveStatus.IDEA
    title: str = ""
    channel: str = ""
    note: str = ""
    ask_id: int | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """An incoming ask from a contact to me."""

    id: int
    contact_id: int
    kind: Kind
    received_on: date
    status: RequestStatus = RequestStatus.OPEN
    title: str = ""
    decision: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class WeeklyCapacity:
    """How much giving fits in a week."""

    blog_posts: int = 2
    mentions_per_post: int = 3
    interviews: int = 1
    rewards: int = 1
    other: int = 2


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of the model, with the defaults of DESIGN.md.

    Stored as one JSON document; :func:`settings_from_dict` tolerates missing keys so
    that adding a setting never breaks an existing database.
    """

    weights: dict[str, float] = field(
        default_factory=lambda: {
            Kind.SHARE: 0.5,
            Kind.MENTION: 1.0,
            Kind.LINK: 2.0,
            Kind.REWARD: 2.0,
            Kind.PURCHASE: 2.0,
            Kind.TESTIMONIAL: 2.0,
            Kind.FEATURE: 3.0,
            Kind.INTRO: 4.0,
            Kind.HELP: 4.0,
            Kind.PROMOTION: 5.0,
            Kind.INTERVIEW: 5.0,
            Kind.GUEST_POST: 3.0,
            Kind.JV: 6.0,
            Kind.SPEAKING: 5.0,
            Kind.FREE_REPORT: 3.0,
            Kind.REFERRAL: 4.0,
            Kind.AFFILIATE_PROMO: 5.0,
            Kind.FREE_PRODUCT: 2.0,
            Kind.CONTENT: 1.0,
        }
    )
    half_life_days: float = 180.0
    exposure_min: float = 0.25
    exposure_max: float = 2.0
    #: One-sided: I gave at least this much (lifetime points) ...
    one_sided_min_given: float = 10.0
    #: ... over a relationship at least this old ...
    one_sided_min_age_days: int = 182
    #: ... and they returned less than this share of it.
    one_sided_max_ratio: float = 0.2
    #: Or: they made this many requests and never gave anything back.
    one_sided_min_requests: int = 3
    trusted_min_gives: int = 3
    trusted_min_quarters: int = 2
    #: Trust an ask kind needs whatever the balance.
    trust_required: dict[str, str] = field(
        default_factory=lambda: {
            Kind.REFERRAL: Trust.TRUSTED,
            Kind.INTRO: Trust.TRUSTED,
            Kind.JV: Trust.TRUSTED,
            Kind.SPEAKING: Trust.TRUSTED,
            Kind.AFFILIATE_PROMO: Trust.ACQUAINTED,
            Kind.GUEST_POST: Trust.ACQUAINTED,
            Kind.PROMOTION: Trust.ACQUAINTED,
        }
    )
    tier_capacity: dict[str, int] = field(
        default_factory=lambda: {Tier.CELL: 5, Tier.DEEP: 15, Tier.ACTIVE: 50, Tier.NETWORK: 150}
    )
    #: Days without any interaction before a contact counts as losing touch.
    keep_in_touch_days: dict[str, int] = field(
        default_factory=lambda: {Tier.CELL: 14, Tier.DEEP: 30, Tier.ACTIVE: 90, Tier.NETWORK: 180}
    )
    promo_max_per_30_days: int = 2
    promo_min_give_ask_ratio_90_days: float = 4.0
    #: Ledger kinds in my feed entries recognised as promotions (categories, link domains).
    promo_categories: tuple[str, ...] = ("sponsored", "promotion", "launch", "affiliate")
    affiliate_domains: tuple[str, ...] = ()
    weekly_capacity: WeeklyCapacity = field(default_factory=WeeklyCapacity)
    plan_weeks: int = 8
    detection_auto_confirm: float = 0.85
    fetch_max_bytes: int = 20 * 1024 * 1024
    fetch_timeout_seconds: float = 20.0
    allow_private_addresses: bool = False
    max_entries_per_feed: int = 10_000

    def weight(self, kind: Kind | str) -> float:
        """What one unit of a favour of ``kind`` is worth in the ledger (1 if unset)."""
        return float(self.weights.get(Kind(kind), 1.0))

    def ask_cost(self, kind: Kind | str) -> float:
        """An ask costs what the same favour is worth in the ledger."""
        return self.weight(kind)

    def required_trust(self, kind: Kind | str) -> Trust:
        """The trust level an ask of ``kind`` needs (new if unset)."""
        return Trust(self.trust_required.get(Kind(kind), Trust.NEW))


def settings_to_dict(settings: Settings) -> dict[str, object]:
    """A JSON-ready dict of every setting (enum keys become plain strings)."""
    out: dict[str, object] = {}
    for name in Settings.__dataclass_fields__:
        value = getattr(settings, name)
        if isinstance(value, dict):
            value = {str(k): (str(v) if isinstance(v, StrEnum) else v) for k, v in value.items()}
        elif isinstance(value, WeeklyCapacity):
            value = {f: getattr(value, f) for f in WeeklyCapacity.__dataclass_fields__}
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def settings_from_dict(data: dict[str, object]) -> Settings:
    """Settings from a stored dict; unknown keys are ignored, missing ones take defaults.

    Dict-valued settings are merged over the defaults so a new kind gets its default
    weight even in an old database.
    """
    defaults = Settings()
    kwargs = {
        name: _stored_value(getattr(defaults, name), data[name])
        for name in Settings.__dataclass_fields__
        if name in data
    }
    # the stored values were coerced to each field's type by _stored_value
    return Settings(**kwargs)  # type: ignore[arg-type]


def _stored_value(default: object, value: object) -> object:
    """A stored setting coerced to the type of its default (dicts merged over it)."""
    if isinstance(default, dict) and isinstance(value, dict):
        return {**{str(k): v for k, v in default.items()}, **value}
    if isinstance(default, WeeklyCapacity) and isinstance(value, dict):
        known = {k: int(v) for k, v in value.items() if k in WeeklyCapacity.__dataclass_fields__}
        return WeeklyCapacity(**known)
    if isinstance(default, tuple) and isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    if isinstance(default, bool):
        return bool(value)
    if isinstance(default, int):
        # a stored number (JSON gives int or float); a bad one raises, as before
        return int(value)  # type: ignore[call-overload]
    if isinstance(default, float):
        return float(value)  # type: ignore[arg-type]  # as for int
    return value
