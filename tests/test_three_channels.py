"""One filing, three channels: the same hire (and the same termination) filed through the web
form (the employer portal), a spreadsheet (bulk upload) and the API gives the same filing, field
by field — only the channel differs. Each channel's record goes through the one input mapper of
its filing type (app.services.filings.inputs)."""

from __future__ import annotations

import datetime
import itertools
import uuid

import pytest
from sqlalchemy import select

from app.domain.identifiers import make_citizen_id
from tests.test_api_support import key_headers, new_key

TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)
_seq = itertools.count(900)

# What a filing says, channel aside.
FILING_FIELDS = (
    "filing_type", "status", "start_date", "end_date", "contract_type_code", "contract_start",
    "contract_end", "employment_form_code", "hours_per_day", "hours_per_week",
    "probation_months", "job_title", "note", "termination_reason_code", "is_overdue",
    "is_multiple_employment", "needs_attachment_review", "needs_district_approval",
    "unit_id", "office_id",
)
PERSON_FIELDS = ("phone", "education_code", "district_id")


def fresh_person() -> tuple[str, str]:
    n = next(_seq)
    birth = datetime.date(1956, 1, 1) + datetime.timedelta(days=n * 5)
    return make_citizen_id("320213", birth, n), f"三渠道{n}"


@pytest.fixture
def key(app, known_unit):
    return new_key(app, known_unit, by="employer", name="三渠道对照")


@pytest.fixture
def known_unit(app):
    from tests.test_api_support import known_ids

    return known_ids(app)["unit_in"]


def employer_actor(*, via=None):
    from app.extensions import appbuilder
    from app.services.filings import Actor

    return Actor.of(appbuilder.sm.find_user(username="employer"), via=via)


def filing_of(app, filing_id: int) -> dict:
    from app.extensions import db
    from app.models.filings import Filing

    with app.app_context():
        filing = db.session.get(Filing, filing_id)
        seen = {name: getattr(filing, name) for name in FILING_FIELDS}
        seen.update({f"person.{name}": getattr(filing.person, name) for name in PERSON_FIELDS})
        seen["receipt"] = bool(filing.receipt_number)
        seen["channel"] = filing.channel.name
        db.session.remove()
        return seen


def differences(a: dict, b: dict) -> dict:
    return {k: (a[k], b[k]) for k in a if k != "channel" and a[k] != b[k]}


# -- the three channels ---------------------------------------------------------------------

def by_web_form(app, client, path: str, data: dict) -> int:
    response = client.post(path, data={**data, "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def by_spreadsheet(app, unit: int, filing_type, row: dict) -> int:
    from app.extensions import db
    from app.models.bulk import BulkRow
    from app.models.filings import Channel
    from app.services.bulk.filing import request_filing
    from app.services.bulk.processing import process_batch
    from app.services.bulk.upload import upload_file
    from tests.test_bulk_helpers import row_errors, xlsx_of

    with app.app_context():
        batch, _ = upload_file(employer_actor(via=Channel.BULK), unit, filing_type,
                                    "rows.xlsx", xlsx_of(filing_type, [row]))
        batch = process_batch(batch.id)
        assert batch.invalid == 0, row_errors(batch.id)
        request_filing(employer_actor(via=Channel.BULK), batch.id, "all_or_nothing")
        batch = process_batch(batch.id)
        filing_id = db.session.scalar(select(BulkRow.filing_id).where(
            BulkRow.batch_id == batch.id))
        assert filing_id, (batch.status, batch.file_error_message)
        db.session.remove()
        return filing_id


def by_api(app, key: str, path: str, body: dict) -> int:
    response = app.test_client().post(path, json=body, headers=key_headers(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


# -- a hire ---------------------------------------------------------------------------------

def test_the_same_hire_through_form_spreadsheet_and_api_is_the_same_filing(
        app, client_for, key, known_unit):
    from app.domain.filings import FilingType

    common = {"phone": "13912345678", "start_date": TODAY.isoformat(),
              "contract_end": FAR.isoformat(), "job_title": "操作工", "note": ""}
    cid, name = fresh_person()
    web = by_web_form(app, client_for("employer"), "/portal/hire", {
        **common, "citizen_id": cid, "name": name, "education": "21",
        "employment_form": "FT", "contract_type": "FIXED"})
    cid, name = fresh_person()
    sheet = by_spreadsheet(app, known_unit, FilingType.HIRE, {
        **common, "citizen_id": cid, "name": name, "education": "大学本科毕业",
        "employment_form": "全日制", "contract_type": "固定期限劳动合同", "hours_per_day": "",
        "hours_per_week": "", "contract_start": "", "probation_months": ""})
    cid, name = fresh_person()
    api = by_api(app, key, "/api/v1/filing/hire", {
        **common, "citizen_id": cid, "name": name, "education": "21"})

    seen = {channel: filing_of(app, fid) for channel, fid in
            (("web", web), ("bulk", sheet), ("api", api))}
    assert seen["web"]["channel"] == "ONLINE" and seen["bulk"]["channel"] == "BULK"
    assert seen["api"]["channel"] == "API"
    assert differences(seen["web"], seen["api"]) == {}
    assert differences(seen["web"], seen["bulk"]) == {}


# -- a termination --------------------------------------------------------------------------

def _hired(app, unit: int) -> tuple[int, str, str]:
    """A worker hired at the unit: (employment id, citizen id, name)."""
    from app.services import filings as fs

    cid, name = fresh_person()
    with app.app_context():
        outcome = fs.submit(fs.HireInput(
            unit_id=unit, citizen_id=cid, name=name,
            start_date=TODAY - datetime.timedelta(days=400),
            contract_end=FAR), employer_actor())
        employment_id = outcome.filing.employment_id
        from app.extensions import db

        db.session.remove()
    return employment_id, cid, name


def test_the_same_termination_through_form_spreadsheet_and_api_is_the_same_filing(
        app, client_for, key, known_unit):
    from app.domain.filings import FilingType

    end = (TODAY - datetime.timedelta(days=3)).isoformat()
    employment, _, _ = _hired(app, known_unit)
    web = by_web_form(app, client_for("employer"), f"/portal/employments/{employment}/terminate",
                      {"end_date": end, "termination_reason": "A37", "note": ""})
    _, cid, name = _hired(app, known_unit)
    sheet = by_spreadsheet(app, known_unit, FilingType.TERMINATION, {
        "citizen_id": cid, "name": name, "end_date": end, "termination_reason": "A37",
        "note": ""})
    employment, _, _ = _hired(app, known_unit)
    api = by_api(app, key, "/api/v1/filing/termination",
                 {"employment_id": employment, "end_date": end, "termination_reason": "A37"})

    seen = {channel: filing_of(app, fid) for channel, fid in
            (("web", web), ("bulk", sheet), ("api", api))}
    assert differences(seen["web"], seen["api"]) == {}
    assert differences(seen["web"], seen["bulk"]) == {}
