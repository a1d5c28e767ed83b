"""Roles as code: synced by `flask beian init`, idempotently, never at start-up."""

from app.domain.roles import ROLE_CITY, ROLE_DISTRICT, ROLE_EMPLOYER
from app.security import ALL_ROLES


def test_every_role_exists_after_init(app):
    from app.extensions import appbuilder

    with app.app_context():
        for name in ALL_ROLES:
            assert appbuilder.sm.find_role(name) is not None, name


def test_role_sync_is_idempotent(app):
    from app.extensions import appbuilder

    with app.app_context():
        def snapshot():
            return {name: sorted(str(p) for p in appbuilder.sm.find_role(name).permissions)
                    for name in ALL_ROLES}

        before = snapshot()
        appbuilder.sm.sync_roles()
        appbuilder.sm.sync_roles()
        assert snapshot() == before


def test_role_sync_removes_permissions_added_by_hand(app):
    from app.extensions import appbuilder, db

    with app.app_context():
        sm = appbuilder.sm
        role = sm.find_role(ROLE_EMPLOYER)
        extra = sm.find_permission_view_menu("can_delete", "UnitView")
        role.permissions.append(extra)
        db.session.commit()
        sm.sync_roles()
        assert extra not in sm.find_role(ROLE_EMPLOYER).permissions


def test_only_city_staff_may_override_a_failing_credit_code_checksum(app):
    from app.extensions import appbuilder

    with app.app_context():
        sm = appbuilder.sm
        perm = sm.find_permission_view_menu("can_override_checksum", "UnitView")
        assert perm in sm.find_role(ROLE_CITY).permissions
        assert perm not in sm.find_role(ROLE_DISTRICT).permissions


def test_cli_init_and_demo_are_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["beian", "init"])
    assert first.exit_code == 0, first.output
    assert "0 new codes" in first.output
    demo = runner.invoke(args=["beian", "demo", "--units", "40", "--persons", "200"])
    assert demo.exit_code == 0, demo.output
    assert "'units': 0" in demo.output and "'persons': 0" in demo.output
    assert "'users': 0" in demo.output
