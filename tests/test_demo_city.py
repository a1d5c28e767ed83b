"""The demo city is realistic: real districts, valid identifiers, every employer type."""

from sqlalchemy import func, select

from app.domain.identifiers import is_valid_citizen_id, is_valid_credit_code


def test_demo_city_has_wuxi_districts_streets_and_an_office_per_level(app):
    from app.extensions import db
    from app.models.org import Office, OfficeLevel, Region, RegionLevel

    with app.app_context():
        districts = set(db.session.scalars(
            select(Region.name).where(Region.level == RegionLevel.DISTRICT)))
        assert districts == {"梁溪区", "锡山区", "惠山区", "滨湖区", "新吴区", "江阴市", "宜兴市"}
        for level in OfficeLevel:
            assert db.session.scalar(select(func.count()).where(Office.level == level)) >= 1
        streets = db.session.scalars(select(Region).where(Region.level == RegionLevel.STREET))
        assert all(s.parent.level == RegionLevel.DISTRICT for s in streets)


def test_demo_identifiers_are_all_valid(app):
    from app.extensions import db
    from app.models.people import Person
    from app.models.units import Unit

    with app.app_context():
        assert all(is_valid_credit_code(c) for c in db.session.scalars(select(Unit.credit_code)))
        assert all(is_valid_citizen_id(c)
                   for c in db.session.scalars(select(Person.citizen_id)))


def test_demo_units_cover_many_employer_types_and_industries(app):
    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        types = set(db.session.scalars(select(Unit.employer_type_code)))
        sections = set(db.session.scalars(select(Unit.industry_section_code)))
    assert {"10"} <= types and len(types) >= 4
    assert len(sections) >= 5


def test_demo_mode_is_required_for_demo_data(app):
    runner = app.test_cli_runner()
    app.config["DEMO_MODE"] = False
    try:
        result = runner.invoke(args=["beian", "demo"])
    finally:
        app.config["DEMO_MODE"] = True
    assert result.exit_code != 0
    assert "演示模式" in result.output


def test_demo_history_is_added_once_with_history_once(app):
    """`make run` asks for historical filings on every start: only the first adds them."""
    from sqlalchemy import func, select

    from app.demo.history import MARKER
    from app.extensions import db
    from app.models.filings import Filing

    def generated():
        with app.app_context():
            return db.session.scalar(select(func.count(Filing.id)).where(
                Filing.idempotency_key.like(f"{MARKER}%")))

    runner = app.test_cli_runner()
    args = ["beian", "demo", "--filings", "40", "--history-once"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    after_first = generated()
    assert after_first >= 40
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "already generated" in second.output
    assert generated() == after_first
