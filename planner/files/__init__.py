"""File formats: spreadsheet-safe CSV out, validated CSV in, iCalendar out.

Pure of database and Streamlit: functions take domain objects or plain data and return
bytes or reports; the caller (planner.services) loads and stores. Modules:

* :mod:`.csv_export` – spreadsheet-safe CSV bytes (formula cells escaped);
* :mod:`.csv_reader` – records of a CSV file with their line numbers;
* :mod:`.csv_import` – the contacts and ledger import formats, validated row by row
  (:mod:`.csv_formats`: their description and example files for people);
* :mod:`.ics` – all-day calendar events.
"""
