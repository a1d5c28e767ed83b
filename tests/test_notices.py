"""Notices after commit: a use case only queues its notice; the scheduler's job delivers the
outbox with status, attempts, back-off, a lease and a final FAILED that staff see and can send
again; the HTTP SMS-gateway sender, against a local HTTP server."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.server
import importlib.util
import json
import logging
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests import factories as make
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-key"
PHONE = "13912345678"


class BrokenSender:
    """A gateway that is down."""

    sent: list[int] = []

    def send(self, notice):
        from app.services.notices.senders import SendFailed

        raise SendFailed("gateway down")


class CountingSender:
    sent: list[int] = []

    def send(self, notice):
        CountingSender.sent.append(notice.id)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def clock(monkeypatch):
    """The delivery's clock, moved by hand."""
    from app.services.notices import delivery

    state = SimpleNamespace(now=datetime.datetime.now().replace(microsecond=0)
                            + datetime.timedelta(hours=1))
    monkeypatch.setattr(delivery, "now", lambda: state.now)
    return state


def _queue(body="【用工备案】测试通知：您的备案已完成。", phone=PHONE, at_once=False) -> int:
    from app.services.notices import notify_person
    from app.services.transaction import transaction

    with transaction():
        notice = notify_person(SimpleNamespace(id=None, phone=phone), body, at_once=at_once)
    return notice.id


def _drain():
    """Deliver the template database's backlog (the demo's notices) first."""
    from app.services.notices.delivery import deliver_due

    while any(deliver_due(1000).values()):
        pass


def _notice(notice_id):
    from app.extensions import db
    from app.models.filings import Notice

    db.session.expire_all()
    return db.session.get(Notice, notice_id)


def _make_due(notice_id):
    """Bring a RETRY notice's next attempt forward to now."""
    from app.extensions import db
    from app.models.filings import Notice
    from app.services.transaction import transaction

    with transaction():
        db.session.execute(sa.update(Notice).where(Notice.id == notice_id)
                           .values(next_attempt_at=datetime.datetime(2000, 1, 1)))


# -- 1. the use case only queues -------------------------------------------------------------

def test_a_filing_only_queues_its_notice_and_a_broken_gateway_changes_nothing(ctx, app,
                                                                             monkeypatch):
    from app.domain.filings import FilingStatus
    from app.domain.notices import NoticeStatus
    from app.extensions import db
    from app.models.filings import Notice
    from app.services.notices.delivery import deliver_due

    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.BrokenSender")
    filing = make.hire(make.unit(), phone=PHONE)
    assert filing.status == FilingStatus.FILED
    notice = db.session.scalar(select(Notice).where(Notice.filing_id == filing.id))
    assert (notice.status, notice.attempts, notice.sent_at) == (NoticeStatus.QUEUED, 0, None)
    assert deliver_due()["retry"] >= 1
    notice = _notice(notice.id)
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.RETRY, 1,
                                                                   "gateway down")
    assert db.session.get(type(filing), filing.id).status == FilingStatus.FILED


def test_the_outbox_only_sender_marks_notices_sent_when_the_job_delivers_them(ctx, clock):
    from app.domain.notices import NoticeStatus
    from app.jobs.notices import deliver_notices

    notice_id = _queue()
    assert _notice(notice_id).status == NoticeStatus.QUEUED
    assert deliver_notices()["sent"] >= 1
    notice = _notice(notice_id)
    assert (notice.status, notice.attempts, notice.sent_at) == (NoticeStatus.SENT, 1, clock.now)
    assert deliver_notices()["sent"] == 0  # nothing is sent twice


# -- 2. delivery: claims, back-off, lease ------------------------------------------------------

def test_a_claim_is_won_once_and_a_lapsed_lease_is_taken_over_with_the_old_sender_fenced(
        ctx, app, clock):
    from app.domain.notices import NoticeStatus
    from app.services.notices import delivery

    _drain()
    notice_id = _queue()
    assert delivery.claim(notice_id) == 1
    assert delivery.claim(notice_id) is None  # a second scheduler does not get it
    assert _notice(notice_id).status == NoticeStatus.SENDING
    assert delivery.due_ids(100) == []
    clock.now += datetime.timedelta(seconds=app.config["BEIAN_NOTICE_LEASE_SECONDS"] + 1)
    assert delivery.due_ids(100) == [notice_id]
    assert delivery.claim(notice_id) == 2  # the first sender died: taken over
    assert delivery._record(notice_id, 1, status=NoticeStatus.SENT) is False  # too late
    assert delivery.deliver(notice_id, 2) == NoticeStatus.SENT
    assert _notice(notice_id).attempts == 2


class SlowCountingSender:
    sent: list[int] = []

    def send(self, notice):
        time.sleep(0.005)
        SlowCountingSender.sent.append(notice.id)


def test_two_schedulers_side_by_side_send_every_notice_once(app, monkeypatch):
    from app.services.notices.delivery import deliver_due

    with app.app_context():
        _drain()
        queued = [_queue(f"【用工备案】通知 {n}") for n in range(40)]
    monkeypatch.setattr(SlowCountingSender, "sent", [])
    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.SlowCountingSender")
    errors = []

    def scheduler():
        try:
            with app.app_context():
                deliver_due(100)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(SlowCountingSender.sent) == queued  # each once, none left


def test_failures_back_off_exponentially_then_fail(ctx, app, clock, monkeypatch):
    from app.domain.notices import NoticeStatus
    from app.services.notices.delivery import deliver_due

    _drain()
    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.BrokenSender")
    notice_id = _queue()
    waits = []
    for attempt in range(1, 7):
        assert deliver_due() == {"sent": 0, "retry": int(attempt < 6), "failed": int(attempt == 6)}
        notice = _notice(notice_id)
        assert notice.attempts == attempt
        if attempt < 6:
            assert notice.status == NoticeStatus.RETRY
            waits.append(int((notice.next_attempt_at - clock.now).total_seconds()))
            assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
            clock.now = notice.next_attempt_at
    assert waits == [30, 60, 120, 240, 480]
    notice = _notice(notice_id)
    assert (notice.status, notice.next_attempt_at, notice.last_error) == (
        NoticeStatus.FAILED, None, "gateway down")
    clock.now += datetime.timedelta(days=30)
    assert deliver_due()["failed"] == 0  # FAILED stays failed


def test_the_job_is_scheduled_every_notice_interval(app):
    from app.jobs import jobs
    from app.jobs.notices import DELIVER_JOB

    job = {j.name: j for j in jobs(app)}[DELIVER_JOB]
    assert job.every_seconds == app.config["BEIAN_NOTICE_EVERY_SECONDS"] == 10


def test_migration_0011_marks_sent_notices_sent_and_queues_the_rest():
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    spec = importlib.util.spec_from_file_location(
        "m0011", ROOT / "migrations" / "versions" / "0011_notice_delivery.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "CREATE TABLE notice (id INTEGER PRIMARY KEY, channel VARCHAR(16) NOT NULL, "
            "recipient VARCHAR(64) NOT NULL, body TEXT NOT NULL, created_at DATETIME NOT NULL, "
            "sent_at DATETIME, read_at DATETIME)"))
        conn.execute(sa.text(
            "INSERT INTO notice VALUES (1, 'sms', '1', 'a', '2026-01-01 08:00:00', "
            "'2026-01-01 08:00:05', NULL), (2, 'sms', '2', 'b', '2026-01-02 08:00:00', NULL, "
            "NULL)"))
        with Operations.context(MigrationContext.configure(conn)):
            migration.upgrade()
        rows = conn.execute(sa.text("SELECT id, status, attempts, next_attempt_at FROM notice "
                                    "ORDER BY id")).all()
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("notice")}
    assert [tuple(r) for r in rows] == [(1, "SENT", 0, None),
                                        (2, "QUEUED", 0, "2026-01-02 08:00:00")]
    assert "ix_notice_status_next_attempt" in indexes


def _body_of(filing_id) -> str:
    from app.extensions import db
    from app.models.filings import Notice

    return db.session.scalar(select(Notice.body).where(Notice.filing_id == filing_id))


# -- 5. links ----------------------------------------------------------------------------------

def test_links_in_notices_use_the_public_url(ctx, app, monkeypatch):
    from app.services.notices.outbox import public_link

    monkeypatch.setitem(app.config, "BEIAN_PUBLIC_URL", "https://beian.example.gov.cn/")
    assert public_link("/my/") == "https://beian.example.gov.cn/my/"
    filing = make.hire(make.unit(), phone=PHONE)
    assert "（https://beian.example.gov.cn/me/）" in _body_of(filing.id)
    monkeypatch.setitem(app.config, "BEIAN_PUBLIC_URL", "")
    assert public_link("/my/") == ""  # never a development host
    filing = make.hire(make.unit(), phone=PHONE)
    assert "http" not in _body_of(filing.id) and "请登录平台或联系经办机构" in _body_of(filing.id)
    source = (ROOT / "app" / "services" / "notices" / "outbox.py").read_text(encoding="utf-8")
    assert "localhost" not in source and "http://" not in source


# -- 6. one-time codes reach the outbox (and are sent) at once ------------------------------

def test_an_at_once_notice_is_sent_right_after_the_commit_and_a_failure_is_left_to_the_job(
        ctx, app, monkeypatch):
    from app.domain.notices import NoticeStatus

    monkeypatch.setattr(CountingSender, "sent", [])
    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.CountingSender")
    notice_id = _queue(at_once=True)
    assert CountingSender.sent == [notice_id]
    assert _notice(notice_id).status == NoticeStatus.SENT
    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.BrokenSender")
    notice_id = _queue(at_once=True)  # the use case still succeeds
    assert _notice(notice_id).status == NoticeStatus.RETRY


def test_a_rolled_back_use_case_sends_nothing(ctx, app, monkeypatch):
    from app.services.notices import notify_person
    from app.services.transaction import transaction

    monkeypatch.setattr(CountingSender, "sent", [])
    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.CountingSender")
    with pytest.raises(RuntimeError), transaction():
        notify_person(SimpleNamespace(id=None, phone=PHONE), "code 123456", at_once=True)
        raise RuntimeError("refused")
    assert CountingSender.sent == []


# -- 4. the HTTP SMS gateway -------------------------------------------------------------------

class Gateway:
    """An SMS gateway on 127.0.0.1: answers each POST from a script (200, 500, "slow"), and 401
    to a wrong signature; keeps what it received."""

    def __init__(self):
        self.script: list = []
        self.received: list[dict] = []
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Beian-Timestamp"]
                expected = hmac.new(SECRET.encode(), timestamp.encode() + b"\n" + body,
                                    hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(expected, self.headers["X-Beian-Signature"])
                gateway.received.append({"json": json.loads(body), "signed": signed,
                                         "key_id": self.headers["X-Beian-Key-Id"]})
                answer = gateway.script.pop(0) if gateway.script else 200
                if answer == "slow":
                    time.sleep(1.0)
                    answer = 200
                if not signed:
                    answer = 401
                try:
                    self.send_response(answer)
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(app, monkeypatch, clock):

    with app.app_context():
        _drain()  # the template's backlog, with the recording sender
    with Gateway() as gw:
        for name, value in {"BEIAN_NOTICE_SENDER": "app.services.notices.senders.HttpSmsSender",
                            "BEIAN_SMS_URL": gw.url, "BEIAN_SMS_KEY_ID": "beian-wx",
                            "BEIAN_SMS_SECRET": SECRET, "BEIAN_SMS_SIGN_NAME": "【无锡人社】",
                            "BEIAN_SMS_TIMEOUT_SECONDS": 0.3,
                            "BEIAN_NOTICE_MAX_ATTEMPTS": 3}.items():
            monkeypatch.setitem(app.config, name, value)
        yield gw


def test_the_gateway_receives_a_signed_sms(ctx, gateway, clock):
    from app.domain.notices import NoticeStatus
    from app.services.notices.delivery import deliver_due

    notice_id = _queue("【用工备案】张三您好：备案已完成。")
    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    (got,) = gateway.received
    assert got["signed"] and got["key_id"] == "beian-wx"
    assert got["json"]["phone"] == PHONE and got["json"]["signature"] == "【无锡人社】"
    assert got["json"]["text"] == "张三您好：备案已完成。"
    assert abs(int(got["json"]["timestamp"]) - time.time()) < 60
    assert _notice(notice_id).status == NoticeStatus.SENT


def test_a_500_is_retried_after_the_back_off_and_then_sent(ctx, gateway, clock):
    from app.domain.notices import NoticeStatus
    from app.services.notices.delivery import deliver_due

    gateway.script = [500]
    notice_id = _queue()
    assert deliver_due()["retry"] == 1
    notice = _notice(notice_id)
    assert (notice.status, notice.last_error) == (NoticeStatus.RETRY, "短信网关返回 HTTP 500")
    assert notice.next_attempt_at == clock.now + datetime.timedelta(seconds=30)
    clock.now += datetime.timedelta(seconds=30)
    assert deliver_due()["sent"] == 1
    notice = _notice(notice_id)
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.SENT, 2, None)
    assert len(gateway.received) == 2


def test_a_gateway_timeout_is_a_short_reason_without_the_message_or_the_phone(
        ctx, gateway, clock):
    from app.domain.notices import NoticeStatus
    from app.services.notices.delivery import deliver_due

    gateway.script = ["slow"]
    notice_id = _queue("【用工备案】验证码 987654")
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    delivery_log = logging.getLogger("app.services.notices.delivery")
    delivery_log.addHandler(handler)
    level, disabled = delivery_log.level, delivery_log.disabled
    delivery_log.setLevel(logging.INFO)
    delivery_log.disabled = False  # (the migrations' fileConfig disabled loggers of the session)
    started = time.monotonic()
    try:
        assert deliver_due()["retry"] == 1
    finally:
        delivery_log.removeHandler(handler)
        delivery_log.setLevel(level)
        delivery_log.disabled = disabled
    assert time.monotonic() - started < 1.0
    notice = _notice(notice_id)
    assert (notice.status, notice.last_error) == (NoticeStatus.RETRY, "短信网关 0.3 秒未应答")
    logged = "\n".join(lines)
    assert "987654" not in logged and PHONE not in logged and "139****5678" in logged


def test_a_wrong_signature_is_refused_until_the_notice_fails(ctx, app, gateway, clock,
                                                            monkeypatch):
    from app.domain.notices import NoticeStatus
    from app.services.notices.delivery import deliver_due

    monkeypatch.setitem(app.config, "BEIAN_SMS_SECRET", "not-the-secret")
    notice_id = _queue()
    for _ in range(3):
        deliver_due()
        notice = _notice(notice_id)
        if notice.next_attempt_at:
            clock.now = notice.next_attempt_at
    notice = _notice(notice_id)
    assert (notice.status, notice.attempts, notice.last_error) == (
        NoticeStatus.FAILED, 3, "短信网关返回 HTTP 401")
    assert len(gateway.received) == 3 and not any(r["signed"] for r in gateway.received)


def test_an_sms_without_a_phone_fails_at_once_and_portal_notices_need_no_gateway(
        ctx, gateway, clock):
    from app.domain.notices import NoticeStatus
    from app.services.notices import notify_unit
    from app.services.notices.delivery import deliver_due
    from app.services.transaction import transaction

    no_phone = _queue(phone="")
    with transaction():
        portal = notify_unit(SimpleNamespace(id=None, contact_phone=PHONE), "退回通知")
    portal = portal.id
    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 1}
    assert _notice(no_phone).status == NoticeStatus.FAILED
    assert _notice(portal).status == NoticeStatus.SENT
    assert gateway.received == []


# -- 3. staff see failed notices and send them again ---------------------------------------

def _failed_notice(app, monkeypatch) -> int:
    from app.services.notices.delivery import deliver_due

    with app.app_context():
        _drain()
        monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER", "tests.test_notices.BrokenSender")
        monkeypatch.setitem(app.config, "BEIAN_NOTICE_MAX_ATTEMPTS", 1)
        notice_id = _queue("【用工备案】失败的通知")
        deliver_due()
    monkeypatch.setitem(app.config, "BEIAN_NOTICE_SENDER",
                        "app.services.notices.senders.OutboxOnlySender")
    return notice_id


def test_staff_see_a_failed_notice_in_words_and_filter_failed_ones(app, client_for,
                                                                   monkeypatch):
    notice_id = _failed_notice(app, monkeypatch)
    page = client_for("city").get("/noticeview/list/?_flt_0_status=FAILED")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "发送失败" in text and "gateway down" in text and "失败的通知" in text
    assert "已发送" not in text  # only failed ones
    show = client_for("city").get(f"/noticeview/show/{notice_id}").get_data(as_text=True)
    assert "尝试次数" in show and "最近一次失败原因" in show


@pytest.mark.parametrize("role, status", [("city", 302), ("admin", 302), ("district", 403),
                                          ("employer", 403)])
def test_failed_notices_are_sent_again_by_city_staff_and_admin_only(app, monkeypatch, role,
                                                                    status):
    from app.domain.notices import NoticeStatus

    notice_id = _failed_notice(app, monkeypatch)
    client = login(app.test_client(), role)
    response = client.post("/noticeview/action_post", data={"action": "retry",
                                                            "rowid": [str(notice_id)]})
    assert response.status_code == status
    with app.app_context():
        notice = _notice(notice_id)
        assert notice.status == (NoticeStatus.QUEUED if status == 302 else NoticeStatus.FAILED)
        if status == 302:
            assert notice.attempts == 0
            from app.services.notices.delivery import deliver_due

            deliver_due()
            assert _notice(notice_id).status == NoticeStatus.SENT


def test_only_a_failed_notice_is_sent_again_and_only_in_the_jurisdiction(ctx):
    from app.domain.errors import DomainError
    from app.services.notices.delivery import retry_failed

    notice_id = _queue()
    with pytest.raises(DomainError) as refused:
        retry_failed(make.actor("city"), _notice(notice_id))
    assert refused.value.code == "NOTICE_NOT_FAILED"
    with pytest.raises(DomainError) as hidden:
        retry_failed(make.actor("street"), _notice(notice_id))  # to nobody of the street
    assert hidden.value.code == "NOTICE_NOT_FOUND"


def test_check_config_says_what_the_sms_gateway_lacks():
    from app.ops.checks import static_checks

    config = {"BEIAN_NOTICE_SENDER": "app.services.notices.senders.HttpSmsSender",
              "BEIAN_SMS_URL": "https://sms.example.cn/send", "BEIAN_SMS_KEY_ID": "k",
              "BEIAN_SMS_SECRET": "", "BEIAN_SMS_SIGN_NAME": "【无锡人社】"}
    (check,) = [c for c in static_checks(config) if c.name == "BEIAN_NOTICE_SENDER"]
    assert not check.ok and "BEIAN_SMS_SECRET" in check.detail
    config["BEIAN_SMS_SECRET"] = "s"
    (check,) = [c for c in static_checks(config) if c.name == "BEIAN_NOTICE_SENDER"]
    assert check.ok
    outbox_only = {"BEIAN_NOTICE_SENDER": "app.services.notices.senders.OutboxOnlySender"}
    assert not [c for c in static_checks(outbox_only) if c.name == "BEIAN_NOTICE_SENDER"]
