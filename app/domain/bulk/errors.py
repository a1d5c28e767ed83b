"""The refusals of bulk filing (批量导入备案), each code defined once. A code whose wording
depends on where it is refused (a file or an API body, before or during filing) takes the
whole message as a parameter."""

from __future__ import annotations

from app.domain.errors import Conflict, DomainError, Invalid, NotFound, TooLarge, define
from app.domain.shared_errors import EMPLOYMENT_NOT_FOUND

# -- the file ---------------------------------------------------------------------------------
BULK_FILE_MISSING = define(
    "BULK_FILE_MISSING", Invalid, "请选择要上传的文件（.xlsx 或 .csv）。",
    "Choose a file to upload (.xlsx or .csv).", "file")
BULK_FILE_EMPTY = define(
    "BULK_FILE_EMPTY", Invalid, "上传的文件是空的。请选择填好的 Excel（.xlsx）或 CSV 文件。",
    "The file is empty.", "file")
BULK_FILE_OLD_EXCEL = define(
    "BULK_FILE_OLD_EXCEL", Invalid,
    "这是旧版 Excel 97–2003 文件（.xls）或其他 Office 文件，不能直接导入。请在 Excel 或 WPS 中"
    "“另存为”Excel 工作簿（.xlsx）后重新上传，或直接使用下载的模板。",
    "Old .xls files are not supported; save as .xlsx.", "file")
BULK_FILE_TYPE = define(
    "BULK_FILE_TYPE", Invalid,
    "不支持“{ext}”类型的文件。请上传 Excel 工作簿（.xlsx）或 CSV 文件（可用下载的模板填写）。",
    "Only .xlsx and .csv files are accepted.", "file")
BULK_FILE_RENAMED = define(
    "BULK_FILE_RENAMED", Invalid, "文件扩展名为“{ext}”，但内容{content}。{fix}", "{message_en}",
    "file")
BULK_FILE_DAMAGED = define(
    "BULK_FILE_DAMAGED", Invalid,
    "文件已损坏{how}。请在 Excel 或 WPS 中打开确认后重新保存、上传。", "The workbook {problem_en}.",
    "file")
BULK_FILE_ZIP_BOMB = define(
    "BULK_FILE_ZIP_BOMB", Invalid,
    "文件解压后异常巨大（压缩比异常），可能是恶意构造的压缩文件，已拒绝处理。"
    "请上传用模板正常填写的 Excel 工作簿；数据很多时请分成几个文件上传。",
    "The workbook decompresses to an abnormal size (zip bomb).", "file")
BULK_FILE_TOO_LARGE = define(
    "BULK_FILE_TOO_LARGE", TooLarge,
    "文件超过 {megabytes} MB。请删除多余的工作表、图片和格式，或把数据分成几个文件上传。",
    "The file is too large.", "file")
BULK_CSV_ENCODING = define(
    "BULK_CSV_ENCODING", Invalid,
    "无法识别 CSV 文件的文字编码（既不是 UTF-8 也不是 GBK/GB18030）。请在 Excel 中"
    "“另存为 → CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 文件。",
    "Unknown CSV encoding; save as CSV UTF-8.", "file")
BULK_CSV_FORMAT = define(
    "BULK_CSV_FORMAT", Invalid,
    "CSV 文件格式有误（{detail}），可能有未配对的引号。请在 Excel 中打开后另存为 CSV UTF-8 再上传。",
    "Malformed CSV.", "file")
BULK_MERGED_CELLS = define(
    "BULK_MERGED_CELLS", Invalid,
    "工作表“{sheet}”含有合并单元格（{ranges}）。合并单元格只有第一格有内容，会导致数据错位。"
    "请全选表格后“取消合并单元格”，并在每个单元格中填写完整内容，再重新上传。",
    "The sheet has merged cells; unmerge them.", "file")

# -- the header row ---------------------------------------------------------------------------
BULK_COLUMN_DUPLICATE = define(
    "BULK_COLUMN_DUPLICATE", Invalid, "列“{label}”在标题行中出现了两次。请删除多余的一列后重新上传。",
    "The column '{key}' appears twice in the header row.", "file")
BULK_COLUMN_MISSING = define(
    "BULK_COLUMN_MISSING", Invalid,
    "文件缺少以下列：{labels}。请使用{kind}备案模板，不要删除或改名模板中的列（列的顺序可以调整）。",
    "Missing columns: {keys}.", "file")
BULK_HEADER_NOT_FOUND = define(  # a header row of another template, or an empty file
    "BULK_HEADER_NOT_FOUND", Invalid, "{message}", "{message_en}", "file")

# -- cells (the message names the column by its header) --------------------------------------
BULK_FORMULA = define(
    "BULK_FORMULA", Invalid,
    "“{header}”：单元格是公式（{text}），不能导入。请复制该列后用“选择性粘贴 → 数值”粘贴为数值，再重新上传。",
    "{key}: the cell holds a formula; paste it as values.")
BULK_DATE_FORMAT = define(
    "BULK_DATE_FORMAT", Invalid, "“{header}”：“{text}”不是有效日期。请按“年-月-日”填写，例如 2026-03-01。",
    "{key}: not a date; write it as 2026-03-01.")
BULK_NUMBER_FORMAT = define(
    "BULK_NUMBER_FORMAT", Invalid, "“{header}”：“{text}”不是数字，请填写数字，例如 3.5。",
    "{key}: not a number.")
BULK_INTEGER_FORMAT = define(
    "BULK_INTEGER_FORMAT", Invalid, "“{header}”：“{text}”不是整数，请填写整数，例如 3。",
    "{key}: not a whole number.")
BULK_CODE_UNKNOWN = define(
    "BULK_CODE_UNKNOWN", Invalid, "“{header}”：“{text}”不是可选的值。请从下拉列表中选择：{choices}。",
    "{key}: '{text}' is not one of the allowed values.")
BULK_TEXT_TOO_LONG = define(
    "BULK_TEXT_TOO_LONG", Invalid,
    "“{header}”：内容过长（{length} 个字），最多 {max_length} 个字，请精简。",
    "{key}: too long (at most {max_length} characters).")
BULK_DUPLICATE_ROW = define(
    "BULK_DUPLICATE_ROW", Invalid,
    "与第 {first} 行是同一劳动者（身份证号码相同）。一个文件中每位劳动者只能有一行，请删除重复的行或核对身份证号码。",
    "Same worker as row {first}; one row per worker and file.", "citizen_id")

# -- a batch's rows and choices ---------------------------------------------------------------
BULK_FILING_TYPE_UNKNOWN = define(
    "BULK_FILING_TYPE_UNKNOWN", Invalid, "请选择备案类型：录用、合同续订、市内调动或退工。",
    "Unknown filing type.", "filing_type")
BULK_MODE_UNKNOWN = define(
    "BULK_MODE_UNKNOWN", Invalid, "备案方式无效：请选择“全部正确才备案”或“只备案正确的行”。",
    "mode must be all_or_nothing or valid_only.", "mode")
BULK_NO_ROWS = define(  # an API body without rows, or a file with a header row only
    "BULK_NO_ROWS", Invalid, "{message}", "{message_en}", "rows")
BULK_TOO_MANY_ROWS = define(  # an API body, or a file
    "BULK_TOO_MANY_ROWS", Invalid, "{message}", "{message_en}", "rows")
BULK_ROW_FORMAT = define(
    "BULK_ROW_FORMAT", Invalid, "第 {number} 行不是“字段名: 值”的对象。", "Row {number} is not an object.",
    "rows")
BULK_FIELD_UNKNOWN = define(
    "BULK_FIELD_UNKNOWN", Invalid, "第 {number} 行有不认识的字段：{names}。",
    "Row {number} has unknown fields: {names_en}.", "rows")

# -- a batch ----------------------------------------------------------------------------------
BULK_BATCH_NOT_FOUND = define(
    "BULK_BATCH_NOT_FOUND", NotFound, "未找到该批次，或不在您的办理范围内。",
    "Batch not found in your jurisdiction.")
BULK_NOT_READY = define(  # not validated yet, or asked to file twice
    "BULK_NOT_READY", Conflict, "{message}", "{message_en}")
BULK_HAS_ERRORS = define(  # refused when asked to file, or found when filing
    "BULK_HAS_ERRORS", Invalid, "{message}", "{message_en}")
BULK_NOTHING_VALID = define(
    "BULK_NOTHING_VALID", Invalid, "没有正确的行可以备案。请下载错误报告，修正后重新上传。",
    "No valid rows to file.", "mode")
BULK_CHANGED_SINCE_CHECK = define(
    "BULK_CHANGED_SINCE_CHECK", Conflict,
    "备案时发现 {count} 行已不符合规则（数据在校验后发生了变化），按“全部正确才备案”没有备案任何记录。"
    "请下载错误报告，修正后重新上传。",
    "{count} rows no longer pass the checks; nothing was filed.")
BULK_FAILED = define(
    "BULK_FAILED", Invalid,
    "处理时发生意外错误（{error}），本批次没有备案任何记录。请稍后重新上传；如多次出现，请联系经办机构。",
    "Unexpected error ({error}); nothing of the batch was filed.")
SERVICE_CASE_MISMATCH = define(
    "SERVICE_CASE_MISMATCH", Invalid,
    "所选专项服务不属于该单位，或不在您的办理范围内。请重新选择，或不关联专项服务。",
    "The service case is not this unit's.", "service_case_id")

# -- the district's decision on a batch ---------------------------------------------------------
BULK_APPROVAL_IN_PROGRESS = define(
    "BULK_APPROVAL_IN_PROGRESS", Conflict,
    "本批次已由 {name} {when}提交“{what}”，正在后台办理，请勿重复提交。请留在本页查看进度。",
    "This batch's district decision was already submitted and is being carried out.")
BULK_NOTHING_TO_APPROVE = define(
    "BULK_NOTHING_TO_APPROVE", Conflict, "本批次没有等待属地审批的备案。",
    "Nothing of this batch waits for district approval.")


def not_employed_here() -> DomainError:
    """EMPLOYMENT_NOT_FOUND in a spreadsheet's words: the row names a worker by ID number,
    not an employment picked from a list."""
    return EMPLOYMENT_NOT_FOUND.kind(
        EMPLOYMENT_NOT_FOUND.code,
        "在本单位的职工中没有找到该身份证号码的劳动者。请核对身份证号码；如尚未办理录用备案，请先办理录用备案。",
        "No employment of this worker was found at this unit.", "citizen_id")
