"""Security: our SecurityManager, roles as code and their idempotent sync, password policy.

Roles are defined here and written to the database only by `flask beian init` (never at
start-up: workers syncing permissions at boot race and corrupt permission rows)."""

from __future__ import annotations

import logging

from flask import current_app, g, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView, UserDBModelView

from app.domain.directory import DIRECTORY_UNAVAILABLE, account_kind, asks_directory
from app.domain.errors import DomainError
from app.domain.passwords import PASSWORD_RULE, is_complex
from app.domain.roles import (
    ROLE_ADMIN,
    ROLE_CITY,
    ROLE_COORDINATOR,
    ROLE_DISTRICT,
    ROLE_EMPLOYER,
    ROLE_INDIVIDUAL,
    ROLE_STREET,
)
from app.models.users import BeianUser

log = logging.getLogger(__name__)
ROLE_PUBLIC = "Public"

READ = ("can_list", "can_show")
WRITE = ("can_list", "can_show", "can_add", "can_edit")
CODE_LIST_VIEWS = (
    "IndustrySectionView", "IndustryDivisionView", "EmployerTypeView", "OwnershipTypeView",
    "EducationLevelView", "SpecialGroupView", "TerminationReasonView", "ContractTypeView",
    "EmploymentFormView",
)


def _grant(views, perms) -> dict[str, tuple[str, ...]]:
    return {v: tuple(perms) for v in views}


PORTAL = ("can_read", "can_write")
_STAFF_COMMON = {
    **_grant(("RegionView", "OfficeView"), READ),
    **_grant(CODE_LIST_VIEWS, READ),
    "PersonView": WRITE,
    "PersonLookupView": ("can_lookup", "can_reveal"),
    "CounterView": PORTAL,
    "ReviewQueueView": ("can_read",),
    "FilingView": READ + ("can_review", "can_correct", "can_attachment"),
    "CorrectionRuleView": READ,
    "DocumentView": ("can_download", "can_batch"),
    "ChangeRequestView": READ + ("can_decide", "can_proof"),
    "DisputeView": READ + ("can_resolve",),
}

# role → view (FAB class_permission_name) → permissions. "*" means every permission the view has.
# Admin gets every permission of every view (computed at sync).
ROLE_DEFINITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    ROLE_CITY: {
        **_STAFF_COMMON,
        "UnitView": WRITE + ("approve", "suspend", "can_override_checksum"),
        "AuditLogView": READ,
        "FilingView": READ + ("can_review", "can_correct", "can_cancel", "can_attachment"),
        "NoticeView": READ + ("retry",),
    },
    ROLE_DISTRICT: {
        **_STAFF_COMMON,
        "UnitView": WRITE + ("approve", "suspend"),
        "FilingView": READ + ("can_review", "can_correct", "can_cancel", "can_attachment"),
    },
    ROLE_STREET: {
        **_STAFF_COMMON,
        "UnitView": WRITE,
    },
    ROLE_COORDINATOR: {
        "UnitView": READ,
        **_grant(("RegionView", "OfficeView"), READ),
    },
    ROLE_EMPLOYER: {
        "UnitView": READ,
        "EmployerPortalView": PORTAL,
        "DocumentView": ("can_download", "can_batch"),
    },
    ROLE_INDIVIDUAL: {
        "MyRecordsView": PORTAL,
        "DocumentView": ("can_download",),
    },
    ROLE_PUBLIC: {},
}

# Menu entries a role may see (FAB checks menu_access on category and item names).
STAFF_FILING_MENUS = ("Filings", "Counter filing", "Filing records", "Review queue",
                      "District approvals", "Correction rules", "Change requests", "Disputes",
                      "Batch documents")
EMPLOYER_MENUS = ("Employer portal", "Portal home", "Roster", "My filings", "File a hire",
                  "Notices", "Unit seal")
ROLE_MENUS: dict[str, tuple[str, ...]] = {
    ROLE_INDIVIDUAL: ("Personal", "My records"),
    ROLE_CITY: ("Organisation", "Regions", "Offices", "Units", "Persons", "Code lists",
                "Industry sections", "Industry divisions", "Employer types", "Ownership types",
                "Education levels", "Special groups", "Termination reasons", "Contract types",
                "Employment forms", "Audit", "Audit log", "Find person", *STAFF_FILING_MENUS,
                "Notice outbox", "Failed notices"),
    ROLE_DISTRICT: ("Organisation", "Regions", "Offices", "Units", "Persons", "Code lists",
                    "Industry sections", "Industry divisions", "Employer types",
                    "Ownership types", "Education levels", "Special groups",
                    "Termination reasons", "Contract types", "Employment forms", "Find person",
                    *STAFF_FILING_MENUS),
    ROLE_STREET: ("Organisation", "Regions", "Offices", "Units", "Persons", "Code lists",
                  "Industry sections", "Industry divisions", "Employer types", "Ownership types",
                  "Education levels", "Special groups", "Termination reasons", "Contract types",
                  "Employment forms", "Find person", *STAFF_FILING_MENUS),
    ROLE_COORDINATOR: ("Organisation", "Units", "Regions", "Offices"),
    ROLE_EMPLOYER: ("Organisation", "Units", *EMPLOYER_MENUS),
}


def _merge_features() -> None:
    """Fold in what each capability grants (app/grants/<capability>.py)."""
    from app.grants import FEATURES

    for feature in FEATURES:
        for role, views in feature.GRANTS.items():
            target = ROLE_DEFINITIONS.setdefault(role, {})
            for view, perms in views.items():
                target[view] = tuple(dict.fromkeys(target.get(view, ()) + tuple(perms)))
        for role, menus in feature.MENUS.items():
            ROLE_MENUS[role] = tuple(dict.fromkeys(ROLE_MENUS.get(role, ()) + tuple(menus)))


_merge_features()


ALL_ROLES = (ROLE_ADMIN, ROLE_CITY, ROLE_DISTRICT, ROLE_STREET, ROLE_COORDINATOR, ROLE_EMPLOYER,
             ROLE_INDIVIDUAL, ROLE_PUBLIC)


def password_complexity(password: str) -> None:
    """FAB's password validator (FAB_PASSWORD_COMPLEXITY_VALIDATOR): the rule of
    app.domain.passwords."""
    if not is_complex(password):
        raise PasswordComplexityValidationError(PASSWORD_RULE)


class BeianUserDBModelView(UserDBModelView):
    """User administration with the office / unit / person that decide jurisdiction."""

    list_columns = ["username", "first_name", "last_name", "active", "roles", "office", "unit"]
    search_columns = ["username", "first_name", "last_name", "email", "active", "roles",
                      "office", "unit"]
    add_columns = ["first_name", "last_name", "username", "active", "email", "roles", "office",
                   "unit", "password", "conf_password"]
    edit_columns = ["first_name", "last_name", "username", "active", "email", "roles", "office",
                    "unit"]
    show_fieldsets = UserDBModelView.show_fieldsets + [
        ("管辖", {"fields": ["office", "unit", "person"], "expanded": True}),
    ]


class BeianAuthDBView(AuthDBView):
    """FAB's login page (/login/), saying why a directory sign-in was refused (no office, no
    role, the directory unreachable) instead of "invalid login"."""

    @property
    def invalid_login_message(self):
        return g.get("beian_login_refusal") or AuthDBView.invalid_login_message


class BeianSecurityManager(SecurityManager):
    """AUTH_DB for everyone FAB-wise; staff are checked against the city's directory when
    BEIAN_LDAP_SERVER is set (docs/directory.md), everyone else against the database."""

    user_model = BeianUser
    userdbmodelview = BeianUserDBModelView
    authdbview = BeianAuthDBView

    # -- sign-in: the directory for staff, the database for the rest ----------------------
    def auth_user_db(self, username, password):
        from app.services.accounts.ldap_directory import DirectorySettings

        settings = DirectorySettings.from_config(current_app.config)
        if settings is None or not asks_directory(username or "", self._local_kind(username),
                                                  settings.staff_pattern):
            return super().auth_user_db(username, password)
        return self._auth_user_directory(settings, username, password)

    def _local_kind(self, username) -> str | None:
        """employer / individual / admin / staff for a local account (by username or e-mail)."""
        if not username:
            return None
        user = self.find_user(username=username)
        if user is None and "@" in username:
            user = self.find_user(email=username)
        if user is None:
            return None
        return account_kind((r.name for r in user.roles), has_unit=bool(user.unit_id),
                            has_person=bool(user.person_id))

    def _auth_user_directory(self, settings, username, password):
        from app.services.accounts import directory, ldap_directory

        try:
            answer = ldap_directory.authenticate(settings, username, password)
        except ldap_directory.DirectoryUnavailable:
            g.beian_login_refusal = DIRECTORY_UNAVAILABLE().message
            return None
        if answer.entry is None:
            local = self.find_user(username=username)
            if answer.known and local is not None:
                self.update_user_auth_stat(local, False)
            log.info("directory sign-in refused for %s (%s)", username,
                     "wrong password" if answer.known else "not in the directory")
            return None
        try:
            user = directory.sign_in(answer.entry, settings.role_groups,
                                     ip=request.remote_addr or "")
        except DomainError as refusal:
            g.beian_login_refusal = refusal.message
            log.info("directory sign-in refused for %s: %s", username, refusal.code)
            return None
        self.update_user_auth_stat(user, True)
        return user

    def on_user_login(self, user) -> None:
        from app.services.actor import Actor
        from app.services.audit import record
        from app.services.transaction import transaction

        actor = Actor.of(user, ip=request.remote_addr if request else "")
        with transaction():  # FAB has committed the login count already: the entry is its own
            record(actor, "user", user.id, "login")

    # -- roles as code -----------------------------------------------------------------------
    def sync_roles(self) -> dict[str, int]:
        """Create every view's permissions and set each role's permissions to exactly its
        definition. Idempotent: running it twice changes nothing the second time."""
        from app.services.transaction import transaction

        with transaction():
            for role_name in ALL_ROLES:  # FAB grants new permissions to Admin: it must exist first
                if self.find_role(role_name) is None:
                    self.add_role(role_name)
            self.appbuilder.add_permissions(update_perms=True)
            by_view: dict[str, dict[str, object]] = {}
            all_pvms = self.session.query(self.permissionview_model).all()
            for pvm in all_pvms:
                by_view.setdefault(pvm.view_menu.name, {})[pvm.permission.name] = pvm
            return {name: self._sync_role(name, all_pvms, by_view) for name in ALL_ROLES}

    def _sync_role(self, role_name: str, all_pvms: list, by_view: dict) -> int:
        """Set one role's permissions to its definition; how many it has."""
        role = self.find_role(role_name)
        if role_name == ROLE_ADMIN:
            wanted = list(all_pvms)
        else:
            wanted = []
            for view, perms in ROLE_DEFINITIONS.get(role_name, {}).items():
                available = by_view.get(view, {})
                names = available.keys() if "*" in perms else perms
                wanted.extend(available[p] for p in names if p in available)
            for menu in ROLE_MENUS.get(role_name, ()):
                pvm = by_view.get(menu, {}).get("menu_access")
                if pvm is not None:
                    wanted.append(pvm)
        if {p.id for p in role.permissions} != {p.id for p in wanted}:
            role.permissions = wanted
        return len(wanted)
