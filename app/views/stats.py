"""Views of the stats capability: the barometer dashboards (就业晴雨表), their exports, and the
service-push work list (精准推送).

Every endpoint decides the viewer's scope through app.queries.jurisdiction first: city-wide staff see the
city or a district they pick, district (and street) staff their own district only — asking for
another district is refused (403). Pages read only the aggregate tables."""

from __future__ import annotations

import datetime
import io
import math

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.domain import stats as ds
from app.domain.errors import DomainError
from app.extensions import db
from app.models.stats import ServicePush
from app.models.units import Unit
from app.services import stats_push
from app.services import stats_queries as sq
from app.services.audit import record
from app.services.tabular import csv_bytes, xlsx_bytes
from app.services.transaction import transaction
from app.views.filters import current_jurisdiction

EXPORT_FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8"}
PUSH_PAGE_SIZE = 50


def _scope(default_on_error: bool):
    """The scope of this request; a bad period is flashed (pages) or refused (exports)."""
    jurisdiction = current_jurisdiction()
    args = request.args
    try:
        return sq.scope_for(jurisdiction, args.get("start"), args.get("end"),
                            args.get("district"), datetime.date.today())
    except sq.OutsideJurisdiction:
        abort(403)
    except DomainError as exc:
        if not default_on_error:
            abort(400, description=f"{exc.message}（{exc.code}）")
        flash(f"{exc.message}（{exc.code}）已改为显示默认期间。", "danger")
        return sq.scope_for(jurisdiction, None, None, args.get("district"),
                            datetime.date.today())


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
        if name not in sq.DATASETS or fmt not in EXPORT_FORMATS:
            abort(404)
        scope = _scope(default_on_error=False)
        table = sq.DATASETS[name](scope)
        if fmt == "xlsx":
            data = xlsx_bytes(table.headers, table.rows, sheet_title=table.title)
        else:
            data = csv_bytes(table.headers, table.rows)
        with transaction():
            record("stats_export", name, "export",
                   after={**scope.describe(), "format": fmt, "rows": len(table.rows)})
        filename = (f"{table.title}_{scope.district_name}_{scope.months.start:%Y%m}-"
                    f"{scope.months.end:%Y%m}.{fmt}")
        return send_file(io.BytesIO(data), mimetype=EXPORT_FORMATS[fmt], as_attachment=True,
                         download_name=filename)


class ServicePushView(BaseView):  # 精准推送
    route_base = "/stats/push"
    default_view = "index"
    base_permissions = ["can_read", "can_write"]
    method_permission_name = {"index": "read", "mark": "write"}

    @expose("/")
    @has_access
    def index(self):
        jurisdiction = current_jurisdiction()
        status = request.args.get("status", "OPEN")
        rule = request.args.get("rule", "")
        period = request.args.get("period", "")
        clauses = [stats_push.suggestions_in(jurisdiction)]
        if status in ds.PushStatus.__members__:
            clauses.append(ServicePush.status == ds.PushStatus[status])
        if rule in ds.PushRule.__members__:
            clauses.append(ServicePush.rule == ds.PushRule[rule])
        if period:
            clauses.append(ServicePush.period_key == period[:8])
        total = db.session.scalar(select(func.count(ServicePush.id)).where(*clauses)) or 0
        pages = max(1, math.ceil(total / PUSH_PAGE_SIZE))
        try:
            page = min(max(int(request.args.get("page", 1)), 1), pages)
        except ValueError:
            page = 1
        rows = list(db.session.scalars(
            select(ServicePush).options(joinedload(ServicePush.unit).joinedload(Unit.district),
                                        joinedload(ServicePush.unit).joinedload(Unit.street))
            .where(*clauses)
            .order_by(ServicePush.period_key.desc(), ServicePush.rule,
                      ServicePush.terminations.desc(), ServicePush.id)
            .offset((page - 1) * PUSH_PAGE_SIZE).limit(PUSH_PAGE_SIZE)))
        periods = list(db.session.scalars(
            select(ServicePush.period_key).where(stats_push.suggestions_in(jurisdiction))
            .distinct().order_by(ServicePush.period_key.desc())))
        users = _user_names({r.contacted_by_id for r in rows if r.contacted_by_id})
        return self.render_template(
            "stats/push.html", title="精准推送", rows=rows, total=total, page=page, pages=pages,
            status=status, rule=rule, period=period, periods=periods, users=users,
            statuses=ds.PushStatus, rules=ds.PushRule)

    @expose("/<int:push_id>/mark", methods=["POST"])
    @has_access
    def mark(self, push_id):
        jurisdiction = current_jurisdiction()
        try:
            stats_push.mark(push_id, jurisdiction, g.user, request.form.get("status", ""),
                            request.form.get("note", ""))
            flash("已保存处理结果。", "success")
        except LookupError:
            abort(404)
        except DomainError as exc:
            flash(f"{exc.message}（{exc.code}）", "danger")
        back = {k: request.form.get(f"back_{k}") for k in ("status", "rule", "period", "page")}
        return redirect(url_for("ServicePushView.index",
                                **{k: v for k, v in back.items() if v}) + f"#push-{push_id}")


def _user_names(ids) -> dict[int, str]:
    if not ids:
        return {}
    from app.models.users import BeianUser

    return {u.id: f"{u.first_name}{u.last_name}" for u in db.session.scalars(
        select(BeianUser).where(BeianUser.id.in_(ids)))}


def register(appbuilder) -> None:
    """The "Statistics" menu: the barometer and the service-push list."""
    appbuilder.add_view(StatsDashboardView, "Barometer", icon="fa-bar-chart",
                        category="Statistics", category_icon="fa-line-chart")
    appbuilder.add_view(ServicePushView, "Service push", icon="fa-bullhorn",
                        category="Statistics")
