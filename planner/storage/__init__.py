"""Storage: SQLAlchemy schema, engine, migrations and repositories."""
