"""`planner mail …`, `planner send` and `planner draft --queue` against the real test
servers (tests/mail/servers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.services import Workspace, asks, mail_settings, outbox
from tests.conftest import run_cli as run
from tests.mail.servers import MailServers
from tests.services.mail_world import ANN, World, make_world


@pytest.fixture
def world(ws: Workspace) -> World:
    return make_world(ws)


def test_mail_set_and_show_never_print_a_password(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PLANNER_IMAP_PASSWORD", "s3cret-imap")
    monkeypatch.delenv("PLANNER_SMTP_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    for key, value, shown in (
        ("imap.host", "mail.example.test", "mail.example.test"),
        ("imap.username", "me@example.test", "me@example.test"),
        ("smtp.host", "smtp.example.test", "smtp.example.test"),
        ("smtp.security", "STARTTLS", "starttls"),
        ("daily_limit", "5", "5"),
        ("save_to_sent", "no", "no"),
    ):
        code, out, _ = run(capsys, db_url, "mail", "set", key, value)
        assert (code, out) == (0, f"mail {key} = {shown}\n")
    code, out, _ = run(capsys, db_url, "mail", "show")
    assert code == 0 and "s3cret" not in out
    assert out.splitlines()[:2] == [
        "imap: me@example.test@mail.example.test:993 (tls); password set (from "
        "$PLANNER_IMAP_PASSWORD)",
        "smtp: smtp.example.test:587 (starttls); password set (from .streamlit/secrets.toml, "
        "or the IMAP password for SMTP)",
    ]
    assert "daily_limit: 5 (sent today 0, 5 left)" in out and "save_to_sent: no" in out
    before = mail_settings.load(ws)
    for key, value, words in (
        ("imap.port", "abc", "imap.port must be a whole number, not 'abc'"),
        ("daily_limit", "99999", "the daily sending limit must be between 0 and 2000"),
        ("smtp.security", "ssl", "smtp.security is tls, starttls or plain, not 'ssl'"),
        ("imap.colour", "red", "no mail setting 'imap.colour'"),
    ):
        code, _, err = run(capsys, db_url, "mail", "set", key, value)
        assert code == 2 and words in err
    assert mail_settings.load(ws) == before


def test_mail_test_says_what_failed_and_exits_1(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    mail_servers: MailServers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mail_settings.save(ws, mail_servers.mail_config())
    code, out, _ = run(capsys, db_url, "mail", "test", "smtp")
    assert code == 0 and out.startswith("logged in to SMTP")
    monkeypatch.setenv("PLANNER_IMAP_PASSWORD", "wrong")
    code, out, err = run(capsys, db_url, "mail", "test")
    assert code == 1 and out.startswith("logged in to SMTP")
    assert err.startswith("planner: failed: IMAP ") and "wrong" not in err


def test_send_an_ask_then_read_its_reply(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    world: World,
    mail_servers: MailServers,
) -> None:
    mail_settings.save(ws, mail_servers.mail_config())
    code, _, err = run(capsys, db_url, "send", "--ask", str(world.unready_ask))
    assert code == 2 and "is not ready" in err and mail_servers.received == []
    code, out, _ = run(capsys, db_url, "send", "--ask", str(world.ready_ask))
    [row] = outbox.list_outbox(ws)
    assert (code, out) == (0, f"sent to Ann Lee <{ANN}> — Message-ID {row.message_id}\n")
    assert row.template == "ask_share" and asks.get(ws, world.ready_ask).status == "sent"
    mail_servers.put_in_inbox(
        f"From: {ANN}\r\nTo: me@example.test\r\nSubject: Re: hi\r\nMessage-ID: <r1@x>\r\n"
        f"In-Reply-To: {row.message_id}\r\n\r\nyes\r\n".encode()
    )
    code, out, _ = run(capsys, db_url, "mail", "read")
    assert code == 0 and out.startswith("INBOX: read 1, exchanges added 1")
    assert "; Sent: read 1, exchanges added 0, already known 1" in out
    assert asks.get(ws, world.ready_ask).status == "replied"


def test_draft_queue_then_send_the_queue_and_a_failure_exits_1(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    ws: Workspace,
    world: World,
    mail_servers: MailServers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mail_settings.save(ws, mail_servers.mail_config(save_to_sent=False))
    code, out, _ = run(capsys, db_url, "draft", "thank_you", "--contact", "Ann Lee", "--queue")
    [row] = outbox.list_outbox(ws)
    assert (code, out) == (0, f"queued {row.id}: Ann Lee <{ANN}>: {row.subject}\n")
    code, out, _ = run(capsys, db_url, "drafts", "ask_share", "--ready-asks", "--queue")
    assert code == 0 and out.endswith("1 draft(s) in the outbox\n")
    assert [v.ask_id for v in outbox.list_outbox(ws)] == [world.ready_ask, None]
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", "wrong")
    code, out, _ = run(capsys, db_url, "send", "--all-queued")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert all(line.startswith(f"failed: Ann Lee <{ANN}>: SMTP ") for line in lines)
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", mail_servers.password)
    code, out, _ = run(capsys, db_url, "send", "--draft", str(row.id))
    assert code == 0 and out.startswith(f"sent to Ann Lee <{ANN}>")
    code, out, _ = run(capsys, db_url, "send", "--all-queued")
    assert (
        code == 0 and out.startswith(f"sent to Ann Lee <{ANN}>") and len(mail_servers.received) == 2
    )
    code, out, _ = run(capsys, db_url, "send", "--all-queued")
    assert (code, out) == (0, "nothing queued to send\n")


def test_mail_import_prints_the_summary_line_only(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, world: World, tmp_path: Path
) -> None:
    mbox = tmp_path / "takeout.mbox"
    mbox.write_bytes(
        b"From ann@example.test Mon Nov 23 10:00:00 2026\n"
        b"From: Ann Lee <ann@example.test>\nTo: me@example.test\nSubject: hello\n"
        b"Message-ID: <m1@example.test>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n\nhi\n\n"
        b"From x@else.test Mon Nov 23 11:00:00 2026\n"
        b"From: x@else.test\nTo: me@example.test\nSubject: spam\n"
        b"Message-ID: <m2@example.test>\n\nbuy\n"
    )
    code, out, err = run(capsys, db_url, "mail", "import", str(mbox))
    assert (code, err) == (0, "")
    assert out == "read 2, exchanges added 1, already known 0, not about a contact 1\n"
    code, out, _ = run(capsys, db_url, "mail", "import", str(mbox))
    assert out == "read 2, exchanges added 0, already known 1, not about a contact 1\n"
    code, _, err = run(capsys, db_url, "mail", "import", str(tmp_path / "nothing"))
    assert code == 2 and "nothing" in err
