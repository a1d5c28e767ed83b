"""Pure rules of the "1+3" services (app.domain.outreach, app.domain.outreach.markdown)."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import outreach as rules
from app.domain.errors import DomainError
from app.domain.outreach import DeskStatus, EventStatus, SignupStatus
from app.domain.outreach.markdown import (
    keywords,
    normalise,
    parse_front_matter,
    render_markdown,
    search_text,
)

T = datetime.datetime(2026, 12, 1, 14, 0)


def test_a_seat_while_seats_last_then_the_waiting_list():
    assert rules.place_for_signup(capacity=2, confirmed=0) == SignupStatus.CONFIRMED
    assert rules.place_for_signup(capacity=2, confirmed=1) == SignupStatus.CONFIRMED
    assert rules.place_for_signup(capacity=2, confirmed=2) == SignupStatus.WAITING


def test_the_earliest_waiting_signup_is_moved_up():
    rows = [(9, SignupStatus.WAITING), (4, SignupStatus.CANCELLED), (6, SignupStatus.WAITING),
            (2, SignupStatus.CONFIRMED)]
    assert rules.first_waiting(rows) == 6
    assert rules.first_waiting([(1, SignupStatus.CONFIRMED)]) is None


@given(st.integers(1, 50), st.integers(0, 80))
def test_seats_to_fill_never_overfills(capacity, confirmed):
    seats = rules.seats_to_fill(capacity=capacity, confirmed=confirmed)
    assert seats >= 0 and confirmed + seats <= max(capacity, confirmed)


def test_signup_after_the_deadline_is_refused():
    rules.check_signup_open(EventStatus.PUBLISHED, T, T)  # at the deadline: still open
    with pytest.raises(DomainError) as error:
        rules.check_signup_open(EventStatus.PUBLISHED, T, T + datetime.timedelta(minutes=1))
    assert error.value.code == "SIGNUP_DEADLINE_PASSED" and "截止" in error.value.message


def test_signup_for_a_cancelled_event_is_refused():
    with pytest.raises(DomainError) as error:
        rules.check_signup_open(EventStatus.CANCELLED, T, T - datetime.timedelta(days=1))
    assert error.value.code == "EVENT_CANCELLED"


def test_a_unit_signs_up_for_itself_only():
    rules.check_signup_for_own_unit(5, 5)
    for actor_unit, unit in ((5, 6), (None, 6)):
        with pytest.raises(DomainError) as error:
            rules.check_signup_for_own_unit(actor_unit, unit)
        assert error.value.code == "SIGNUP_OTHER_UNIT" and "本单位" in error.value.message


@pytest.mark.parametrize("changes, code", [
    ({"topic": " "}, "EVENT_TOPIC_REQUIRED"),
    ({"capacity": 0}, "EVENT_CAPACITY"),
    ({"capacity": None}, "EVENT_CAPACITY"),
    ({"signup_deadline": T + datetime.timedelta(hours=1)}, "EVENT_DEADLINE_AFTER_START"),
    ({"ends_at": T - datetime.timedelta(hours=1)}, "EVENT_END_BEFORE_START"),
    ({"venue": ""}, "EVENT_VENUE_REQUIRED"),
])
def test_event_values(changes, code):
    values = {"topic": "沙龙", "starts_at": T, "ends_at": None,
              "signup_deadline": T - datetime.timedelta(days=1), "capacity": 2, "venue": "3 楼"}
    rules.check_event_values(**values)
    with pytest.raises(DomainError) as error:
        rules.check_event_values(**{**values, **changes})
    assert error.value.code == code


@pytest.mark.parametrize("days, key", [(0, "d7"), (7, "d7"), (8, "d30"), (30, "d30"),
                                       (31, "d90"), (90, "d90"), (91, "older"), (900, "older")])
def test_case_age_buckets(days, key):
    today = datetime.date(2026, 12, 31)
    assert rules.age_bucket(today - datetime.timedelta(days=days), today).key == key


def test_city_reply_answers_a_case_and_a_district_reply_reopens_it():
    assert rules.status_after_post(DeskStatus.OPEN, by_city=True) == DeskStatus.ANSWERED
    assert rules.status_after_post(DeskStatus.ANSWERED, by_city=False) == DeskStatus.OPEN
    with pytest.raises(DomainError):
        rules.status_after_post(DeskStatus.CLOSED, by_city=True)


def test_only_an_answered_case_can_be_closed():
    rules.check_can_close(DeskStatus.ANSWERED)
    for status, code in ((DeskStatus.OPEN, "DESK_NOT_ANSWERED"),
                         (DeskStatus.CLOSED, "DESK_ALREADY_CLOSED")):
        with pytest.raises(DomainError) as error:
            rules.check_can_close(status)
        assert error.value.code == code


def test_visit_date_may_not_be_in_the_future():
    today = datetime.date(2026, 6, 1)
    with pytest.raises(DomainError) as error:
        rules.check_visit_values(visit_date=today + datetime.timedelta(days=1), people_met="x",
                                 problems="y", today=today)
    assert error.value.code == "VISIT_DATE_FUTURE"


def test_quarter_label_and_month_grid():
    assert rules.quarter_label(datetime.date(2026, 3, 31)) == "2026年第1季度"
    grid = rules.month_grid(2026, 2)
    assert grid[0][:6] == [None] * 6 and grid[0][6] == datetime.date(2026, 2, 1)
    assert sum(1 for week in grid for d in week if d) == 28


def test_out_of_jurisdiction_message_names_unit_and_area():
    error = rules.out_of_jurisdiction("登记走访记录", "某某公司", "梁溪区")
    assert error.code == "OUT_OF_JURISDICTION"
    assert "某某公司" in error.message and "梁溪区" in error.message


# -- Markdown -----------------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JavaScript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "![x](https://evil.example/p.png)",
    "![x](//evil.example/p.png)",
    "<svg onload=alert(1)>",
])
def test_hostile_markdown_renders_inert(source):
    html = render_markdown(source)
    assert "<script" not in html and "<iframe" not in html and "<svg" not in html
    assert not re.search(r'<a[^>]*href="(javascript|data):', html, re.IGNORECASE)
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html)  # escaped text like &lt;img … is inert
    assert "evil.example/p.png" not in html


def test_links_are_nofollow_and_local_images_stay():
    html = render_markdown("[官网](https://www.gov.cn) ![图](/static/outreach/manual/a.svg)")
    assert 'rel="nofollow noopener"' in html
    assert '<img src="/static/outreach/manual/a.svg" alt="图">' in html


def test_tables_keep_their_alignment_only():
    html = render_markdown("| a | b |\n|---|:-:|\n| 1 | 2 |")
    assert "<table" in html and 'style="text-align:center"' in html


def test_search_text_is_normalised():
    assert search_text("<p>ＡＰＩ 密钥</p>", "对接") == "api 密钥 对接"
    assert normalise("  E+17  ") == "e+17"
    assert keywords("  逾期   录用 ") == ["逾期", "录用"]


def test_front_matter_is_parsed_strictly():
    meta, body = parse_front_matter(
        "---\nkind: guide   # comment\nslug: hire-guide\ntitle: 录用\nfiling_type: HIRE\n"
        "order: 10\n---\n正文\n", "hire.md")
    assert meta == {"kind": "GUIDE", "slug": "hire-guide", "title": "录用",
                    "filing_type": "HIRE", "order": 10}
    assert body == "正文\n"
    for text in ("kind: faq\n", "---\nkind: faq\nslug: a-b\n",
                 "---\nkind: faq\nslug: a-b\ntitle: t\nauthor: x\n---\n",
                 "---\nkind: guide\nslug: a-b\ntitle: t\n---\n",
                 "---\nkind: blog\nslug: a-b\ntitle: t\n---\n",
                 "---\nkind: faq\nslug: A B\ntitle: t\n---\n"):
        with pytest.raises((ValueError, DomainError)):
            parse_front_matter(text, "x.md")
