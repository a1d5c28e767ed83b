"""The translation catalogs in app/translations: complete, compiled, and layered over FAB's zh.

File-level only: reads .po/.mo files and source text (through app/translations/extract.py,
loaded by path); it never imports the Flask app.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
LOCALES = ("zh", "en")
CJK = re.compile(r"[\u3400-\u9fff]")

# Flask-AppBuilder 5.3 UI strings every list/show/edit page or the navbar shows.
# ("List", "Refresh", "Confirmation" and "Are you sure?" are not msgids in FAB 5.3.)
KEY_FAB_STRINGS = [
    "Add", "Edit", "Delete", "Show", "Search", "Record Count", "Actions", "Login", "Logout",
    "Save", "Back", "Add Filter", "Page size", "No records found", "Security", "List Users",
    "List Roles", "Profile", "Reset my password", "User info", "Personal Info", "Audit Info",
    "Are you sure you want to delete this item?", "User confirmation needed",
]


def _po(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fileobj:
        return read_po(fileobj, locale=locale)


def _mo(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as fileobj:
        return read_mo(fileobj)


def _strings(message) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


@pytest.fixture(scope="module")
def extract():
    spec = importlib.util.spec_from_file_location(
        "beian_translations_extract", TRANSLATIONS / "extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def merged(extract):
    """The zh catalog as Flask-Babel builds it: FAB's translations first, ours merged over."""
    fab = Translations.load(str(extract.fab_package_dir() / "translations"), ["zh"])
    ours = Translations.load(str(TRANSLATIONS), ["zh"])
    assert isinstance(fab, Translations), "Flask-AppBuilder's zh messages.mo not found"
    assert isinstance(ours, Translations), "app/translations/zh/LC_MESSAGES/messages.mo missing"
    return fab.merge(ours)


def test_zh_catalog_translates_every_msgid():
    catalog = _po("zh")
    messages = [m for m in catalog if m.id]
    assert messages, "empty zh catalog"
    untranslated = [m.id for m in messages if m.fuzzy or not all(_strings(m))]
    assert not untranslated, f"empty or fuzzy msgstr in zh/messages.po: {untranslated}"
    not_chinese = [m.id for m in messages if not all(CJK.search(s) for s in _strings(m))]
    assert not not_chinese, f"zh msgstr without Chinese text: {not_chinese}"


def test_catalog_headers_are_usable():
    for locale in LOCALES:
        catalog = _po(locale)
        assert not catalog.fuzzy, f"{locale} header is fuzzy: pybabel compile would skip it"
        assert str(catalog.locale) == locale


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_mo_matches_po(locale):
    po = {
        (m.id, m.context): _strings(m)
        for m in _po(locale)
        if m.id and not m.fuzzy and all(_strings(m))
    }
    mo = {(m.id, m.context): _strings(m) for m in _mo(locale) if m.id}
    stale = sorted(str(key[0]) for key in po.keys() ^ mo.keys()) + sorted(
        str(key[0]) for key in po.keys() & mo.keys() if po[key] != mo[key])
    assert not stale, (f"{locale}/messages.mo is out of date with messages.po ({stale}); "
                       "run: pybabel compile -d app/translations")


@pytest.mark.parametrize("msgid", KEY_FAB_STRINGS)
def test_key_fab_strings_are_chinese(merged, msgid):
    text = merged.gettext(msgid)
    assert text != msgid and CJK.search(text), f"{msgid!r} -> {text!r}"


def test_key_fab_strings_are_real_fab_msgids(extract):
    fab_ids = {m.id for m in extract.fab_catalog()}
    assert not [s for s in KEY_FAB_STRINGS if s not in fab_ids]


def test_our_translations_override_fab(merged):
    for message in _po("zh"):
        if message.id and isinstance(message.id, str):
            assert merged.gettext(message.id) == message.string, message.id


def test_every_ui_msgid_has_a_chinese_translation(extract, merged):
    """Beian's own strings and menu labels, and every FAB 5.3 msgid, come out in Chinese.

    Fails when someone adds a _("...") string or a menu entry without translating it: run
    the commands in app/translations/README.md.
    """
    app, unresolved = extract.app_catalog()
    assert not unresolved, f"menu labels extract.py cannot read: {unresolved}"
    missing = sorted(
        m.id for catalog in (app, extract.fab_catalog()) for m in catalog
        if m.id and isinstance(m.id, str) and not CJK.search(merged.gettext(m.id))
    )
    assert not missing, f"no zh translation for: {missing}"


def test_app_msgids_present_in_every_locale(extract):
    app, _ = extract.app_catalog()
    wanted = {m.id for m in app if m.id}
    for locale in LOCALES:
        have = {m.id for m in _po(locale) if m.id}
        assert not wanted - have, f"{locale}/messages.po lacks {sorted(wanted - have)}"
