"""Every route of the app (rule × method) is checked by an access matrix, or is listed below as
public, static or FAB-internal with the reason: a new endpoint without a matrix line fails here.

The matrices are read, not run: a request a matrix file makes (``client.get("/x/{id}")``,
``check("POST", f"/y/{n}", …)``, or a path in one of its tables, taken as a GET) covers the
routes its path can reach, a ``{…}`` part standing for any one path segment part;
``("POST", "/z")`` in a table is a request of that method."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MATRICES = ("test_access_matrix.py", "test_api_access.py", "test_outreach_access.py",
            "test_review.py", "test_bulk_views.py", "test_stats.py", "test_documents.py",
            "test_counter.py", "test_portal.py", "test_individuals.py", "test_api.py",
            "test_corrections.py")
HTTP = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
METHODS = set(HTTP.values())

# Endpoints outside the matrices, each with why.
NOT_IN_A_MATRIX = {
    # Static files and FAB's own machinery: no records, no role logic of ours.
    "static", "appbuilder.static", "UtilView.back", "LocaleView.index", "SwaggerView.show",
    "UserStatsChartView.chart", "BeianAuthDBView.login", "BeianAuthDBView.logout",
    "ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post",
    "ResetPasswordView.this_form_get", "ResetPasswordView.this_form_post",
    "UserInfoEditView.this_form_get", "UserInfoEditView.this_form_post",
    "BeianUserDBModelView.userinfo",
    # Public pages anyone (logged in or not) may open: no jurisdiction behind them.
    "BeianIndexView.index", "VerifyView.form", "VerifyView.show", "OpenApiDocument.get",
    "UnitRegistrationView.register", "IndividualRegistrationView.register",
    "PublicEventsView.show", "KnowledgeBaseView.article",
    "CodeListApi.contract_type", "CodeListApi.education", "CodeListApi.employment_form",
    "CodeListApi.termination_reason", "SecurityApi.login", "SecurityApi.refresh",
    # Operations: liveness and readiness for load balancers (public, nothing personal), and
    # metrics served by client network, not by role (tests/test_ops.py tries both sides).
    "health.healthz", "health.readyz", "metrics.scrape",
}
# FAB's security views (users, roles, permissions, view menus, groups): admin-only through FAB's
# permissions, which tests/test_roles.py pins role by role.
FAB_SECURITY_VIEWS = ("BeianUserDBModelView", "RoleModelView", "PermissionModelView",
                      "PermissionViewModelView", "ViewMenuModelView", "UserGroupModelView")
# The generic endpoints FAB gives every ModelView; ours are guarded by FAB permissions (role
# sets in tests/test_roles.py) and, for records, by the base filters the matrices check on
# list/show/edit. Download and the action routes are FAB's plumbing around the same checks.
FAB_GENERIC = ("download", "action", "action_post")
# Reference code lists (代码表): read by every office role, edited by admins only.
CODE_LIST_VIEWS = ("ContractTypeView", "EducationLevelView", "EmployerTypeView",
                   "EmploymentFormView", "IndustryDivisionView", "IndustrySectionView",
                   "OwnershipTypeView", "SpecialGroupView", "TerminationReasonView")


# Routes no matrix checks yet (found when this test was written): each still wants a matrix
# line (role × inside/outside → status). Remove an entry when a matrix covers it; the list
# may only shrink (test_the_known_gaps_are_still_gaps).
KNOWN_GAPS = {
    ("ApiKeyAdminView.show", "GET"),
    ("AuditLogView.show", "GET"),
    ("BulkCounterView.batch", "GET"), ("BulkCounterView.documents", "POST"),
    ("BulkCounterView.file", "POST"), ("BulkCounterView.report", "GET"),
    ("BulkCounterView.status", "GET"),
    ("ChangeRequestView.proof", "GET"),
    ("CorrectionRuleView.edit", "POST"),
    ("CounterView.attachment", "GET"), ("CounterView.index", "POST"), ("CounterView.renew", "GET"),
    ("CounterView.renew", "POST"), ("CounterView.resubmit", "GET"),
    ("CounterView.resubmit", "POST"), ("CounterView.terminate", "POST"),
    ("CounterView.transfer", "GET"), ("CounterView.transfer", "POST"),
    ("EmployerApiKeyView.create", "POST"),
    ("EventAdminView.add", "POST"), ("EventAdminView.cancel", "POST"),
    ("EventAdminView.cancel_signup", "POST"), ("EventAdminView.edit", "POST"),
    ("EventAdminView.feedback", "POST"),
    ("FilingView.add", "POST"),
    ("IssueDeskView.add", "POST"),
    ("JointMeetingView.add", "POST"), ("JointMeetingView.minutes", "POST"),
    ("KeyEnterpriseView.case_batch", "GET"), ("KeyEnterpriseView.case_batch_status", "GET"),
    ("KeyEnterpriseView.case_batch_zip", "GET"), ("KeyEnterpriseView.case_documents", "POST"),
    ("KeyEnterpriseView.close_case", "POST"), ("KeyEnterpriseView.designate", "POST"),
    ("KeyEnterpriseView.follow_up_status", "POST"), ("KeyEnterpriseView.link", "POST"),
    ("KeyEnterpriseView.record_visit", "POST"), ("KeyEnterpriseView.staff", "POST"),
    ("KnowledgeEditorView.add", "POST"), ("KnowledgeEditorView.edit", "POST"),
    ("KnowledgeEditorView.publish", "POST"),
    ("NoticeView.show", "GET"),
    ("OfficeView.add", "POST"), ("OfficeView.edit", "POST"),
    ("PersonView.add", "POST"), ("PersonView.edit", "POST"),
    ("PortalEventsView.signup", "GET"), ("PortalEventsView.signup", "POST"),
    ("RegionView.add", "POST"), ("RegionView.edit", "POST"),
    ("UnitView.add", "POST"),
}


def _exempt(endpoint: str) -> bool:
    view, _, name = endpoint.partition(".")
    return (endpoint in NOT_IN_A_MATRIX or view in FAB_SECURITY_VIEWS
            or view in CODE_LIST_VIEWS or name in FAB_GENERIC)


def _path(node) -> str | None:
    """A path literal, with every ``{…}`` of an f-string kept as ``{}``; None if not a path."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    else:
        return None
    text = text.split("?", 1)[0]
    return text if text.startswith("/") and " " not in text else None


def requests_of(source: str) -> set[tuple[str, str]]:
    """(method, path pattern) of every request a matrix file makes or lists."""
    found, in_calls = set(), set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        args = list(node.args)
        if name in HTTP and args and _path(args[0]):
            found.add((HTTP[name], _path(args[0])))
            in_calls.add(id(args[0]))
        for first, second in zip(args, args[1:], strict=False):  # check("POST", "/x", …)
            if (isinstance(first, ast.Constant) and first.value in METHODS
                    and _path(second)):
                found.add((first.value, _path(second)))
                in_calls.add(id(second))
    for node in ast.walk(ast.parse(source)):  # ("POST", "/x") in a table
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            method, path = node.elts[0], _path(node.elts[1])
            if isinstance(method, ast.Constant) and method.value in METHODS and path:
                found.add((method.value, path))
                in_calls.add(id(node.elts[1]))
    for node in ast.walk(ast.parse(source)):  # other paths in tables: GET pages
        path = _path(node)
        if path and id(node) not in in_calls:
            found.add(("GET", path))
    return found


def _regex(segment: str, wildcard: str) -> str:
    """A segment as a regex: the wildcard pattern (``{}`` or a ``<converter>``) → any text."""
    parts = re.split(f"({wildcard})", segment)
    return "".join("[^/]+" if re.fullmatch(wildcard, p) else re.escape(p) for p in parts)


def _covers(path: str, rule: str) -> bool:
    """Whether the path pattern can reach the rule, segment by segment: a rule's <converter>
    and a path's {} each stand for any text."""
    wanted, have = path.strip("/").split("/"), rule.strip("/").split("/")
    if len(wanted) != len(have) or path.endswith("/") != rule.endswith("/"):
        return False
    for mine, theirs in zip(wanted, have, strict=True):
        rule_sample, path_sample = re.sub(r"<[^>]+>", "1", theirs), mine.replace("{}", "1")
        if not (re.fullmatch(_regex(theirs, r"<[^>]+>"), path_sample)
                or re.fullmatch(_regex(mine, r"\{\}"), rule_sample)):
            return False
    return True


def matrix_requests() -> set[tuple[str, str]]:
    out = set()
    for name in MATRICES:
        out |= requests_of((HERE / name).read_text(encoding="utf-8"))
    return out


def routes(app) -> list[tuple[str, str, str]]:
    return sorted((rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
                  for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))


def test_every_route_is_in_an_access_matrix_or_listed(app):
    requests = matrix_requests()
    missing = [f"{method} {rule} ({endpoint})" for endpoint, method, rule in routes(app)
               if not _exempt(endpoint) and (endpoint, method) not in KNOWN_GAPS
               and not any(m == method and _covers(p, rule) for m, p in requests)]
    assert not missing, "routes in no access matrix:\n" + "\n".join(missing)


def test_the_listed_exceptions_still_exist(app):
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert NOT_IN_A_MATRIX <= endpoints, sorted(NOT_IN_A_MATRIX - endpoints)
    views = {e.partition(".")[0] for e in endpoints}
    gone = [v for v in FAB_SECURITY_VIEWS + CODE_LIST_VIEWS if v not in views]
    assert not gone, gone


def test_the_known_gaps_are_still_gaps(app):
    """A gap a matrix now covers (or a route that is gone) leaves the list."""
    requests = matrix_requests()
    rules = {(endpoint, method): rule for endpoint, method, rule in routes(app)}
    closed = sorted(gap for gap in KNOWN_GAPS if gap not in rules or any(
        m == gap[1] and _covers(p, rules[gap]) for m, p in requests))
    assert not closed, f"no longer gaps, remove from KNOWN_GAPS: {closed}"


@pytest.mark.parametrize(("path", "rule", "covered"), [
    ("/filingview/show/{}", "/filingview/show/<int:pk>", True),
    ("/filingview/{}/{}", "/filingview/approve/<int:pk>", True),
    ("/stats/export/online_share.xlsx", "/stats/export/<string:name>.<string:fmt>", True),
    ("/unitview/list/", "/unitview/list/", True),
    ("/unitview/list", "/unitview/list/", False),
    ("/unitview/show/{}", "/unitview/edit/<pk>", False),
])
def test_a_path_covers_the_rules_it_can_reach(path, rule, covered):
    assert _covers(path, rule) is covered
