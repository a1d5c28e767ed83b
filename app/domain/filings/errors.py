"""The refusals of the four filings (备案), each code defined once. Codes several capabilities
share (FILING_NOT_FOUND, PERSON_NAME_MISMATCH, ATTACHMENT_TYPE …) are in app.domain.shared_errors.

A code with two wordings (one per situation) takes its text as ``detail``/``detail_en``."""

from __future__ import annotations

from app.domain.errors import Conflict, Forbidden, Invalid, define

# -- hire: age, contract, part-time ---------------------------------------------------------
HIRE_UNDER_AGE = define("HIRE_UNDER_AGE", Invalid, "{detail}", "{detail_en}", "start_date")
CONTRACT_TYPE_UNKNOWN = define(
    "CONTRACT_TYPE_UNKNOWN", Invalid,
    "劳动合同类型无效，请选择固定期限、无固定期限或以完成一定工作任务为期限。",
    "Unknown contract type; choose fixed-term, open-ended or task-based.", "contract_type")
CONTRACT_END_NOT_ALLOWED = define(
    "CONTRACT_END_NOT_ALLOWED", Invalid,
    "无固定期限劳动合同没有终止日期，请清空合同终止日期，或将合同类型改为固定期限。",
    "An open-ended contract has no end date; clear the contract end date or change the "
    "contract type to fixed-term.", "contract_end")
CONTRACT_END_REQUIRED = define(
    "CONTRACT_END_REQUIRED", Invalid, "固定期限劳动合同必须填写合同终止日期，请补填。",
    "A fixed-term contract needs an end date; fill it in.", "contract_end")
CONTRACT_END_BEFORE_START = define(
    "CONTRACT_END_BEFORE_START", Invalid,
    "合同终止日期（{end:%Y年%m月%d日}）早于起始日期（{start:%Y年%m月%d日}），请核对两个日期。",
    "The contract end date ({end}) is before its start date ({start}); check both dates.",
    "contract_end")
EMPLOYMENT_FORM_UNKNOWN = define(
    "EMPLOYMENT_FORM_UNKNOWN", Invalid, "用工形式无效，请选择全日制或非全日制。",
    "Unknown employment form; choose full-time or part-time.", "employment_form")
PT_HOURS_REQUIRED = define(
    "PT_HOURS_REQUIRED", Invalid, "非全日制用工必须填写{label}（小时），请补填。",
    "Part-time work needs the hours per {unit_en}; fill them in.")
_PT_LIMIT_ZH = ("非全日制用工{label}应大于0且不超过{limit}小时（劳动合同法第六十八条），"
                "填写的是{value}小时。超过的请按全日制用工备案，或更正工作时间。")
_PT_LIMIT_EN = ("Part-time hours per {unit_en} must be more than 0 and at most {limit} "
                "(Labour Contract Law Art. 68); {value} given. File longer hours as full-time "
                "or correct the hours.")
PT_HOURS_DAY = define("PT_HOURS_DAY", Invalid, _PT_LIMIT_ZH, _PT_LIMIT_EN, "hours_per_day")
PT_HOURS_WEEK = define("PT_HOURS_WEEK", Invalid, _PT_LIMIT_ZH, _PT_LIMIT_EN, "hours_per_week")
PT_NO_PROBATION = define(
    "PT_NO_PROBATION", Invalid,
    "非全日制用工双方当事人不得约定试用期（劳动合同法第七十条），请清空试用期。",
    "Part-time work may not have a probation period (Labour Contract Law Art. 70); "
    "clear the probation period.", "probation_months")
HIRE_ALREADY_EMPLOYED = define(
    "HIRE_ALREADY_EMPLOYED", Conflict,
    "该劳动者已在本单位在职，无需重复录用。如合同到期请办理合同续订备案。",
    "This person is already employed at this unit.", "citizen_id")
DUPLICATE_FILING = define("DUPLICATE_FILING", Conflict, "{detail}", "{detail_en}")
UNIT_NOT_ACTIVE = define("UNIT_NOT_ACTIVE", Invalid, "{detail}", "{detail_en}", "unit")

# -- renewal, termination, transfer ---------------------------------------------------------
_NOT_ACTIVE_ZH = ("该用工记录已终止，不能{what}。请核对劳动者和用人单位；劳动者如已重新入职，"
                  "请在新的用工记录上办理。")
_NOT_ACTIVE_EN = ("This employment has ended and cannot be {what_en}. Check the worker and the "
                  "unit; if the worker was hired again, use the new employment.")
RENEWAL_NOT_ACTIVE = define("RENEWAL_NOT_ACTIVE", Invalid, _NOT_ACTIVE_ZH, _NOT_ACTIVE_EN,
                            "employment")
TERMINATION_NOT_ACTIVE = define("TERMINATION_NOT_ACTIVE", Invalid, _NOT_ACTIVE_ZH,
                                _NOT_ACTIVE_EN, "employment")
TRANSFER_NOT_ACTIVE = define("TRANSFER_NOT_ACTIVE", Invalid, _NOT_ACTIVE_ZH, _NOT_ACTIVE_EN,
                             "employment")
RENEWAL_END_NOT_LATER = define("RENEWAL_END_NOT_LATER", Invalid, "{detail}", "{detail_en}",
                               "contract_end")
TERMINATION_REASON_REQUIRED = define(
    "TERMINATION_REASON_REQUIRED", Invalid, "{detail}", "{detail_en}", "termination_reason")
TERMINATION_END_REQUIRED = define(
    "TERMINATION_END_REQUIRED", Invalid, "请填写解除或终止劳动合同的日期。",
    "Fill in the date the employment ends.", "end_date")
TERMINATION_END_BEFORE_START = define(
    "TERMINATION_END_BEFORE_START", Invalid, "{detail}", "{detail_en}", "end_date")
TERMINATION_ATTACHMENT_REQUIRED = define(
    "TERMINATION_ATTACHMENT_REQUIRED", Invalid,
    "以“{reason}”（{article}）为由退工须上传证明材料，请上传{doc}。",
    "A termination for this reason ({code}) needs supporting documents; upload {doc_en}.",
    "attachments")
TRANSFER_SAME_UNIT = define(
    "TRANSFER_SAME_UNIT", Invalid, "调入单位与调出单位相同，请选择另一家调入单位。",
    "The receiving unit is the same as the current one; choose another unit.", "to_unit")
TRANSFER_OUTSIDE_CITY = define("TRANSFER_OUTSIDE_CITY", Invalid, "{detail}", "{detail_en}",
                               "to_unit")
TRANSFER_UNIT_UNKNOWN = define(
    "TRANSFER_UNIT_UNKNOWN", Invalid,
    "调入单位尚未在本平台开户。请调入单位先开户注册，审核通过后再办理调动。",
    "The receiving unit has no account on the platform yet.", "to_unit")
TRANSFER_BEFORE_START = define(
    "TRANSFER_BEFORE_START", Invalid, "调动日期早于该职工在调出单位的入职日期，请核对。",
    "The transfer date is before the employment started.", "transfer_date")

# -- workflow -------------------------------------------------------------------------------
FILING_BAD_TRANSITION = define(
    "FILING_BAD_TRANSITION", Conflict, "备案当前状态为“{status}”，不能执行“{action}”操作。{hint}",
    "The filing is {status_en}; {action_en} is not possible. {hint_en}", "status")
RETURN_REASON_REQUIRED = define(
    "RETURN_REASON_REQUIRED", Invalid, "退回备案必须选择退回原因。",
    "Choose a reason for returning the filing.", "return_reason")
RETURN_REASON_UNKNOWN = define(
    "RETURN_REASON_UNKNOWN", Invalid, "退回原因代码无效，请从列表中选择退回原因。",
    "Unknown return reason; choose one from the list.", "return_reason")
RETURN_MESSAGE_REQUIRED = define(
    "RETURN_MESSAGE_REQUIRED", Invalid, "退回备案必须填写说明，告诉申报单位需要补正的内容。",
    "Write a message telling the filer what to correct.", "return_message")
CANCELLATION_REASON_REQUIRED = define(
    "CANCELLATION_REASON_REQUIRED", Invalid, "撤销备案必须填写撤销原因。",
    "Give a reason for cancelling the filing.", "cancel_reason")
FILING_ALREADY_DECIDED = define(
    "FILING_ALREADY_DECIDED", Conflict,
    "该备案刚刚已由其他经办人处理，您看到的已不是最新状态。请刷新页面查看处理结果。",
    "Another reviewer decided this filing first; reload to see the result.")
FILING_NOT_RETURNED = define(
    "FILING_NOT_RETURNED", Conflict, "只有被退回的备案可以修改后重新提交。",
    "Only returned filings can be resubmitted.")
FIELD_NOT_EDITABLE = define(
    "FIELD_NOT_EDITABLE", Invalid, "重新提交时不能修改“{name}”。",
    "{name} cannot be changed on resubmission.")
REVIEW_NOT_ALLOWED = define(
    "REVIEW_NOT_ALLOWED", Forbidden, "只有经办机构人员可以审核备案。",
    "Only staff may review filings.")
CANCEL_NOT_ALLOWED = define(
    "CANCEL_NOT_ALLOWED", Forbidden,
    "已备案的记录须由区级或市级经办机构撤销。请联系经办机构并说明原因。",
    "Filed records are cancelled by district or city staff.")
CANCEL_HAS_LATER_FILINGS = define(
    "CANCEL_HAS_LATER_FILINGS", Conflict,
    "该劳动关系之后还有其他备案（续订、调动或退工）。请先撤销之后的备案，再撤销本备案。",
    "Later filings depend on this one; cancel them first.")
ATTACHMENT_EMPTY = define("ATTACHMENT_EMPTY", Invalid, "附件“{filename}”是空文件。",
                          "Empty attachment.", "attachments")

# -- corrections ----------------------------------------------------------------------------
CORRECTION_NOTHING_CHANGED = define(
    "CORRECTION_NOTHING_CHANGED", Invalid, "没有修改任何内容，无需提交更正。",
    "Nothing was changed; there is no correction to submit.")
CORRECTION_FIELD_NOT_ALLOWED = define(
    "CORRECTION_FIELD_NOT_ALLOWED", Invalid,
    "{level}经办机构不能修改“{label}”，该项须由{who}修改。请撤回对该项的修改，或报请有权限的经办机构更正。",
    "A {level_en} office may not correct {name}; that takes a {who_en}. Undo that change or ask "
    "an office with the right.")
CORRECTION_REASON_REQUIRED = define(
    "CORRECTION_REASON_REQUIRED", Invalid, "更正数据必须填写更正原因。",
    "Give a reason for the correction.", "correction_reason")
CORRECTION_NOT_ALLOWED = define(
    "CORRECTION_NOT_ALLOWED", Forbidden, "只有经办机构人员可以更正已备案的数据。",
    "Only staff may correct filed data.")
CORRECTION_FIELD_UNKNOWN = define(
    "CORRECTION_FIELD_UNKNOWN", Invalid, "不能更正字段：{names}。", "Unknown correction fields.")

# -- receipts -------------------------------------------------------------------------------
RECEIPT_NUMBER_FORMAT = define(
    "RECEIPT_NUMBER_FORMAT", Invalid,
    "回执编号格式不正确：应为“BA”加8位日期、6位地区代码和6位序号，共22位，"
    "例如BA20240615320583000042。请核对回执上的编号。",
    "The receipt number should be 'BA' followed by an 8-digit date, a 6-digit region code "
    "and a 6-digit serial (22 characters), e.g. BA20240615320583000042; check the receipt.",
    "receipt_number")
FIELD_FORMAT = define("FIELD_FORMAT", Invalid, "“{label}”不是有效的{what}，请重新填写。",
                      "{name} is not a valid {what}.")
CORRECTION_RULE_DUPLICATE = define(
    "CORRECTION_RULE_DUPLICATE", Conflict, "该级别对该字段的更正口径已存在。",
    "This rule already exists.")
