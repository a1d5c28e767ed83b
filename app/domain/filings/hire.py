"""A hire (录用) registers a worker once per unit: the name matches the ID on file, the worker
is not already employed there, and the same hire is not filed twice."""

from __future__ import annotations

from app.domain.filings.errors import DUPLICATE_FILING, HIRE_ALREADY_EMPLOYED, UNIT_NOT_ACTIVE
from app.domain.shared_errors import PERSON_NAME_MISMATCH


def check_name_matches(name_on_file: str, name_given: str) -> None:
    """The name given for a citizen ID already registered is the registered one.

    >>> check_name_matches("张三", "张三")
    >>> try:
    ...     check_name_matches("张三", "张叁")
    ... except ValueError as error:
    ...     print(error.code)
    PERSON_NAME_MISMATCH
    """
    if name_on_file != name_given:
        raise PERSON_NAME_MISMATCH()


def check_not_already_employed(active_at_unit: bool) -> None:
    """A worker active at the unit is not hired there again (a renewal is filed instead)."""
    if active_at_unit:
        raise HIRE_ALREADY_EMPLOYED()


def check_no_duplicate_hire(live_receipt: str | None) -> None:
    """The same hire (person, unit, start date) is filed once: ``live_receipt`` is the receipt
    number of a live one, if any."""
    if live_receipt:
        raise DUPLICATE_FILING(
            field="citizen_id",
            detail=f"该劳动者在本单位同一入职日期的录用备案已存在（回执号 {live_receipt}），请勿重复提交。",
            detail_en="The same hire (person, unit, start date) was already filed.")


def check_unit_active(active: bool, status_label: str, *, receiving: bool = False) -> None:
    """A unit files (or receives a transfer) only once its account is approved."""
    if active:
        return
    if receiving:
        raise UNIT_NOT_ACTIVE(field="to_unit", detail="调入单位账户尚未审核通过，暂不能办理调动。",
                              detail_en="The receiving unit's account is not active.")
    raise UNIT_NOT_ACTIVE(
        detail=f"单位账户状态为“{status_label}”，审核通过后才能办理备案。请联系所在区经办机构。",
        detail_en="The unit's account is not active yet.")
