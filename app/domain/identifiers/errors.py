"""The refusals of identifier checks (ID number, credit code, mobile number), each defined once."""

from __future__ import annotations

from app.domain.errors import Invalid, define

_ID_EXCEL_MESSAGE = (
    "身份证号码被电子表格（如 Excel、WPS）当作数值保存：数值只保留 15 位有效数字，"
    "号码的最后几位已经丢失（显示为科学计数法如 3.20201E+17，或末尾变成 000），无法还原。"
    "请把该列的单元格格式设为“文本”，再重新输入完整的 18 位号码（也可在号码前加英文单引号 '）。"
)
_ID_EXCEL_MESSAGE_EN = (
    "The ID number was stored as a numeric value (typically by Excel/WPS), which keeps only 15 "
    "significant digits: its last digits are lost (it shows as e.g. 3.20201E+17 or ends in 000) "
    "and cannot be recovered. Format the column as Text and type the full 18-character number "
    "again."
)
_USCC_EXCEL_MESSAGE = (
    "统一社会信用代码被电子表格（如 Excel、WPS）当作数值保存：数值只保留 15 位有效数字，"
    "代码的最后几位已经丢失（显示为科学计数法如 9.13202E+17，或末尾变成 000），无法还原。"
    "请把该列的单元格格式设为“文本”，再按营业执照重新输入完整的 18 位代码。"
)
_USCC_EXCEL_MESSAGE_EN = (
    "The credit code was stored as a numeric value (typically by Excel/WPS), which keeps only "
    "15 significant digits: its last characters are lost (it shows as e.g. 9.13202E+17 or ends "
    "in 000) and cannot be recovered. Format the column as Text and type the full 18-character "
    "code from the business licence again."
)

# -- citizen ID number (居民身份证号码) ------------------------------------------------------
ID_EMPTY = define("ID_EMPTY", Invalid, "请填写身份证号码（18 位）。",
                  "Enter the citizen ID number (18 characters).")
ID_EXCEL_DAMAGED = define("ID_EXCEL_DAMAGED", Invalid, _ID_EXCEL_MESSAGE, _ID_EXCEL_MESSAGE_EN)
ID_FORMAT = define(
    "ID_FORMAT", Invalid, "{detail}",
    "{detail_en}")
ID_LENGTH = define(
    "ID_LENGTH", Invalid,
    "身份证号码应为 18 位，您填写了 {length} 位。请对照证件核对，不要多填或漏填。{hint}",
    "The citizen ID number must have 18 characters; {length} were given.{hint_en}")
ID_PROVINCE = define(
    "ID_PROVINCE", Invalid,
    "身份证号码的前两位“{prefix}”不是有效的省级行政区划代码（应为 11–82 之间的省份代码，"
    "港澳台居民居住证为 81/82/83，外国人永久居留身份证以 9 开头）。请对照证件核对前两位。",
    "The first two digits '{prefix}' are not a province code (11–82; 81/82/83 for "
    "residence permits of Hong Kong, Macao and Taiwan residents; 9 for a foreigner's "
    "permanent residence ID). Check them against the card.")
ID_BIRTH_DATE = define(
    "ID_BIRTH_DATE", Invalid,
    "身份证号码第 7–14 位的出生日期 {shown} {reason}。请对照证件核对这 8 位数字（年月日）。",
    "The birth date in digits 7–14 ({digits}) is {reason_en}. Check these 8 digits (YYYYMMDD) "
    "against the card.")
ID_BIRTH_FUTURE = define(
    "ID_BIRTH_FUTURE", Invalid,
    "身份证号码第 7–14 位的出生日期 {birth} 晚于今天，不可能是出生日期。"
    "请对照证件核对这 8 位数字（年月日）。",
    "The birth date in digits 7–14 ({birth}) is in the future. Check these "
    "8 digits (YYYYMMDD) against the card.")
ID_CHECKSUM = define(
    "ID_CHECKSUM", Invalid,
    "身份证号码校验不通过：最后一位校验码与前 17 位不符，说明号码中至少有一位填错或两位顺序颠倒。"
    "请对照证件逐位核对全部 18 位（不只是最后一位）。",
    "The check character (the last one) does not match the first 17 digits: at least one "
    "digit is wrong or two are swapped. Check every digit against the card, not only "
    "the last one.")

# -- unified social credit code (统一社会信用代码) --------------------------------------------
USCC_EMPTY = define(
    "USCC_EMPTY", Invalid, "请填写统一社会信用代码（18 位，见营业执照或登记证书）。",
    "Enter the unified social credit code (18 characters, on the business licence or "
    "registration certificate).")
USCC_EXCEL_DAMAGED = define("USCC_EXCEL_DAMAGED", Invalid, _USCC_EXCEL_MESSAGE,
                            _USCC_EXCEL_MESSAGE_EN)
USCC_LENGTH = define(
    "USCC_LENGTH", Invalid,
    "统一社会信用代码应为 18 位，您填写了 {length} 位。请对照营业执照或登记证书核对，不要多填或漏填。",
    "The unified social credit code must have 18 characters; {length} were given. "
    "Check it against the business licence or registration certificate.")
USCC_ALPHABET = define("USCC_ALPHABET", Invalid, "{detail}", "{detail_en}")
USCC_CHECKSUM = define(
    "USCC_CHECKSUM", Invalid,
    "统一社会信用代码校验不通过：最后一位校验码与前 17 位不符，说明代码中至少有一位填错或两位顺序颠倒。"
    "请对照营业执照或登记证书逐位核对全部 18 位（不只是最后一位）。",
    "The check character (the last one) does not match the first 17 characters: at "
    "least one is wrong or two are swapped. Check every character against the business "
    "licence or registration certificate, not only the last one.")

# -- mobile number ----------------------------------------------------------------------------
PHONE_EMPTY = define("PHONE_EMPTY", Invalid, "请填写手机号码（11 位，以 1 开头）。",
                     "Enter the mobile number (11 digits starting with 1).")
PHONE_FORMAT = define(
    "PHONE_FORMAT", Invalid,
    "手机号码格式不正确：应为 11 位数字并以 1 开头（可带 +86 前缀），"
    "不能填写座机号码或带其他字符。请核对后重新填写。",
    "The mobile number is not valid: it must be 11 digits starting with 1 (optionally "
    "preceded by +86); landline numbers and other characters are not accepted.")
