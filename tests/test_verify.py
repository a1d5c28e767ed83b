"""The public verification page (/verify/<code>): anyone holding a printout can check that it is
genuine and current — valid, superseded by a correction (with a link to the current version) or
cancelled — and sees masked data only."""

from __future__ import annotations

import datetime
import doctest
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import actor, hire

TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)


def code_of(filing) -> str:
    from app.services.documents import queue as doc_queue

    return doc_queue.request_document(filing).verification_code


@pytest.fixture
def filed(app, known):
    """A filed hire and its verification code (the document need not be rendered yet)."""
    with app.app_context():
        filing = hire(known["unit_in"])
        return {"id": filing.id, "code": code_of(filing), "receipt": filing.receipt_number,
                "citizen_id": filing.person_citizen_id, "name": filing.person_name,
                "unit": filing.unit.name}


def page(app, code):
    response = app.test_client().get(f"/verify/{code}")
    return response, response.get_data(as_text=True)


def state_of(html: str) -> str:
    match = re.search(r'id="verify-result" data-state="(\w+)"', html)
    return match.group(1) if match else ""


def test_a_valid_document_says_valid_without_login(app, filed):
    response, html = page(app, filed["code"])
    assert response.status_code == 200
    assert state_of(html) == "VALID" and "有效" in html
    assert filed["receipt"] in html and filed["unit"] in html
    assert "录用备案登记表" in html


def test_the_page_shows_masked_data_only(app, filed):
    _, html = page(app, filed["code"])
    number = filed["citizen_id"]
    assert number not in html
    assert number[:6] + "*" * 8 + number[-4:] in html
    assert number[6:14] not in html                  # the birth date is masked too
    assert "张*" in html and filed["name"] not in html


def test_the_code_may_be_typed_in_lower_case_with_dashes(app, filed):
    code = filed["code"]
    typed = "-".join(code[i:i + 4] for i in range(0, 12, 4)).lower()
    response = app.test_client().get(f"/verify/?code={typed}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{code}")
    assert state_of(page(app, typed)[1]) == "VALID"


def test_the_verification_form_is_public(app):
    response = app.test_client().get("/verify/")
    assert response.status_code == 200
    assert 'name="code"' in response.get_data(as_text=True)


def test_after_a_correction_the_old_printout_says_superseded_and_points_to_the_new(app, filed):
    from app.extensions import db
    from app.models.filings import Filing
    from app.services import filings as fs

    with app.app_context():
        new = fs.correct(filed["id"], actor("city"), {"job_title": "焊工"}, "岗位填写错误，按合同更正")
        new_code = code_of(db.session.get(Filing, new.id))
        new_receipt = new.receipt_number
    response, html = page(app, filed["code"])
    assert response.status_code == 200
    assert state_of(html) == "SUPERSEDED" and "已被更正" in html
    link = re.search(r'<a href="([^"]+)" id="current-version"', html)
    assert link and link.group(1).endswith(f"/verify/{new_code}")
    assert new_receipt in html
    assert state_of(page(app, new_code)[1]) == "VALID"


def test_the_current_version_gets_a_code_even_if_nobody_printed_it_yet(app, filed):
    from app.models.documents import Document
    from app.services import filings as fs

    with app.app_context():
        from app.extensions import db

        new = fs.correct(filed["id"], actor("city"), {"job_title": "钳工"}, "岗位更正")
        new_id = new.id
        assert db.session.scalar(select(Document).where(Document.filing_id == new_id)) is None
    _, html = page(app, filed["code"])
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.filing_id == new_id))
        assert document is not None
        assert f"/verify/{document.verification_code}" in html


def test_a_cancelled_filing_says_cancelled(app, filed):
    from app.services import filings as fs

    with app.app_context():
        fs.cancel(filed["id"], actor("city"), "重复录入，撤销本次备案")
    response, html = page(app, filed["code"])
    assert response.status_code == 200
    assert state_of(html) == "CANCELLED" and "已撤销" in html
    assert filed["citizen_id"] not in html


@pytest.mark.parametrize("code", ["3479ACDEFGHJ", "not-a-code", "0000-0000-0000",
                                  "x" * 40, "34A9CDEFGHJK'--"])
def test_an_unknown_code_says_not_found(app, code):
    response, html = page(app, code)
    assert response.status_code == 404
    assert state_of(html) == "NOT_FOUND" and "未找到" in html


def test_unknown_and_malformed_codes_get_the_same_page(app):
    _, unknown = page(app, "3479ACDEFGHJ")
    _, malformed = page(app, "zzz")
    strip = re.compile(r'value="[^"]*"|csrf_token[^>]*|<title>.*?</title>', re.S)
    result = re.compile(r'<div class="alert alert-danger" id="verify-result".*?</div>', re.S)
    assert result.search(unknown).group(0) == result.search(malformed).group(0)
    assert strip.sub("", unknown).count("未找到") == strip.sub("", malformed).count("未找到")


def test_verification_codes_are_random_and_unambiguous(app, known):
    from app.domain.documents import CODE_ALPHABET, CODE_LENGTH

    with app.app_context():
        codes = {code_of(hire(known["unit_in"])) for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("0O1IL5S2Z8B")


def test_mask_name_doctests():
    from app.domain import documents

    assert doctest.testmod(documents).failed == 0


@given(st.text(alphabet="34679ACDEFGHJKMNPQRTWXY", min_size=12, max_size=12),
       st.sampled_from(["", "-", " "]), st.booleans())
def test_a_printed_code_typed_back_in_any_case_or_grouping_is_the_same_code(code, sep, lower):
    from app.domain.documents import format_code, normalise_code

    typed = format_code(code).replace("-", sep)
    assert normalise_code(typed.lower() if lower else typed) == code


@given(st.text(max_size=20))
def test_normalise_code_never_accepts_what_is_not_a_code(text):
    from app.domain.documents import CODE_ALPHABET, CODE_LENGTH, normalise_code

    code = normalise_code(text)
    assert code is None or (len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET))
