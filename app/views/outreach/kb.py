"""Knowledge-base editor for staff (/outreach/kb): Markdown with a server-rendered preview (the
same renderer and sanitiser the public page uses), drafts and publishing."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.domain.errors import DomainError
from app.domain.outreach import ArticleStatus
from app.models.outreach import KnowledgeArticle
from app.queries import outreach as oq
from app.services.outreach import knowledge as kb
from app.views.base import found_or_404
from app.views.forms import attach_domain_error, error_text
from app.views.outreach.forms import ArticleForm
from app.web import current_actor


def _input(form: ArticleForm) -> kb.ArticleInput:
    return kb.ArticleInput(kind=form.kind.data or "", slug=form.slug.data or "",
                           title=form.title.data or "", body_md=form.body_md.data or "",
                           filing_type=form.filing_type.data or "",
                           sort_order=form.sort_order.data if form.sort_order.data is not None
                           else 100)


class KnowledgeEditorView(BaseView):
    route_base = "/outreach/kb"
    default_view = "index"
    method_permission_name = {"index": "read", "add": "write", "edit": "write",
                              "publish": "write"}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("outreach/kb_admin.html", articles=kb.all_articles(),
                                    ArticleStatus=ArticleStatus)

    def _editor(self, form: ArticleForm, article: KnowledgeArticle | None):
        preview_html = None
        if form.validate_on_submit():
            if request.form.get("action") == "preview":
                preview_html = kb.preview(form.body_md.data or "")
            else:
                try:
                    saved = kb.save_article(_input(form), current_actor(),
                                            article_id=article.id if article else None)
                except DomainError as exc:
                    attach_domain_error(form, exc)
                else:
                    flash(f"“{saved.title}”已保存（{saved.status.value}）。", "success")
                    return redirect(url_for("KnowledgeEditorView.edit", article_id=saved.id))
        return self.render_template("outreach/kb_edit.html", form=form, article=article,
                                    preview_html=preview_html, ArticleStatus=ArticleStatus)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def add(self):
        return self._editor(ArticleForm(), None)

    @expose("/<int:article_id>", methods=["GET", "POST"])
    @has_access
    def edit(self, article_id: int):
        article = found_or_404(oq.article(article_id))
        form = ArticleForm(obj=article if request.method == "GET" else None)
        if request.method == "GET":
            form.kind.data = article.kind.name
            form.filing_type.data = article.filing_type or ""
            form.sort_order.data = article.sort_order
        return self._editor(form, article)

    @expose("/<int:article_id>/publish", methods=["POST"])
    @has_access
    def publish(self, article_id: int):
        article = found_or_404(oq.article(article_id))
        publish = request.form.get("publish") == "1"
        try:
            kb.set_published(article.id, publish, current_actor())
        except DomainError as exc:
            flash(error_text(exc), "danger")
        else:
            flash("已发布，公众无需登录即可查看。" if publish else "已撤回为草稿，公众不再可见。",
                  "success")
        return redirect(url_for("KnowledgeEditorView.edit", article_id=article.id))
