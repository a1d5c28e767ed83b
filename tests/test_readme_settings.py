"""The README's settings table is complete: every setting config.py reads from the environment
(config.SETTINGS and the framework settings it reads itself) has a row, and every row names a
real setting."""

from __future__ import annotations

import re
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parent.parent
ENV_READ = re.compile(r"(?:os\.environ\.get|_env_bool|_env_int|os\.environ\[)\(?\"([A-Z][A-Z0-9_]+)\"")


def _table_names() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def _settings() -> set[str]:
    declared = {setting.name for setting in config.SETTINGS}
    read_by_config = set(ENV_READ.findall((ROOT / "config.py").read_text(encoding="utf-8")))
    return declared | read_by_config


def test_every_setting_has_a_row_in_the_readme():
    missing = sorted(_settings() - _table_names())
    assert not missing, f"settings missing from README.md's table: {missing}"


def test_every_readme_row_is_a_setting():
    unknown = sorted(_table_names() - _settings())
    assert not unknown, f"README.md's table names settings config.py does not know: {unknown}"
