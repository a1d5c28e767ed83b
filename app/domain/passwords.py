"""The password rule (密码复杂度) of every login: at least 10 characters from at least three of
upper case, lower case, digits and symbols.

>>> is_complex("Beian-2026!"), is_complex("password12")
(True, False)
"""

from __future__ import annotations

import re

PASSWORD_RULE = ("密码至少 10 位，并且须包含大写字母、小写字母、数字、符号中的至少三类。"
                 "请换一个更复杂的密码。")
MIN_LENGTH = 10
_CLASSES = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"\d"),
            re.compile(r"[^A-Za-z0-9]"))


def is_complex(password: str | None) -> bool:
    password = password or ""
    classes = sum(1 for rx in _CLASSES if rx.search(password))
    return len(password) >= MIN_LENGTH and classes >= 3
