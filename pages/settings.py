"""Settings: my profile and every tunable of the goodwill model."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from planner.domain import values
from planner.domain.model import Kind, Tier, Trust, WeeklyCapacity
from planner.services import backup as backup_service
from planner.services import settings as settings_service
from planner.ui import plain, run_action, workspace

ws = workspace()
st.title("Settings")
current = ws.settings()
profile = ws.profile()

tab_profile, tab_model, tab_capacity, tab_feeds = st.tabs(
    ["My profile", "Goodwill model", "Capacity & budget", "Feeds & detection"]
)

with tab_profile, st.form("profile_form"):
    st.caption("Used for exposure (your reach) and to recognise mentions of you in others' feeds.")
    p1, p2 = st.columns(2)
    p_name = p1.text_input("Your name", profile.name, key="profile_name")
    p_brand = p2.text_input("Brand", profile.brand, key="profile_brand")
    p_email = p1.text_input("Email", profile.email, key="profile_email")
    p_reach = p2.text_input(
        "Reach (audience size)",
        "" if profile.reach is None else str(profile.reach),
        key="profile_reach",
    )
    p_domains = p1.text_input(
        "Website domains (|)", "|".join(profile.domains), key="profile_domains"
    )
    p_handles = p2.text_input("Handles (|)", "|".join(profile.handles), key="profile_handles")
    p_aliases = p1.text_input("Other names (|)", "|".join(profile.aliases), key="profile_aliases")
    if st.form_submit_button("Save profile", type="primary", key="profile_save"):
        run_action(
            lambda: settings_service.save_profile(
                ws,
                name=p_name,
                brand=p_brand,
                email=p_email,
                domains=p_domains,
                handles=p_handles,
                aliases=p_aliases,
                reach=p_reach,
            ),
            success="Profile saved",
        )

with tab_model, st.form("model_form"):
    st.caption(
        "value = weight(kind) × magnitude × exposure × 0.5^(age / half-life). "
        "Saving recomputes every ledger value."
    )
    weights = pd.DataFrame(
        {"kind": [k.value for k in Kind], "weight": [current.weight(k) for k in Kind]}
    )
    edited = st.data_editor(weights, hide_index=True, disabled=["kind"], key="weights_editor")
    m1, m2, m3 = st.columns(3)
    half_life = m1.number_input(
        "Half-life (days)",
        min_value=values.MIN_HALF_LIFE_DAYS,
        max_value=values.MAX_HALF_LIFE_DAYS,
        value=float(current.half_life_days),
        key="half_life",
    )
    exp_min = m2.number_input(
        "Exposure minimum",
        min_value=0.01,
        max_value=1.0,
        value=float(current.exposure_min),
        key="exp_min",
    )
    exp_max = m3.number_input(
        "Exposure maximum", min_value=1.0, value=float(current.exposure_max), key="exp_max"
    )
    st.markdown("**One-sided relationships**")
    o1, o2, o3, o4 = st.columns(4)
    os_given = o1.number_input(
        "Given at least (points)",
        min_value=0.0,
        value=float(current.one_sided_min_given),
        key="os_given",
    )
    os_age = o2.number_input(
        "Older than (days)", min_value=0, value=int(current.one_sided_min_age_days), key="os_age"
    )
    os_ratio = o3.number_input(
        "Ratio below",
        min_value=0.0,
        max_value=1.0,
        value=float(current.one_sided_max_ratio),
        key="os_ratio",
    )
    os_requests = o4.number_input(
        "Or requests with no give",
        min_value=1,
        value=int(current.one_sided_min_requests),
        key="os_requests",
    )
    st.markdown("**Trust**")
    t1, t2 = st.columns(2)
    trusted_gives = t1.number_input(
        "Trusted after gives from them",
        min_value=1,
        value=int(current.trusted_min_gives),
        key="trusted_gives",
    )
    trusted_quarters = t2.number_input(
        "… across quarters",
        min_value=1,
        value=int(current.trusted_min_quarters),
        key="trusted_quarters",
    )
    trust_table = pd.DataFrame(
        {
            "ask kind": [k.value for k in Kind],
            "trust needed": [current.required_trust(k).value for k in Kind],
        }
    )
    trust_edit = st.data_editor(
        trust_table,
        hide_index=True,
        disabled=["ask kind"],
        key="trust_editor",
        column_config={
            "trust needed": st.column_config.SelectboxColumn(
                options=[t.value for t in Trust], required=True
            )
        },
    )
    if st.form_submit_button("Save model", type="primary", key="model_save"):
        new = replace(
            current,
            weights={str(r.kind): float(r.weight) for r in edited.itertuples()},
            half_life_days=float(half_life),
            exposure_min=float(exp_min),
            exposure_max=float(exp_max),
            one_sided_min_given=float(os_given),
            one_sided_min_age_days=int(os_age),
            one_sided_max_ratio=float(os_ratio),
            one_sided_min_requests=int(os_requests),
            trusted_min_gives=int(trusted_gives),
            trusted_min_quarters=int(trusted_quarters),
            trust_required={
                str(r[1]): str(r[2]) for r in trust_edit.itertuples() if str(r[2]) != Trust.NEW
            },
        )
        run_action(lambda: settings_service.save_settings(ws, new), success="Model saved")

with tab_capacity, st.form("capacity_form"):
    st.markdown("**Relationship tiers** (Dunbar's layers) and keep-in-touch cadence")
    tiers = pd.DataFrame(
        {
            "tier": [t.value for t in Tier],
            "capacity": [int(current.tier_capacity.get(t, 0)) for t in Tier],
            "keep in touch (days)": [int(current.keep_in_touch_days.get(t, 0)) for t in Tier],
        }
    )
    tiers_edit = st.data_editor(tiers, hide_index=True, disabled=["tier"], key="tiers_editor")
    st.markdown("**Audience promotion budget**")
    b1, b2 = st.columns(2)
    promo_max = b1.number_input(
        "Promotions per 30 days at most",
        min_value=0,
        value=int(current.promo_max_per_30_days),
        key="promo_max",
    )
    promo_ratio = b2.number_input(
        "Give:ask ratio over 90 days at least",
        min_value=0.0,
        value=float(current.promo_min_give_ask_ratio_90_days),
        key="promo_ratio",
    )
    st.markdown("**Weekly capacity for the planner**")
    wc = current.weekly_capacity
    w1, w2, w3, w4, w5 = st.columns(5)
    posts = w1.number_input("Blog posts", min_value=0, value=wc.blog_posts, key="wc_posts")
    per_post = w2.number_input(
        "Mentions per post", min_value=0, value=wc.mentions_per_post, key="wc_per_post"
    )
    interviews = w3.number_input(
        "Interviews", min_value=0, value=wc.interviews, key="wc_interviews"
    )
    rewards = w4.number_input("Rewards", min_value=0, value=wc.rewards, key="wc_rewards")
    other = w5.number_input("Other gives", min_value=0, value=wc.other, key="wc_other")
    weeks = st.number_input(
        "Plan ahead (weeks)",
        min_value=1,
        max_value=52,
        value=int(current.plan_weeks),
        key="plan_weeks",
    )
    if st.form_submit_button("Save capacity", type="primary", key="capacity_save"):
        new = replace(
            current,
            tier_capacity={str(r[1]): int(r[2]) for r in tiers_edit.itertuples()},
            keep_in_touch_days={str(r[1]): int(r[3]) for r in tiers_edit.itertuples()},
            promo_max_per_30_days=int(promo_max),
            promo_min_give_ask_ratio_90_days=float(promo_ratio),
            weekly_capacity=WeeklyCapacity(
                int(posts), int(per_post), int(interviews), int(rewards), int(other)
            ),
            plan_weeks=int(weeks),
        )
        run_action(lambda: settings_service.save_settings(ws, new), success="Capacity saved")

with tab_feeds, st.form("feeds_form"):
    d1, d2 = st.columns(2)
    threshold = d1.slider(
        "Auto-confirm detections at confidence",
        0.0,
        1.0,
        float(current.detection_auto_confirm),
        0.05,
        key="detect_threshold",
    )
    max_mb = d2.number_input(
        "Feed size cap (MB)",
        min_value=1,
        value=max(1, current.fetch_max_bytes // (1024 * 1024)),
        key="fetch_max_mb",
    )
    timeout = d1.number_input(
        "Fetch deadline per feed (seconds)",
        min_value=1.0,
        value=float(current.fetch_timeout_seconds),
        key="fetch_timeout",
    )
    max_entries = d2.number_input(
        "Entries kept per feed",
        min_value=10,
        value=int(current.max_entries_per_feed),
        key="max_entries",
    )
    private = st.toggle(
        "Allow private network addresses (self-hosted feeds)",
        value=current.allow_private_addresses,
        key="allow_private",
    )
    promo_categories = st.text_input(
        "Categories that mark a promotion in my feeds (|)",
        "|".join(current.promo_categories),
        key="promo_categories",
    )
    affiliate = st.text_input(
        "Affiliate link domains (|)", "|".join(current.affiliate_domains), key="affiliate_domains"
    )
    if st.form_submit_button("Save", type="primary", key="feeds_save"):
        new = replace(
            current,
            detection_auto_confirm=float(threshold),
            fetch_max_bytes=int(max_mb) * 1024 * 1024,
            fetch_timeout_seconds=float(timeout),
            max_entries_per_feed=int(max_entries),
            allow_private_addresses=bool(private),
            promo_categories=tuple(v.strip() for v in promo_categories.split("|") if v.strip()),
            affiliate_domains=tuple(v.strip() for v in affiliate.split("|") if v.strip()),
        )
        run_action(lambda: settings_service.save_settings(ws, new), success="Saved")

st.checkbox("CSV downloads start with a BOM (for Excel)", key="excel_bom")

st.divider()
st.subheader("Backup & restore")
st.caption(
    "One zip with every table (contacts, ledger, plan, feeds), your settings and templates, "
    "and the schema version. Restoring replaces everything in this database with the backup."
)
st.download_button(
    "Download backup",
    data=lambda: backup_service.create_backup(ws),
    file_name=backup_service.backup_file_name(ws),
    mime="application/zip",
    key="backup_download",
    icon=":material/download:",
    on_click="ignore",
)
upload = st.file_uploader("Backup to restore (.zip)", type=["zip"], key="restore_file")
replace_all = st.checkbox(
    "Replace everything in the database with this backup", key="restore_replace"
)


def _restore(data: bytes) -> str:
    # Keep what is there now, so the restore can be undone in this session.
    before = backup_service.create_backup(ws)
    message = backup_service.restore_backup(ws, data, replace=True)
    st.session_state["restore_undo"] = before
    return message


if st.button(
    "Restore", key="restore_button", type="primary", disabled=upload is None or not replace_all
):
    restored = run_action(lambda: _restore(upload.getvalue()))
    if restored:
        st.cache_data.clear()
        st.success(plain(restored[:1].upper() + restored[1:]), icon=":material/check_circle:")
if st.session_state.get("restore_undo") and st.button(
    "Undo the restore", key="restore_undo_button"
):
    undone = run_action(
        lambda: backup_service.restore_backup(ws, st.session_state["restore_undo"], replace=True)
    )
    if undone:
        del st.session_state["restore_undo"]
        st.cache_data.clear()
        st.success("The database is back as it was before the restore.")
