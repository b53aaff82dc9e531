"""Give First: a give-first planner for bloggers and podcasters.

The package is layered; arrows point one way:
``pages/`` → :mod:`planner.ui` → :mod:`planner.services` → adapters
(:mod:`planner.storage`, :mod:`planner.feeds`, :mod:`planner.outreach`) → :mod:`planner.domain`.
The domain imports nothing of Streamlit, SQLAlchemy or HTTP.
"""

__version__ = "0.1.0"
APP_NAME = "GiveFirst"
