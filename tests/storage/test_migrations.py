"""Migrations: a database made at the first revision keeps every row through the upgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from planner.storage import migrate
from planner.storage.db import make_engine


def test_upgrade_from_the_first_migration_keeps_rows_and_defaults_new_columns(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (id, name, aliases, email, domains, handles, tags, tier, "
                "reach, notes, archived, created_at, updated_at) VALUES (7, 'Ann Lee', '[\"AL\"]',"
                " 'ann@lee.example', '[\"lee.example\"]', '[]', '[]', 'deep', 500, 'n', false, "
                "'2026-01-01 10:00:00', '2026-01-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO asks (id, contact_id, kind, cost, target_date, priority, status, "
                "title, note, created_at) VALUES (3, 7, 'link', 2.0, '2026-12-01', 1, 'sent', "
                "'a link', '', '2026-01-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO planned_gives (id, contact_id, kind, title, due_date, channel, status,"
                " note, created_at) VALUES (4, 7, 'mention', 'post', '2026-12-02', 'blog', "
                "'planned', '', '2026-01-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO interactions (id, contact_id, direction, kind, occurred_on, magnitude,"
                " source, title, link, note, base, growth, quarter, created_at) VALUES (9, 7, "
                "'gave', 'mention', '2026-02-01', 1.0, 'manual', '', '', '', 1.0, 1.0, 8105, "
                "'2026-02-01 10:00:00')"
            )
        )
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    with engine.connect() as conn:
        contact = conn.execute(
            text("SELECT name, tier, reach, aliases, source FROM contacts WHERE id = 7")
        ).one()
        assert tuple(contact[:3]) == ("Ann Lee", "deep", 500)
        assert "AL" in str(contact[3])
        assert contact[4] == "manual"
        assert conn.execute(text("SELECT status, sent_on FROM asks WHERE id = 3")).one() == (
            "sent",
            None,
        )
        assert conn.execute(
            text("SELECT title, done_on FROM planned_gives WHERE id = 4")
        ).one() == ("post", None)
        assert conn.execute(text("SELECT count(*) FROM interactions")).scalar() == 1
    engine.dispose()


def test_the_show_profile_columns_default_on_upgrade_and_go_on_downgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO feeds (id, url, kind, owner, title, site_link, category, "
                "error_count, created_at) VALUES (5, 'https://cast.example/feed', 'podcast', "
                "'me', 'A cast', '', '', 0, '2026-01-01 10:00:00')"
            )
        )
    migrate.upgrade(engine, "0004")
    columns = "language, itunes_author, feed_people, show_profile, show_corrections"
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT title, {columns} FROM feeds WHERE id = 5")).one()
    assert tuple(row) == ("A cast", "", "", None, None, None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE feeds SET language = 'en', show_profile = '{\"kind\": \"solo\"}' "
                "WHERE id = 5"
            )
        )
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    with engine.connect() as conn:
        names = {c["name"] for c in inspect(conn).get_columns("feeds")}
        assert conn.execute(text("SELECT title FROM feeds WHERE id = 5")).scalar() == "A cast"
    assert not names & {"language", "itunes_author", "feed_people", "show_profile"}
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_stored_feed_errors_get_their_code_on_upgrade_and_lose_it_on_downgrade(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0004")
    errors = {
        5: "refused: 127.0.0.1 is a non-public address (loopback; allow private addresses)",
        6: "refused: 169.254.169.254 is a non-public address (link-local; never allowed)",
        7: "HTTP 404 Not Found",
    }
    with engine.begin() as conn:
        for feed_id, error in errors.items():
            conn.execute(
                text(
                    "INSERT INTO feeds (id, url, kind, owner, title, site_link, category, "
                    "error_count, created_at, last_error) VALUES (:id, :url, 'blog', 'me', "
                    "'', '', '', 1, '2026-01-01 10:00:00', :error)"
                ),
                {"id": feed_id, "url": f"https://f{feed_id}.example/feed", "error": error},
            )
    migrate.upgrade(engine, "0005")
    with engine.connect() as conn:
        codes = dict(conn.execute(text("SELECT id, last_error_code FROM feeds")).all())
    assert codes == {5: "private_address_refused", 6: "address_refused", 7: None}
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    with engine.connect() as conn:
        assert "last_error_code" not in {c["name"] for c in inspect(conn).get_columns("feeds")}
        assert conn.execute(text("SELECT last_error FROM feeds WHERE id = 7")).scalar() == (
            "HTTP 404 Not Found"
        )
    engine.dispose()
