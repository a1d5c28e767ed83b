"""Knowledge-base text (知识库): Markdown rendered to safe HTML, the normalised text FAQ search runs
over, and the front matter of the reference articles in app/content/knowledge/*.md.

Rendering is markdown-it-py (CommonMark + tables, raw HTML off) followed by nh3 (Ammonia): no
script, no event handlers, no javascript:/data: links, no iframes, images only from our own
/static/, every link rel="nofollow noopener". Pure Python: no Flask, no database.

>>> render_markdown("**办事指南** <script>alert(1)</script>")
'<p><strong>办事指南</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\\n'
>>> 'href' in render_markdown("[x](javascript:alert(1))")
False
>>> search_text("录用 <b>备案</b>", "ＦＡＱ  Hire")
'录用 备案 faq hire'
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from app.domain.outreach.errors import KB_SLUG

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LOCAL_IMAGE_PREFIX = "/static/"
_STYLE_OK = re.compile(r"^text-align:\s*(left|right|center)$")

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table")
_md.enable("strikethrough")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop remote (or protocol-relative) images and any inline style but table alignment."""
    if tag == "img" and attribute == "src":
        if not value.startswith(LOCAL_IMAGE_PREFIX) or value.startswith("//"):
            return None
    if attribute == "style" and not _STYLE_OK.match(value.strip()):
        return None
    return value


def sanitise_html(fragment: str) -> str:
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style"}, url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener", attribute_filter=_attribute_filter,
        set_tag_attribute_values={"table": {"class": "table table-bordered table-condensed"}},
        strip_comments=True)


def render_markdown(text: str) -> str:
    """Markdown → HTML that is safe to insert into a page as is."""
    return sanitise_html(_md.render(text or ""))


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, single spaces: how FAQ search compares."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def search_text(body_html: str, title: str = "") -> str:
    """The text a keyword search runs over: the title and the body without markup."""
    plain = html.unescape(_TAG.sub(" ", body_html or ""))
    return normalise(f"{plain} {title}")


def keywords(query: str) -> list[str]:
    """Search words of a query (normalised; at most 5, each at most 30 characters)."""
    return [w[:30] for w in normalise(query).split(" ") if w][:5]


def content_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Front matter of app/content/knowledge/*.md
# --------------------------------------------------------------------------------------------

FRONT_MATTER_KEYS = {"kind", "slug", "title", "filing_type", "order", "status"}
KINDS = {"guide": "GUIDE", "faq": "FAQ", "manual": "MANUAL", "announcement": "ANNOUNCEMENT",
         "integration": "INTEGRATION"}
FILING_TYPES = {"HIRE", "RENEWAL", "TRANSFER", "TERMINATION"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not _SLUG.match(slug):
        raise KB_SLUG()
    return slug


def parse_front_matter(text: str, source: str = "") -> tuple[dict, str]:
    """(metadata, Markdown body) of a knowledge file. Strict: ``key: value`` lines between two
    ``---`` lines, known keys only; ``# comments`` allowed. Raises ValueError naming the file."""
    lines = (text or "").lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{source}: the file must start with a '---' front-matter block")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise ValueError(f"{source}: the front-matter block is not closed by '---'") from None
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], 2):
        content = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not content:
            continue
        key, sep, value = content.partition(":")
        key, value = key.strip(), value.strip().strip('"').strip("'")
        if not sep or key not in FRONT_MATTER_KEYS:
            raise ValueError(f"{source}:{number}: unknown front-matter line {line!r}")
        meta[key] = value
    for key in ("kind", "slug", "title"):
        if not meta.get(key):
            raise ValueError(f"{source}: front matter lacks '{key}'")
    if meta["kind"] not in KINDS:
        raise ValueError(f"{source}: kind must be one of {', '.join(KINDS)}")
    meta["kind"] = KINDS[meta["kind"]]
    meta["slug"] = check_slug(meta["slug"])
    if meta["kind"] == "GUIDE":
        if meta.get("filing_type") not in FILING_TYPES:
            raise ValueError(f"{source}: a guide needs filing_type, one of {sorted(FILING_TYPES)}")
    else:
        meta.pop("filing_type", None)
    try:
        meta["order"] = int(meta.get("order") or 100)
    except ValueError:
        raise ValueError(f"{source}: order must be an integer") from None
    body = "\n".join(lines[end + 1:]).strip() + "\n"
    return meta, body
