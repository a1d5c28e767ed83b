"""Build app/translations/messages.pot: every msgid the Beian UI needs from our catalogs.

The template is the union of
  1. the strings Beian itself marks for translation (``_``/``gettext``/``lazy_gettext`` in
     app/**.py and app/templates/**.html, per babel.cfg);
  2. Beian's menu labels: the literal names/labels/categories passed to
     ``appbuilder.add_view``/``add_link`` (FAB renders them as ``_(item.label)``, so pybabel's
     keyword extraction cannot see them), including names taken from loops over module-level
     lists such as ``CODE_VIEWS``;
  3. the Flask-AppBuilder msgids that FAB's own zh catalog leaves untranslated (missing, empty
     or fuzzy in its compiled messages.mo), plus every FAB msgid our zh catalog already
     overrides (so ``pybabel update`` keeps our corrections while FAB still uses them).

Run from the project root:  python app/translations/extract.py   (see README.md)

Reads source files only; it imports neither the Flask app nor Flask-AppBuilder, so the tests
(tests/test_translations.py) can use it as well.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent  # app/translations
APP_DIR = HERE.parent  # app
ROOT = APP_DIR.parent  # project root
BABEL_CFG = HERE / "babel.cfg"
POT_FILE = HERE / "messages.pot"
LOCALE = "zh"

KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}

# Menu registration calls: positional index of each displayed argument. FAB shows
# ``label or name`` for the item and ``category_label or category`` for its drop-down.
MENU_CALLS = {
    "add_view": {"name": 1, "label": 4, "category": 5, "category_label": 7},
    "add_link": {"name": 0, "label": 3, "category": 4, "category_label": 6},
}


def fab_package_dir() -> Path:
    """Flask-AppBuilder's package directory, found without importing it."""
    spec = importlib.util.find_spec("flask_appbuilder")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("flask_appbuilder is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def fab_mo_file(locale: str = LOCALE) -> Path:
    return fab_package_dir() / "translations" / locale / "LC_MESSAGES" / "messages.mo"


def our_po_file(locale: str = LOCALE) -> Path:
    return HERE / locale / "LC_MESSAGES" / "messages.po"


def our_mo_file(locale: str = LOCALE) -> Path:
    return HERE / locale / "LC_MESSAGES" / "messages.mo"


def _mapping():
    with open(BABEL_CFG, encoding="utf-8") as fileobj:
        return parse_mapping_cfg(fileobj, filename=str(BABEL_CFG))


def extract_keyword_strings(directory: Path) -> Iterator[tuple[str | tuple, str, int, list]]:
    """(msgid, relative filename, line, comments) for ``_()``-style calls under directory."""
    method_map, options_map = _mapping()
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(directory), method_map, options_map, keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
    ):
        yield message, filename, lineno, comments


# --- menu labels --------------------------------------------------------------------------

def _module_sequences(trees: dict[str, ast.Module]) -> dict[str, ast.expr]:
    """Module-level ``NAME = [...]``/``(...)`` assignments of every module, by name."""
    found: dict[str, ast.expr] = {}
    for tree in trees.values():
        for node in tree.body:
            targets: list[ast.expr] = []
            value = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            if isinstance(value, (ast.List, ast.Tuple)):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = value
    return found


def _strings(node: ast.expr | None) -> list[str] | None:
    """The string(s) an argument is known to hold, or None when it is not a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value else []
    return None


class _MenuVisitor(ast.NodeVisitor):
    def __init__(self, path: str, sequences: dict[str, ast.expr]):
        self.path = path
        self.sequences = sequences
        self.loops: list[ast.For] = []
        self.labels: list[tuple[str, str, int]] = []
        self.unresolved: list[str] = []

    def visit_For(self, node: ast.For) -> None:
        self.loops.append(node)
        self.generic_visit(node)
        self.loops.pop()

    def _loop_values(self, name: str) -> list[str] | None:
        """Values a loop variable takes when the loop runs over a literal module-level list."""
        for loop in reversed(self.loops):
            target = loop.target
            if isinstance(target, ast.Name) and target.id == name:
                index = None
            elif isinstance(target, ast.Tuple) and any(
                isinstance(elt, ast.Name) and elt.id == name for elt in target.elts
            ):
                index = next(i for i, elt in enumerate(target.elts)
                             if isinstance(elt, ast.Name) and elt.id == name)
            else:
                continue
            seq = loop.iter
            if isinstance(seq, ast.Name):
                seq = self.sequences.get(seq.id)
            if not isinstance(seq, (ast.List, ast.Tuple)):
                return None
            values: list[str] = []
            for item in seq.elts:
                if index is not None:
                    if not isinstance(item, ast.Tuple) or len(item.elts) <= index:
                        return None
                    item = item.elts[index]
                strings = _strings(item)
                if strings is None:
                    return None
                values.extend(strings)
            return values
        return None

    def _argument_values(self, node: ast.expr) -> list[str] | None:
        strings = _strings(node)
        if strings is not None:
            return strings
        if isinstance(node, ast.Name):
            return self._loop_values(node.id)
        if isinstance(node, ast.Call):  # _("..."), lazy_gettext("...") -> keyword extraction
            return []
        return None

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        positions = MENU_CALLS.get(name)
        if positions:
            args: dict[str, ast.expr] = {}
            for param, index in positions.items():
                if index < len(node.args):
                    args[param] = node.args[index]
            for keyword in node.keywords:
                if keyword.arg in positions:
                    args[keyword.arg] = keyword.value
            for shown, fallback in (("label", "name"), ("category_label", "category")):
                arg = args.get(shown)
                if arg is None or (_strings(arg) == []):
                    arg = args.get(fallback)
                if arg is None:
                    continue
                values = self._argument_values(arg)
                if values is None:
                    self.unresolved.append(f"{self.path}:{node.lineno}: {name}() {shown}")
                    continue
                self.labels.extend((value, self.path, node.lineno) for value in values)
        self.generic_visit(node)


def extract_menu_labels(directory: Path = APP_DIR) -> tuple[list[tuple[str, str, int]], list[str]]:
    """((label, path, line) for every menu item/category label, unresolvable call sites)."""
    trees: dict[str, ast.Module] = {}
    for file in sorted(directory.rglob("*.py")):
        rel = file.relative_to(directory.parent).as_posix()
        trees[rel] = ast.parse(file.read_text(encoding="utf-8"), filename=rel)
    sequences = _module_sequences(trees)
    labels: list[tuple[str, str, int]] = []
    unresolved: list[str] = []
    for rel, tree in trees.items():
        visitor = _MenuVisitor(rel, sequences)
        visitor.visit(tree)
        labels.extend(visitor.labels)
        unresolved.extend(visitor.unresolved)
    return labels, unresolved


# --- catalogs -----------------------------------------------------------------------------

def app_catalog() -> tuple[Catalog, list[str]]:
    """Every msgid Beian's own code and templates show (keyword calls + menu labels)."""
    catalog = Catalog(project="Beian", charset="utf-8")
    for message, filename, lineno, comments in extract_keyword_strings(APP_DIR):
        catalog.add(message, None, [(f"app/{filename}", lineno)], auto_comments=comments)
    labels, unresolved = extract_menu_labels(APP_DIR)
    for label, path, lineno in labels:
        catalog.add(label, None, [(path, lineno)], auto_comments=["menu label"])
    return catalog, unresolved


def fab_catalog() -> Catalog:
    """Every msgid Flask-AppBuilder's code and templates use."""
    catalog = Catalog(project="Flask-AppBuilder", charset="utf-8")
    for message, filename, lineno, comments in extract_keyword_strings(fab_package_dir()):
        catalog.add(message, None, [(f"flask_appbuilder/{filename}", lineno)],
                    auto_comments=comments)
    return catalog


def is_translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings)


def fab_untranslated(fab: Catalog | None = None, locale: str = LOCALE) -> list:
    """FAB msgids its own compiled catalog for locale does not translate."""
    fab = fab if fab is not None else fab_catalog()
    with open(fab_mo_file(locale), "rb") as fileobj:
        fab_mo = read_mo(fileobj)
    return [m for m in fab if m.id and not is_translated(fab_mo.get(m.id, m.context))]


def build_template() -> tuple[Catalog, dict]:
    """The messages.pot catalog, and a summary of where its entries come from."""
    app, unresolved = app_catalog()
    fab = fab_catalog()
    missing = fab_untranslated(fab)
    ours = our_po_file()
    overrides: set = set()
    if ours.exists():
        with open(ours, "rb") as fileobj:
            overrides = {m.id for m in read_po(fileobj) if m.id}

    template = Catalog(project="Beian", copyright_holder="Beian", charset="utf-8",
                       creation_date=datetime.now(UTC))
    for message in app:
        if message.id:
            template.add(message.id, None, message.locations,
                         auto_comments=message.auto_comments, context=message.context)
    missing_ids = {m.id for m in missing}
    fab_included = 0
    for message in fab:
        if not message.id or (message.id not in missing_ids and message.id not in overrides):
            continue
        fab_included += 1
        if message.id in template:  # also used by Beian: keep one entry, merge locations
            template[message.id].locations.extend(message.locations)
            continue
        template.add(message.id, None, message.locations,
                     auto_comments=message.auto_comments, context=message.context)
    summary = {
        "app": sum(1 for m in app if m.id),
        "fab": sum(1 for m in fab if m.id),
        "fab_missing": len(missing),
        "fab_included": fab_included,
        "total": sum(1 for m in template if m.id),
        "unresolved": unresolved,
    }
    return template, summary


def main() -> int:
    template, summary = build_template()
    with open(POT_FILE, "wb") as fileobj:
        write_po(fileobj, template, width=100, sort_by_file=False)
    print(f"{POT_FILE.relative_to(ROOT)}: {summary['total']} msgids "
          f"({summary['app']} from app/, {summary['fab_included']} from Flask-AppBuilder: "
          f"{summary['fab_missing']} of its {summary['fab']} lack a {LOCALE} translation, "
          f"the rest are our overrides)")
    for site in summary["unresolved"]:
        print(f"warning: cannot read the menu label at {site}; wrap it in lazy_gettext() "
              "or add it to the catalogs by hand", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
