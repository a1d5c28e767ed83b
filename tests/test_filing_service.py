"""The filing use cases against a real database: every rule reached through the service layer,
one transaction per use case, nothing half-written on error."""

from __future__ import annotations

import datetime
import itertools
import threading

import pytest
from sqlalchemy import func, select

from app.domain.errors import DomainError
from app.domain.filings import EmploymentStatus, FilingStatus
from app.domain.identifiers import make_citizen_id, make_credit_code
from tests.factories import actor, hire
from tests.factories import unit as new_unit

_seq = itertools.count(300)
TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)


def fresh_id(birth=datetime.date(1992, 3, 4)):
    return make_citizen_id("320213", birth, next(_seq))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def terminate(filing, reason="A37", who="city", end=TODAY, attachments=()):
    from app.services import filings as fs

    return fs.submit(fs.TerminationInput(filing.employment_id, end, reason), actor(who),
                     attachments=list(attachments)).filing


PDF = ("plan.pdf", "application/pdf", b"%PDF-1.4 minimal")


def upload(name, kind, data):
    from app.services.filings import Upload

    return Upload(name, kind, data)


def count(model):
    from app.extensions import db

    return db.session.scalar(select(func.count(model.id)))


# -- hire ---------------------------------------------------------------------------------------

def test_a_hire_with_nothing_to_review_is_filed_at_once(ctx):
    from app.models.filings import Notice

    unit = new_unit()
    notices = count(Notice)
    filing = hire(unit)
    assert filing.status == FilingStatus.FILED
    assert filing.receipt_number.startswith("BA")
    assert filing.employment.status == EmploymentStatus.ACTIVE
    assert count(Notice) == notices + 1


def test_worker_under_16_on_start_date_is_refused_and_no_person_is_left_behind(ctx):
    from app.models.people import Person

    unit = new_unit()
    persons = count(Person)
    young = make_citizen_id("320213", TODAY - datetime.timedelta(days=15 * 365), next(_seq))
    with pytest.raises(DomainError) as info:
        hire(unit, citizen_id=young)
    assert info.value.code == "HIRE_UNDER_AGE"
    assert count(Person) == persons


def test_second_full_time_hire_is_flagged_as_multiple_employment(ctx):
    first = hire(new_unit())
    second = hire(new_unit(), citizen_id=first.person_citizen_id, name=first.person_name)
    assert second.is_multiple_employment
    assert second.status == FilingStatus.PENDING_REVIEW


def test_part_time_hire_alongside_full_time_is_not_multiple_employment(ctx):
    first = hire(new_unit())
    part = hire(new_unit(), citizen_id=first.person_citizen_id, name=first.person_name,
                employment_form_code="PT", hours_per_day=3, hours_per_week=15,
                contract_type_code="OPEN", contract_end=None)
    assert not part.is_multiple_employment and part.status == FilingStatus.FILED


def test_part_time_hours_over_the_limit_are_refused(ctx):
    with pytest.raises(DomainError) as info:
        hire(new_unit(), employment_form_code="PT", hours_per_day=5, hours_per_week=25)
    assert info.value.code == "PT_HOURS_DAY" and info.value.field == "hours_per_day"


def test_hire_filed_more_than_30_days_after_start_is_accepted_but_overdue(ctx):
    late = hire(new_unit(), start_date=TODAY - datetime.timedelta(days=31))
    on_time = hire(new_unit(), start_date=TODAY - datetime.timedelta(days=30))
    assert late.is_overdue and late.status == FilingStatus.FILED
    assert not on_time.is_overdue


def test_the_same_hire_twice_is_caught_as_a_duplicate(ctx):
    unit = new_unit()
    first = hire(unit)
    with pytest.raises(DomainError) as info:
        hire(unit, citizen_id=first.person_citizen_id, name=first.person_name)
    assert info.value.code == "HIRE_ALREADY_EMPLOYED"


def test_a_double_submitted_form_creates_one_filing(ctx):
    from app.models.filings import Filing
    from app.services import filings as fs

    unit = new_unit()
    data = fs.HireInput(unit_id=unit.id, citizen_id=fresh_id(), name="孙八", start_date=TODAY,
                        contract_end=FAR)
    before = count(Filing)
    first = fs.submit(data, actor("city"), idempotency_key="form-abc-1")
    again = fs.submit(data, actor("city"), idempotency_key="form-abc-1")
    assert first.created and not again.created
    assert again.filing.id == first.filing.id
    assert count(Filing) == before + 1


def test_an_idempotency_key_of_another_user_is_refused(ctx):
    from app.services import filings as fs

    unit = new_unit()
    data = fs.HireInput(unit_id=unit.id, citizen_id=fresh_id(), name="周九", start_date=TODAY,
                        contract_end=FAR)
    fs.submit(data, actor("city"), idempotency_key="form-shared-1")
    with pytest.raises(DomainError) as info:
        fs.submit(data, actor("admin"), idempotency_key="form-shared-1")
    assert info.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_name_not_matching_the_id_on_file_is_refused(ctx):
    first = hire(new_unit())
    with pytest.raises(DomainError) as info:
        hire(new_unit(), citizen_id=first.person_citizen_id, name="别人")
    assert info.value.code == "PERSON_NAME_MISMATCH" and info.value.field == "name"


def test_employer_cannot_file_for_another_unit(ctx):
    with pytest.raises(DomainError) as info:
        hire(new_unit(), by="employer")
    assert info.value.code == "UNIT_OUT_OF_JURISDICTION"


def test_street_staff_cannot_file_for_a_unit_outside_their_street(ctx):
    with pytest.raises(DomainError) as info:
        hire(new_unit(district="320211", street="320211001"), by="street")
    assert info.value.code == "UNIT_OUT_OF_JURISDICTION"


def test_a_pending_unit_cannot_file(ctx):
    from app.extensions import db
    from app.models.units import UnitStatus

    unit = new_unit()
    unit.status = UnitStatus.PENDING
    db.session.commit()
    with pytest.raises(DomainError) as info:
        hire(unit)
    assert info.value.code == "UNIT_NOT_ACTIVE"


def test_counter_filing_records_channel_and_office(ctx):
    from app.models.filings import Channel

    unit = new_unit()
    filing = hire(unit, by="street")
    assert filing.channel == Channel.COUNTER
    assert filing.office.name.endswith("崇安寺街道劳动保障所")


# -- renewal, transfer ----------------------------------------------------------------------------

def test_renewal_extends_the_contract(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    later = FAR + datetime.timedelta(days=365)
    renewal = fs.submit(fs.RenewalInput(filing.employment_id, "FIXED", contract_end=later),
                        actor("city")).filing
    assert renewal.status == FilingStatus.FILED
    assert filing.employment.contract_end == later


def test_renewal_must_end_later_than_the_old_contract(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    with pytest.raises(DomainError) as info:
        fs.submit(fs.RenewalInput(filing.employment_id, "FIXED",
                                  contract_end=FAR - datetime.timedelta(days=1)), actor("city"))
    assert info.value.code == "RENEWAL_END_NOT_LATER"


def test_renewing_an_ended_employment_is_refused(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    terminate(filing)
    with pytest.raises(DomainError) as info:
        fs.submit(fs.RenewalInput(filing.employment_id, "OPEN"), actor("city"))
    assert info.value.code == "RENEWAL_NOT_ACTIVE"


def test_transfer_moves_the_worker_atomically(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    sister = new_unit(district="320211", street="320211001")
    transfer = fs.submit(fs.TransferInput(filing.employment_id, sister.credit_code, TODAY,
                                          contract_end=FAR), actor("city")).filing
    assert transfer.status == FilingStatus.FILED
    assert filing.employment.status == EmploymentStatus.ENDED
    assert filing.employment.end_date == TODAY
    assert transfer.new_employment.unit_id == sister.id
    assert transfer.new_employment.start_date == TODAY


def test_transfer_to_a_unit_outside_the_city_is_refused(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    nanjing = make_credit_code("91320100MA1XXXXX1")
    with pytest.raises(DomainError) as info:
        fs.submit(fs.TransferInput(filing.employment_id, nanjing, TODAY, contract_end=FAR),
                  actor("city"))
    assert info.value.code == "TRANSFER_OUTSIDE_CITY"
    assert filing.employment.status == EmploymentStatus.ACTIVE


def test_a_failed_transfer_leaves_both_employments_as_they_were(ctx):
    from app.models.filings import Employment
    from app.services import filings as fs

    filing = hire(new_unit())
    sister = new_unit()
    employments = count(Employment)
    with pytest.raises(DomainError):  # fixed term without an end date: refused mid-way
        fs.submit(fs.TransferInput(filing.employment_id, sister.credit_code, TODAY,
                                   contract_end=None), actor("city"))
    assert count(Employment) == employments
    assert filing.employment.status == EmploymentStatus.ACTIVE


# -- termination ----------------------------------------------------------------------------------

def test_terminating_someone_not_employed_there_is_refused(ctx):
    filing = hire(new_unit())
    terminate(filing)
    with pytest.raises(DomainError) as info:
        terminate(filing)
    assert info.value.code == "TERMINATION_NOT_ACTIVE"


def test_termination_without_a_reason_is_refused(ctx):
    with pytest.raises(DomainError) as info:
        terminate(hire(new_unit()), reason=None)
    assert info.value.code == "TERMINATION_REASON_REQUIRED"


def test_termination_filed_more_than_15_days_after_the_end_is_overdue(ctx):
    filing = hire(new_unit(), start_date=TODAY - datetime.timedelta(days=100))
    done = terminate(filing, end=TODAY - datetime.timedelta(days=16))
    assert done.is_overdue and done.status == FilingStatus.FILED


def test_economic_layoff_needs_an_attachment_and_staff_review(ctx):
    unit = new_unit()
    for _ in range(25):  # a big enough workforce that one layoff is below the 10% threshold
        hire(unit)
    filing = hire(unit)
    with pytest.raises(DomainError) as info:
        terminate(filing, reason="A41")
    assert info.value.code == "TERMINATION_ATTACHMENT_REQUIRED"
    pending = terminate(filing, reason="A41", attachments=[upload(*PDF)])
    assert pending.status == FilingStatus.PENDING_REVIEW and pending.needs_attachment_review
    assert filing.employment.status == EmploymentStatus.ACTIVE  # not until approved


@pytest.mark.parametrize("name, kind, data, code", [
    ("x.exe", "application/octet-stream", b"MZ...", "ATTACHMENT_TYPE"),
    ("fake.pdf", "application/pdf", b"<html>not a pdf", "ATTACHMENT_TYPE"),
    ("big.pdf", "application/pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "ATTACHMENT_TOO_LARGE"),
])
def test_bad_attachments_are_refused_and_nothing_saved(ctx, name, kind, data, code):
    from app.models.filings import Filing, FilingAttachment

    filing = hire(new_unit())
    before = (count(Filing), count(FilingAttachment))
    with pytest.raises(DomainError) as info:
        terminate(filing, reason="A39_MISCONDUCT", attachments=[upload(name, kind, data)])
    assert info.value.code == code
    assert (count(Filing), count(FilingAttachment)) == before


def test_mass_termination_split_into_small_batches_still_needs_district_approval(ctx):
    unit = new_unit()
    staff = [hire(unit, start_date=TODAY - datetime.timedelta(days=25)) for _ in range(20)]
    # 10% of 20 = 2 employer-initiated terminations within 30 days.
    first = terminate(staff[0], reason="A40_3", end=TODAY - datetime.timedelta(days=10))
    assert first.status == FilingStatus.FILED and not first.needs_district_approval
    second = terminate(staff[1], reason="A40_3")
    assert second.needs_district_approval
    assert second.status == FilingStatus.PENDING_DISTRICT_APPROVAL


def test_worker_initiated_terminations_do_not_count_toward_mass_termination(ctx):
    unit = new_unit()
    staff = [hire(unit) for _ in range(10)]
    results = [terminate(person, reason="A37") for person in staff[:5]]
    assert all(r.status == FilingStatus.FILED for r in results)


# -- review --------------------------------------------------------------------------------------

def _pending_review():
    first = hire(new_unit())
    return hire(new_unit(), citizen_id=first.person_citizen_id, name=first.person_name)


def test_review_approves_and_files(ctx):
    from app.services import filings as fs

    pending = _pending_review()
    done = fs.approve(pending.id, actor("district"), expected_row_version=pending.row_version)
    assert done.status == FilingStatus.FILED and done.employment is not None


def test_return_needs_a_coded_reason_and_message_then_resubmit(ctx):
    from app.models.filings import Notice
    from app.services import filings as fs

    pending = _pending_review()
    with pytest.raises(DomainError) as info:
        fs.return_filing(pending.id, actor("district"), "R01", "")
    assert info.value.code == "RETURN_MESSAGE_REQUIRED"
    notices = count(Notice)
    returned = fs.return_filing(pending.id, actor("district"), "R02", "岗位填写有误")
    assert returned.status == FilingStatus.RETURNED
    assert count(Notice) == notices + 1
    again = fs.resubmit(returned.id, actor("city"), {"job_title": "操作工"}).filing
    assert again.status == FilingStatus.PENDING_REVIEW and again.job_title == "操作工"


def test_second_reviewer_with_a_stale_version_is_told_it_was_decided(ctx):
    from app.services import filings as fs

    pending = _pending_review()
    seen = pending.row_version
    fs.approve(pending.id, actor("district"), expected_row_version=seen)
    with pytest.raises(DomainError) as info:
        fs.return_filing(pending.id, actor("city"), "R01", "材料不全", expected_row_version=seen)
    assert info.value.code == "FILING_ALREADY_DECIDED"


def test_two_reviewers_deciding_at_once_one_wins(app):
    """Two threads, two sessions, the same filing: exactly one decision lands."""
    from app.extensions import db
    from app.models.filings import Filing
    from app.services import filings as fs

    with app.app_context():
        pending = _pending_review()
        pk, version = pending.id, pending.row_version
    outcomes, winners, barrier = [], [], threading.Barrier(2)

    def decide(username, fn):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                fn(pk, actor(username))
                outcomes.append("ok")
                winners.append(username)
            except DomainError as exc:
                outcomes.append(exc.code)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=("district", lambda i, a: fs.approve(
            i, a, expected_row_version=version))),
        threading.Thread(target=decide, args=("city", lambda i, a: fs.return_filing(
            i, a, "R01", "材料不全", expected_row_version=version))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["FILING_ALREADY_DECIDED", "ok"]
    expected = {"district": FilingStatus.FILED, "city": FilingStatus.RETURNED}[winners[0]]
    with app.app_context():
        assert db.session.get(Filing, pk).status == expected


def test_mass_termination_is_approved_only_by_the_units_district(ctx):
    from app.services import filings as fs

    unit = new_unit()
    staff = [hire(unit) for _ in range(5)]
    pending = terminate(staff[0], reason="A40_3")  # 1 of 5 = 20% ≥ 10%
    assert pending.status == FilingStatus.PENDING_DISTRICT_APPROVAL
    for who, code in (("street", "DISTRICT_APPROVAL_ONLY"), ("city", "DISTRICT_APPROVAL_ONLY"),
                      ("district2", "FILING_NOT_FOUND")):
        with pytest.raises(DomainError) as info:
            fs.approve(pending.id, actor(who))
        assert info.value.code == code, who
    done = fs.approve(pending.id, actor("district"))
    assert done.status == FilingStatus.FILED
    assert staff[0].employment.status == EmploymentStatus.ENDED


# -- corrections and cancellation -----------------------------------------------------------------

def test_city_corrects_an_id_number_and_the_history_keeps_both_versions(ctx):
    from app.models.audit import AuditLog
    from app.services import filings as fs

    filing = hire(new_unit())
    wrong = filing.person_citizen_id
    right = fresh_id(datetime.date(1992, 3, 5))
    new = fs.correct(filing.id, actor("city"), {"citizen_id": right}, "身份证号录入错误，经核对原件更正")
    assert filing.status == FilingStatus.SUPERSEDED
    assert new.status == FilingStatus.FILED and new.supersedes_id == filing.id
    assert new.person.citizen_id == right and new.person.birth_date == datetime.date(1992, 3, 5)
    from app.queries.filings import history

    assert [v.person_citizen_id for v in history(new)] == [wrong, right]
    from app.extensions import db

    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.object_id == str(new.id), AuditLog.action == "correct"))
    assert entry.before == {"citizen_id": wrong} and entry.after == {"citizen_id": right}


def test_street_staff_may_not_correct_an_id_number(ctx):
    from app.services import filings as fs

    filing = hire(new_unit(), by="street")
    with pytest.raises(DomainError) as info:
        fs.correct(filing.id, actor("street"), {"citizen_id": fresh_id()}, "录错")
    assert info.value.code == "CORRECTION_FIELD_NOT_ALLOWED"
    assert filing.status == FilingStatus.FILED


def test_a_correction_needs_a_reason(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    with pytest.raises(DomainError) as info:
        fs.correct(filing.id, actor("district"), {"start_date": TODAY - datetime.timedelta(1)},
                   "")
    assert info.value.code == "CORRECTION_REASON_REQUIRED"


def test_correcting_a_start_date_follows_to_the_employment(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    day = TODAY - datetime.timedelta(days=2)
    fs.correct(filing.id, actor("district"), {"start_date": day}, "入职日期以劳动合同为准")
    assert filing.employment.start_date == day


def test_cancelling_a_filed_termination_restores_the_employment(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    done = terminate(filing)
    fs.cancel(done.id, actor("district"), "单位误报")
    assert done.status == FilingStatus.CANCELLED and done.cancel_reason == "单位误报"
    assert filing.employment.status == EmploymentStatus.ACTIVE


def test_cancelling_a_hire_with_later_filings_is_refused(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    terminate(filing)
    with pytest.raises(DomainError) as info:
        fs.cancel(filing.id, actor("district"), "误报")
    assert info.value.code == "CANCEL_HAS_LATER_FILINGS"


def test_employers_cannot_cancel_a_filed_record(ctx):
    from app.extensions import appbuilder
    from app.services import filings as fs

    unit_id = appbuilder.sm.find_user(username="employer").unit_id
    from app.extensions import db
    from app.models.units import Unit

    filing = hire(db.session.get(Unit, unit_id), by="employer")
    with pytest.raises(DomainError) as info:
        fs.cancel(filing.id, actor("employer"), "不想要了")
    assert info.value.code == "CANCEL_NOT_ALLOWED"


def test_a_correction_obeys_the_same_rules_as_a_filing(ctx):
    from app.services import filings as fs

    filing = hire(new_unit())
    with pytest.raises(DomainError) as info:
        fs.correct(filing.id, actor("district"),
                   {"contract_end": filing.start_date - datetime.timedelta(days=1)}, "合同期限更正")
    assert info.value.code == "CONTRACT_END_BEFORE_START"
    assert filing.status == FilingStatus.FILED


def test_street_staff_cannot_cancel_a_filed_record(ctx):
    from app.services import filings as fs

    filing = hire(new_unit(), by="street")
    with pytest.raises(DomainError) as info:
        fs.cancel(filing.id, actor("street"), "误报")
    assert info.value.code == "CANCEL_NOT_ALLOWED"
    assert filing.status == FilingStatus.FILED
