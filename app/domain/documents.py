"""Printed documents of a filing (备案表 / 回执): which form a filing type prints, verification
codes, what the public verification page may show, and the seal-image limits.

Plain Python: no Flask, no database. app.services.documents renders and signs; this module says
what the rules are.

Decision on the citizen ID number: the printed form carries it MASKED (first 6 + last 4), like
every other screen (RULES.md, Privacy). A printed form leaves the system for good — it is filed in
the worker's personnel file, photocopied, scanned and mailed — so it must not become a copy of the
full number. The name, the masked number, the receipt number and the verification code identify
the filing unambiguously; whoever needs the full number looks it up in the system, where the view
is audited. A city that must print the full number sets BEIAN_DOCUMENT_FULL_ID=1 (then every
download is an audited export of the full number). The public verification page always shows the
masked number, whatever that setting says.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import Conflict, Invalid, NotFound, define
from app.domain.filings import FilingStatus, FilingType

__all__ = [
    "BATCH_EMPTY",
    "BATCH_MAX_FILINGS",
    "BATCH_NOT_READY",
    "BATCH_TOO_LARGE",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DOCUMENT_FILING_STATUSES",
    "DOCUMENT_NOT_AVAILABLE",
    "DocumentStatus",
    "FormSpec",
    "SEAL_MAX_BYTES",
    "SEAL_MAX_PIXELS",
    "SEAL_TOO_LARGE",
    "SEAL_TYPE",
    "VerificationState",
    "form_for",
    "format_code",
    "mask_name",
    "new_verification_code",
    "normalise_code",
    "seal_size_detail",
    "split_seal_name",
    "verification_state",
]


class DocumentStatus(StrEnum):
    """Where a document stands in the rendering queue (文书生成状态)."""

    QUEUED = "排队中"
    RENDERING = "生成中"
    READY = "已生成"
    FAILED = "生成失败"


# A document is due for every filing that was ever filed: a superseded or cancelled filing keeps
# its printout, and the printout's verification page says what became of it.
DOCUMENT_FILING_STATUSES = (FilingStatus.FILED, FilingStatus.SUPERSEDED, FilingStatus.CANCELLED)


@dataclass(frozen=True)
class FormSpec:
    """One printed form: its title, the template that lays it out, and the file name stem."""

    title: str
    template: str
    is_receipt: bool


FORMS: dict[FilingType, FormSpec] = {
    FilingType.HIRE: FormSpec("录用备案登记表", "documents/pdf/hire.html", False),
    FilingType.TERMINATION: FormSpec("终止、解除劳动合同备案表", "documents/pdf/termination.html",
                                     False),
    FilingType.RENEWAL: FormSpec("劳动合同续订备案回执", "documents/pdf/renewal.html", True),
    FilingType.TRANSFER: FormSpec("市内调动备案回执", "documents/pdf/transfer.html", True),
}


def form_for(filing_type: FilingType | str) -> FormSpec:
    """The printed form of a filing type.

    >>> form_for(FilingType.HIRE).title
    '录用备案登记表'
    >>> form_for("TRANSFER").title
    '市内调动备案回执'
    """
    if not isinstance(filing_type, FilingType):
        filing_type = FilingType[str(filing_type)]
    return FORMS[filing_type]


# -- verification codes (核验码) --------------------------------------------------------------

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V: a code copied by hand from a printout survives.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_LENGTH = 12  # 23^12 ≈ 2^54: unguessable at any rate the verification page allows


def new_verification_code() -> str:
    """A fresh random verification code.

    >>> code = new_verification_code()
    >>> len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    True
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str | None:
    """A code as typed (any case, spaces or dashes between groups) → the stored form, or None
    when it cannot be a code at all.

    >>> normalise_code(" 34a9-cdef-ghjk ")
    '34A9CDEFGHJK'
    >>> normalise_code("34A9CDEFGHJ0") is None   # 0 is not in the alphabet
    True
    >>> normalise_code("") is None
    True
    """
    if not text:
        return None
    code = "".join(ch for ch in str(text).upper() if ch not in " -_\t")
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None
    return code


def format_code(code: str) -> str:
    """The code in groups of four, as printed.

    >>> format_code("34A9CDEFGHJK")
    '34A9-CDEF-GHJK'
    """
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# -- what the public verification page says ---------------------------------------------------

class VerificationState(StrEnum):
    VALID = "有效"
    SUPERSEDED = "已被更正"
    CANCELLED = "已撤销"
    NOT_FOUND = "未找到"


def verification_state(filing_status: FilingStatus | str | None) -> VerificationState:
    """The state a printout's verification page shows for the filing it was printed from.

    >>> verification_state(FilingStatus.FILED)
    <VerificationState.VALID: '有效'>
    >>> verification_state("SUPERSEDED")
    <VerificationState.SUPERSEDED: '已被更正'>
    >>> verification_state(FilingStatus.RETURNED)
    <VerificationState.NOT_FOUND: '未找到'>
    """
    if filing_status is None:
        return VerificationState.NOT_FOUND
    if not isinstance(filing_status, FilingStatus):
        filing_status = FilingStatus[str(filing_status)]
    return {FilingStatus.FILED: VerificationState.VALID,
            FilingStatus.SUPERSEDED: VerificationState.SUPERSEDED,
            FilingStatus.CANCELLED: VerificationState.CANCELLED,
            }.get(filing_status, VerificationState.NOT_FOUND)


# Two-character surnames (复姓) keep both characters: "欧阳*", not "欧**".
COMPOUND_SURNAMES = frozenset((
    "欧阳 司马 上官 诸葛 东方 皇甫 令狐 慕容 尉迟 长孙 宇文 司徒 夏侯 公孙 轩辕 端木 独孤 南宫 西门 "
    "澹台 呼延 万俟 申屠 闻人 赫连 钟离 淳于 太史 濮阳 单于 司空 百里 东郭 公冶 拓跋").split())


def mask_name(name: str | None) -> str:
    """A name with the given name masked, for the public verification page.

    >>> mask_name("张三"), mask_name("王小明"), mask_name("欧阳娜娜"), mask_name("李")
    ('张*', '王**', '欧阳**', '李')
    >>> mask_name("Anna Schmidt")
    'A***********'
    >>> mask_name(None)
    ''
    """
    text = (name or "").strip()
    if len(text) <= 1:
        return text
    keep = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:keep] + "*" * (len(text) - keep)


# -- seals (电子印章图像) ---------------------------------------------------------------------

SEAL_MAX_BYTES = 512 * 1024
SEAL_MAX_PIXELS = 1000  # per side
AGENCY_SEAL_PURPOSE = "用工备案专用章"
UNIT_SEAL_PURPOSE = "公章"


def split_seal_name(seal_name: str, fallback_name: str,
                    default_purpose: str = AGENCY_SEAL_PURPOSE) -> tuple[str, str]:
    """(name on the arc, purpose at the bottom) from an office's seal name.

    >>> split_seal_name("无锡市梁溪区人力资源服务中心用工备案专用章", "x")
    ('无锡市梁溪区人力资源服务中心', '用工备案专用章')
    >>> split_seal_name("", "无锡市公共就业服务中心")
    ('无锡市公共就业服务中心', '用工备案专用章')
    """
    text = (seal_name or "").strip()
    if not text:
        return fallback_name, default_purpose
    for purpose in (AGENCY_SEAL_PURPOSE, "专用章", "公章"):
        if text.endswith(purpose) and len(text) > len(purpose):
            return text[:-len(purpose)], purpose
    return text, default_purpose


def seal_size_detail(size_bytes: int | None = None, width: int | None = None,
                     height: int | None = None) -> str:
    """What is too large about a seal image, for SEAL_TOO_LARGE's message.

    >>> seal_size_detail(size_bytes=600 * 1024)
    '文件大小 600 KB，上限 512 KB'
    >>> seal_size_detail(width=1200, height=100)
    '尺寸 1200×100 像素，上限 1000×1000 像素'
    """
    if size_bytes is not None:
        return f"文件大小 {size_bytes // 1024} KB，上限 {SEAL_MAX_BYTES // 1024} KB"
    return f"尺寸 {width}×{height} 像素，上限 {SEAL_MAX_PIXELS}×{SEAL_MAX_PIXELS} 像素"


# -- batches (批量下载) ---------------------------------------------------------------------

BATCH_MAX_FILINGS = 5000


# -- refusals -------------------------------------------------------------------------------

DOCUMENT_NOT_AVAILABLE = define(
    "DOCUMENT_NOT_AVAILABLE", NotFound, "该备案尚未完成备案，暂不能生成备案表或回执。",
    "Only filed filings have documents.")
SEAL_TYPE = define(
    "SEAL_TYPE", Invalid,
    "印章图片须为 PNG 格式（建议透明背景的红色圆章）。请导出为 PNG 后重新上传。",
    "The seal image must be a PNG file.", "seal")
SEAL_TOO_LARGE = define(
    "SEAL_TOO_LARGE", Invalid, "印章图片过大（{detail}）。请缩小图片后重新上传。",
    "The seal image is too large.", "seal")
BATCH_EMPTY = define(
    "BATCH_EMPTY", Invalid, "没有可下载的备案。请选择至少一条已备案的记录，或调整日期范围。",
    "No filings to download.", "filings")
BATCH_TOO_LARGE = define(
    "BATCH_TOO_LARGE", Invalid,
    f"一次最多批量下载 {BATCH_MAX_FILINGS} 份。请缩小日期范围后分批下载。",
    "Too many filings in one batch.", "filings")
BATCH_NOT_READY = define(
    "BATCH_NOT_READY", Conflict, "批量文书尚未全部生成，请稍后再下载。",
    "The batch's documents are not all rendered yet; try again later.")
