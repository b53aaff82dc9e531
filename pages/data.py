"""Import & export: CSV imports of contacts and ledger rows (checked first, all or nothing,
undoable), CSV exports of every table, and the plan as a calendar file. File contents are
shown in tables and as plain text only, never as markdown."""

import streamlit as st

from planner.services import csv_files, exports, imports
from planner.services.calendar import calendar_file
from planner.ui import run_action, workspace

ws = workspace()
st.title("Import & export")

KINDS = {"contacts": "Contacts", "ledger": "Ledger rows"}
DUPLICATES = {
    "skip": "Skip them (keep what is stored)",
    "update": "Update the stored contact with the file's values",
}

tab_import, tab_export = st.tabs(["Import", "Export"])

with tab_import:
    kind = st.radio(
        "What to import",
        list(KINDS),
        format_func=KINDS.__getitem__,
        horizontal=True,
        key="import_kind",
    )
    with st.expander("File format", icon=":material/description:"):
        st.code(csv_files.FORMAT_DOC, language="markdown", wrap_lines=True)
    st.download_button(
        "Download an example file",
        data=csv_files.example_csv(kind),
        file_name=f"example-{kind}.csv",
        mime="text/csv",
        key=f"import_example_{kind}",
        icon=":material/download:",
    )
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key=f"import_file_{kind}")
    on_duplicate = "skip"
    if kind == "contacts":
        on_duplicate = st.radio(
            "Rows that match a stored contact (same e-mail, website or name)",
            list(DUPLICATES),
            format_func=DUPLICATES.__getitem__,
            key="import_on_duplicate",
        )
    if upload is not None:
        data = upload.getvalue()
        preview = run_action(
            lambda: csv_files.preview_import(ws, kind, data, on_duplicate=on_duplicate)
        )
        if preview is not None:
            if preview.ok:
                st.success(
                    "The file is valid. Check the rows below, then import them.",
                    icon=":material/check_circle:",
                )
            else:
                st.error(
                    "The file has problems: nothing can be imported until every one is fixed.",
                    icon=":material/error:",
                )
            st.text(preview.result.describe())
            if not preview.problems.empty:
                st.subheader("Problems")
                st.dataframe(preview.problems, hide_index=True, key="import_problems")
            st.subheader("Rows in the file")
            st.dataframe(preview.rows, hide_index=True, key="import_rows")
            if st.button(
                "Import",
                type="primary",
                disabled=not preview.ok,
                key="import_go",
                icon=":material/upload:",
            ):
                result = run_action(
                    lambda: (
                        imports.import_contacts(ws, data, on_duplicate=on_duplicate)
                        if kind == "contacts"
                        else imports.import_ledger(ws, data)
                    )
                )
                if result is not None:
                    st.session_state["import_message"] = result.describe()
                    st.rerun()
    message = st.session_state.get("import_message")
    if message:
        st.text(message)

    last = imports.last_import(ws)
    if last is not None:
        st.subheader("Undo")
        st.text(f"Last import: {last.summary}")
        confirm = st.checkbox(
            "Yes: remove what it added and restore what it updated", key="undo_confirm"
        )
        if st.button(
            "Undo last import", key="undo_import", disabled=not confirm, icon=":material/undo:"
        ):
            undone = run_action(lambda: imports.undo_last_import(ws))
            if undone:
                st.session_state["import_message"] = undone
                st.session_state.pop("undo_confirm", None)
                st.rerun()

with tab_export:
    TABLES = sorted(exports.tables())
    e1, e2 = st.columns([2, 1])
    table = e1.selectbox(
        "Table",
        TABLES,
        index=TABLES.index("contacts") if "contacts" in TABLES else 0,
        format_func=exports.table_words,
        key="export_table",
    )
    as_of = e2.date_input("Values as of", value=ws.today(), key="export_as_of", format="YYYY-MM-DD")
    bom = st.checkbox(
        "Start the file with a BOM (Excel on Windows then reads accents correctly)",
        value=bool(st.session_state.get("excel_bom", False)),
        key="export_bom",
    )
    # The file is made when the button is clicked, not on every run of the page.
    st.download_button(
        "Download CSV",
        data=lambda: csv_files.table_csv(ws, table, bom=bom, as_of=as_of),
        file_name=f"{table}-{as_of.isoformat()}.csv",
        mime="text/csv",
        key="export_download",
        icon=":material/download:",
    )
    st.caption(
        "Cells starting with = + - or @ get a leading ' so that spreadsheets show them "
        "as text instead of running them as formulas."
    )

    calendar = run_action(lambda: calendar_file(ws))
    if calendar is not None:
        st.subheader("Calendar")
        st.text("Planned gives and the target dates of open asks, as all-day events.")
        filename, ics = calendar
        st.download_button(
            "Download the plan (.ics)",
            data=ics,
            file_name=filename,
            mime="text/calendar",
            key="export_ics",
            icon=":material/event:",
        )
