"""The filing lists' read layer: keyset pages follow each other without gaps or repeats and
agree with numbered pages; counts stop at their cap; a cursor we did not make is refused."""

from __future__ import annotations

import pytest


@pytest.fixture
def filed(app, snapshot):
    """Three hires at the employer's unit, so every list below has more than two rows (made
    once; each test starts from the database holding them)."""
    return snapshot("test_filing_queries.filed", lambda: _filed(app))


def _filed(app):
    import datetime

    from app.domain.identifiers import make_citizen_id
    from app.extensions import appbuilder, db
    from app.services import filings as fs
    from tests.test_api_support import known_ids

    unit = known_ids(app)["unit_in"]
    with app.app_context():
        actor = fs.Actor.of(appbuilder.sm.find_user(username="employer"))
        for n in range(3):
            fs.submit(fs.HireInput(
                unit_id=unit, citizen_id=make_citizen_id(
                    "320213", datetime.date(1957, 2, 1) + datetime.timedelta(days=n * 11), 950 + n),
                name=f"查询测试{n}", start_date=datetime.date.today(),
                contract_end=datetime.date.today() + datetime.timedelta(days=700)), actor)
        db.session.remove()


@pytest.fixture
def ctx(app, filed):
    with app.app_context():
        yield
        from app.extensions import db

        db.session.rollback()


def test_keyset_pages_walk_the_list_like_numbered_pages(ctx):
    from app.queries.filings import list_filings
    from app.queries.jurisdiction import Jurisdiction

    city = Jurisdiction("all")
    numbered = [f.id for n in (1, 2, 3) for f in list_filings(city, page=n, size=2).items]
    walked, cursor = [], ""
    for _ in range(3):
        page = list_filings(city, size=2, cursor=cursor)
        walked += [f.id for f in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert walked == numbered and len(set(walked)) == len(walked)
    assert walked == sorted(walked, reverse=True)


def test_a_count_stops_at_its_cap_and_says_so(ctx):
    from app.queries.filings import list_filings
    from app.queries.jurisdiction import Jurisdiction

    exact = list_filings(Jurisdiction("all"), size=1).count
    assert exact > 2
    capped = list_filings(Jurisdiction("all"), size=1, count_cap=2)
    assert (capped.count, capped.count_is_capped, capped.count_label) == (2, True, "2+")
    whole = list_filings(Jurisdiction("all"), size=1, count_cap=exact)
    assert (whole.count, whole.count_is_capped) == (exact, False)


def test_the_jurisdiction_is_applied_once_for_every_list(ctx):
    from app.queries.filings import FilingFilter, list_filings
    from app.queries.jurisdiction import Jurisdiction

    nowhere = list_filings(Jurisdiction("none"), FilingFilter(), size=5)
    assert nowhere.items == [] and nowhere.count == 0


def test_a_forged_cursor_is_refused():
    from app.queries.page import decode_cursor

    with pytest.raises(ValueError):
        decode_cursor("not a cursor!")
