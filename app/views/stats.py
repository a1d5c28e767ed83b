"""Views of the stats capability: the barometer dashboards (就业晴雨表), their exports, and the
service-push work list (精准推送).

Every endpoint decides the viewer's scope through app.queries.jurisdiction first: city-wide staff see the
city or a district they pick, district (and street) staff their own district only — asking for
another district is refused (403). Pages read only the aggregate tables."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app import clock
from app.domain import stats as ds
from app.domain.errors import DomainError, NotFound
from app.services.stats import exports
from app.services.stats import push as stats_push
from app.services.stats import queries as sq
from app.views.filters import current_jurisdiction
from app.web import current_actor


def _scope(default_on_error: bool):
    """The scope of this request; a bad period is flashed (pages) or refused (exports)."""
    jurisdiction = current_jurisdiction()
    args = request.args
    try:
        return sq.scope_for(jurisdiction, args.get("start"), args.get("end"),
                            args.get("district"), clock.today())
    except sq.OutsideJurisdiction:
        abort(403)
    except DomainError as exc:
        if not default_on_error:
            abort(400, description=f"{exc.message}（{exc.code}）")
        flash(f"{exc.message}（{exc.code}）已改为显示默认期间。", "danger")
        return sq.scope_for(jurisdiction, None, None, args.get("district"),
                            clock.today())


class StatsDashboardView(BaseView):  # 就业晴雨表
    route_base = "/stats"
    default_view = "overview"
    base_permissions = ["can_read"]
    method_permission_name = {"overview": "read", "page": "read", "export": "read"}

    @expose("/")
    @has_access
    def overview(self):
        return self._render("overview")

    @expose("/<string:name>")
    @has_access
    def page(self, name):
        if name not in sq.PAGES:
            abort(404)
        return self._render(name)

    def _render(self, name: str):
        scope = _scope(default_on_error=True)
        title, names = sq.PAGES[name]
        tables = {n: sq.DATASETS[n](scope) for n in names}
        headline = sq.headline(scope, tables) if name == "overview" else None
        return self.render_template(
            "stats/dashboard.html", title=f"就业晴雨表 · {title}", page=name, pages=sq.PAGES,
            scope=scope, tables=[tables[n] for n in names], headline=headline,
            districts=sq.districts_for(current_jurisdiction()),
            city_wide=current_jurisdiction().is_city_wide, run=sq.last_run(),
            args={k: request.args[k] for k in ("start", "end", "district")
                  if request.args.get(k)})

    @expose("/export/<string:name>.<string:fmt>")
    @has_access
    def export(self, name, fmt):
        """The table behind a chart as Excel or CSV (formula-safe), audited."""
        if name not in sq.DATASETS or fmt not in exports.FORMATS:
            abort(404)
        scope = _scope(default_on_error=False)
        export = exports.export_table(current_actor(), name, scope, fmt)
        return send_file(io.BytesIO(export.data), mimetype=export.mimetype, as_attachment=True,
                         download_name=export.filename)


class ServicePushView(BaseView):  # 精准推送
    route_base = "/stats/push"
    default_view = "index"
    base_permissions = ["can_read", "can_write"]
    method_permission_name = {"index": "read", "mark": "write"}

    @expose("/")
    @has_access
    def index(self):
        args = request.args
        status, rule, period = args.get("status", "OPEN"), args.get("rule", ""), args.get("period", "")
        found = stats_push.work_list(current_jurisdiction(), status=status, rule=rule,
                                     period=period, page=args.get("page", 1))
        return self.render_template(
            "stats/push.html", title="精准推送", rows=found.rows, total=found.total,
            page=found.page, pages=found.pages, status=status, rule=rule, period=period,
            periods=found.periods, users=found.users, statuses=ds.PushStatus, rules=ds.PushRule)

    @expose("/<int:push_id>/mark", methods=["POST"])
    @has_access
    def mark(self, push_id):
        try:
            stats_push.mark(push_id, current_actor(), request.form.get("status", ""),
                            request.form.get("note", ""))
            flash("已保存处理结果。", "success")
        except NotFound:
            abort(404)
        except DomainError as exc:
            flash(f"{exc.message}（{exc.code}）", "danger")
        back = {k: request.form.get(f"back_{k}") for k in ("status", "rule", "period", "page")}
        return redirect(url_for("ServicePushView.index",
                                **{k: v for k, v in back.items() if v}) + f"#push-{push_id}")


def register(appbuilder) -> None:
    """The "Statistics" menu: the barometer and the service-push list."""
    appbuilder.add_view(StatsDashboardView, "Barometer", icon="fa-bar-chart",
                        category="Statistics", category_icon="fa-line-chart")
    appbuilder.add_view(ServicePushView, "Service push", icon="fa-bullhorn",
                        category="Statistics")
