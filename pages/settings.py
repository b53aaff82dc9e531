"""Settings: my profile and every tunable of the goodwill model.

The number inputs come from the table in planner.services.setting_fields, one group at a
time; the tables (weights, trust, tiers) from planner.services.setting_tables.
"""

import streamlit as st

from planner.domain.model import Settings
from planner.services import backup as backup_service
from planner.services import plan, restore_undo, setting_fields, setting_tables
from planner.services import settings as settings_service
from planner.ui import budget_notice, plain, run_action, workspace
from planner.ui.contact_actions import show_flash
from planner.ui.mail_account import mail_account_tab
from planner.ui.setting_inputs import setting_inputs

ws = workspace()
st.title("Settings")
show_flash()
current = ws.settings()
profile = ws.profile()

tab_profile, tab_model, tab_capacity, tab_feeds, tab_mail = st.tabs(
    ["My profile", "Goodwill model", "Capacity & budget", "Feeds & detection", "Mail account"]
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


def _save(entered: dict[str, setting_fields.InputValue], base: Settings, success: str) -> None:
    """Store ``base`` (settings with the tables applied) with the entered inputs."""
    new = setting_fields.apply_inputs(base, entered)
    run_action(lambda: settings_service.save_settings(ws, new), success=success)


with tab_model, st.form("model_form"):
    st.caption(
        "value = weight(kind) × magnitude × exposure × 0.5^(age / half-life). "
        "Saving recomputes every ledger value."
    )
    weights = st.data_editor(
        setting_tables.weights_table(current),
        hide_index=True,
        disabled=["Kind"],
        key="weights_editor",
    )
    entered = setting_inputs(current, "model")
    entered |= setting_inputs(current, "one_sided")
    entered |= setting_inputs(current, "trust")
    trust = st.data_editor(
        setting_tables.trust_table(current),
        hide_index=True,
        disabled=["Ask kind"],
        key="trust_editor",
        column_config={
            "Trust needed": st.column_config.SelectboxColumn(
                options=setting_tables.TRUST_CHOICES, required=True
            )
        },
    )
    if st.form_submit_button("Save model", type="primary", key="model_save"):
        tables = setting_tables.with_trust(setting_tables.with_weights(current, weights), trust)
        _save(entered, tables, "Model saved")

with tab_capacity:
    budget_notice(plan.snapshot(ws).budget)  # the budget as it stands, in its one wording

with tab_capacity, st.form("capacity_form"):
    st.markdown("**Relationship tiers** (Dunbar's layers) and keep-in-touch cadence")
    tiers = st.data_editor(
        setting_tables.tiers_table(current), hide_index=True, disabled=["Tier"], key="tiers_editor"
    )
    entered = setting_inputs(current, "promo_budget")
    entered |= setting_inputs(current, "weekly_capacity")
    entered |= setting_inputs(current, "plan_ahead")
    if st.form_submit_button("Save capacity", type="primary", key="capacity_save"):
        _save(entered, setting_tables.with_tiers(current, tiers), "Capacity saved")

with tab_feeds, st.form("feeds_form"):
    entered = setting_inputs(current, "fetching")
    entered |= setting_inputs(current, "feed_rules")
    if st.form_submit_button("Save", type="primary", key="feeds_save"):
        _save(entered, current, "Saved")

with tab_mail:
    mail_account_tab(ws)

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
if st.button(
    "Restore", key="restore_button", type="primary", disabled=upload is None or not replace_all
):
    restored = run_action(lambda: restore_undo.restore_with_undo(ws, upload.getvalue()))
    if restored:
        # Kept for this session only: the restore can be undone until the tab is closed.
        st.session_state["restore_undo"] = restored
        st.cache_data.clear()
        message = restored.message
        st.success(plain(message[:1].upper() + message[1:]), icon=":material/check_circle:")
if st.session_state.get("restore_undo") and st.button(
    "Undo the restore", key="restore_undo_button"
):
    undone = run_action(lambda: restore_undo.undo_restore(ws, st.session_state["restore_undo"]))
    if undone:
        del st.session_state["restore_undo"]
        st.cache_data.clear()
        st.success("The database is back as it was before the restore.")
