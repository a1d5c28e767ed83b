"""Knowledge base (知识库): service guides, FAQs, the illustrated manual, announcements and the
integration guide. Staff edit Markdown; the sanitised HTML is rendered on save into a stored
column. The reference articles in app/content/knowledge/*.md are upserted by seed(), never over
an article a staff member edited since."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, or_, select

from app.domain.outreach import errors
from app.domain.outreach.codes import ArticleKind, ArticleStatus
from app.domain.outreach.markdown import (
    check_slug,
    content_hash,
    keywords,
    parse_front_matter,
    render_markdown,
    search_text,
)
from app.extensions import db
from app.models.outreach import KnowledgeArticle
from app.services.actor import Actor
from app.services.audit import record
from app.services.outreach.access import KB_EDITORS, not_found, now, require
from app.services.transaction import transaction

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "content" / "knowledge"
FILING_TYPE_NAMES = ("HIRE", "RENEWAL", "TRANSFER", "TERMINATION")
MAX_BODY = 100_000


@dataclass
class ArticleInput:
    kind: str
    slug: str
    title: str
    body_md: str
    filing_type: str = ""
    sort_order: int = 100


def _apply(article: KnowledgeArticle, inp: ArticleInput) -> None:
    if inp.kind not in ArticleKind.__members__:
        raise errors.KB_KIND()
    if not (inp.title or "").strip():
        raise errors.KB_TITLE_REQUIRED()
    if len(inp.body_md or "") > MAX_BODY:
        raise errors.KB_TOO_LONG(maximum=MAX_BODY)
    kind = ArticleKind[inp.kind]
    filing_type = (inp.filing_type or "").strip() or None
    if kind == ArticleKind.GUIDE and filing_type not in FILING_TYPE_NAMES:
        raise errors.KB_FILING_TYPE()
    article.kind = kind
    article.slug = check_slug(inp.slug)
    article.title = inp.title.strip()[:200]
    article.filing_type = filing_type if kind == ArticleKind.GUIDE else None
    article.sort_order = inp.sort_order if inp.sort_order is not None else 100
    article.body_md = inp.body_md or ""
    article.body_html = render_markdown(article.body_md)
    article.search_text = search_text(article.body_html, article.title)


def preview(body_md: str) -> str:
    """What the public page will show (the same renderer and sanitiser as on save)."""
    return render_markdown(body_md or "")


def save_article(inp: ArticleInput, actor: Actor,
                 article_id: int | None = None) -> KnowledgeArticle:
    """Create (as a draft) or change an article; staff edits are never overwritten by seed()."""
    require(actor, KB_EDITORS, "编辑知识库")
    with transaction():
        if article_id is None:
            article = KnowledgeArticle(status=ArticleStatus.DRAFT)
        else:
            article = db.session.get(KnowledgeArticle, article_id)
            if article is None:
                raise not_found("文章")
        _apply(article, inp)
        clash = db.session.scalar(select(KnowledgeArticle.id).where(
            KnowledgeArticle.slug == article.slug, KnowledgeArticle.id != (article.id or 0)))
        if clash:
            raise errors.KB_SLUG_TAKEN(slug=article.slug)
        article.staff_edited_at = now()
        article.updated_at = now()
        article.updated_by_id = actor.user_id
        if article_id is None:
            db.session.add(article)
        db.session.flush()
        record(actor, "kb_article", article.id, "create" if article_id is None else "update",
               after={"slug": article.slug, "title": article.title})
    return article


def set_published(article_id: int, published: bool, actor: Actor) -> KnowledgeArticle:
    require(actor, KB_EDITORS, "发布知识库文章")
    with transaction():
        article = db.session.get(KnowledgeArticle, article_id)
        if article is None:
            raise not_found("文章")
        article.status = ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT
        if published:
            article.published_at = now()
        article.staff_edited_at = now()
        article.updated_by_id = actor.user_id
        record(actor, "kb_article", article.id, "publish" if published else "unpublish")
    return article


# -- public reading ----------------------------------------------------------------------------

def published_article(slug: str) -> KnowledgeArticle | None:
    return db.session.scalar(select(KnowledgeArticle).where(
        KnowledgeArticle.slug == slug, KnowledgeArticle.status == ArticleStatus.PUBLISHED))


def published(kind: ArticleKind | None = None) -> list[KnowledgeArticle]:
    stmt = select(KnowledgeArticle).where(KnowledgeArticle.status == ArticleStatus.PUBLISHED)
    if kind is not None:
        stmt = stmt.where(KnowledgeArticle.kind == kind)
    return list(db.session.scalars(stmt.order_by(KnowledgeArticle.sort_order,
                                                 KnowledgeArticle.id)))


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_faq(query: str, *, kinds=(ArticleKind.FAQ,), limit: int = 50
               ) -> list[KnowledgeArticle]:
    """Published FAQs whose title or text contains every keyword (LIKE over the normalised
    text column: the same on SQLite and PostgreSQL)."""
    words = keywords(query)
    if not words:
        return []
    clause = and_(*[KnowledgeArticle.search_text.like(_like(w), escape="\\") for w in words])
    return list(db.session.scalars(
        select(KnowledgeArticle).where(KnowledgeArticle.status == ArticleStatus.PUBLISHED,
                                       or_(*[KnowledgeArticle.kind == k for k in kinds]), clause)
        .order_by(KnowledgeArticle.sort_order, KnowledgeArticle.id).limit(limit)))


def all_articles() -> list[KnowledgeArticle]:
    return list(db.session.scalars(select(KnowledgeArticle)
                                   .order_by(KnowledgeArticle.kind, KnowledgeArticle.sort_order,
                                             KnowledgeArticle.id)))


# -- the reference content (seed) --------------------------------------------------------------

def load_knowledge(directory: Path | str | None = None) -> dict:
    """Upsert the published articles of every *.md file in the knowledge directory.

    Idempotent: a file whose hash equals the one loaded last time changes nothing; an article a
    staff member edited since (staff_edited_at) or wrote by hand (no source file) is kept."""
    folder = Path(directory) if directory else KNOWLEDGE_DIR
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_staff_edits": 0}
    if not folder.is_dir():
        return counts
    with transaction():
        for path in sorted(folder.glob("*.md")):
            counts[_load_file(path)] += 1
    return counts


def _load_file(path: Path) -> str:
    """Upsert the article of one file; returns which count it adds to."""
    text = path.read_text(encoding="utf-8")
    meta, body = parse_front_matter(text, source=path.name)
    digest = content_hash(text)
    article = db.session.scalar(select(KnowledgeArticle).where(
        KnowledgeArticle.slug == meta["slug"]))
    if article is not None:
        if article.staff_edited_at is not None or article.source_path is None:
            return "kept_staff_edits"
        if article.source_hash == digest:
            return "unchanged"
    created = article is None
    if created:
        article = KnowledgeArticle()
        db.session.add(article)
    _apply(article, ArticleInput(kind=meta["kind"], slug=meta["slug"], title=meta["title"],
                                 body_md=body, filing_type=meta.get("filing_type", ""),
                                 sort_order=meta["order"]))
    draft = meta.get("status", "").lower() == "draft"
    article.status = ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED
    article.source_path = path.name
    article.source_hash = digest
    article.updated_at = now()
    if not draft and article.published_at is None:
        article.published_at = now()
    return "created" if created else "updated"
