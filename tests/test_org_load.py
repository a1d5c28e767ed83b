"""The city's own organisation loaded from a file (flask beian org-load): a good file loads, the
same file again changes nothing, any bad row refuses the whole file (row, column and fix named),
regions and offices in use keep their level and parent, xlsx and CSV, and create-user works on a
database that has only migrations, init and the organisation."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "org-example.csv"
HEADER = "类别,名称,级别,区划代码,上级区划代码,地址,电话,印章名称"
SMALL = [
    "区划,无锡市,市,320200,,,,",
    "区划,梁溪区,区,320213,320200,,,",
    "区划,崇安寺街道,街道,320213001,320213,,,",
    "经办机构,梁溪区人力资源服务中心,区,320213,,解放南路719号,0510-82701234,",
]


def _csv(*lines: str) -> bytes:
    return "\r\n".join((HEADER, *lines)).encode("utf-8-sig")


@pytest.fixture
def fresh(app, tmp_path):
    """An app context on an empty database of its own (the session's demo city is not in it)."""
    from flask import Flask
    from flask_appbuilder import Model

    from app.extensions import db

    other = Flask("org_fresh")
    other.config.update(app.config)
    other.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'org.db'}"
    db.init_app(other)
    with other.app_context():
        Model.metadata.create_all(db.engine)
        yield db.session
        db.session.remove()
        db.engine.dispose()


def _load(data: bytes, filename: str = "org.csv"):
    from app.services.actor import Actor
    from app.services.org.load import load_org_file

    return load_org_file(Actor.system(), data, filename)


def _count(model) -> int:
    from app.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def _region(code):
    from app.extensions import db
    from app.models.org import Region

    return db.session.scalar(select(Region).where(Region.code == code))


def test_the_example_file_loads_regions_and_offices(fresh):
    from app.models.org import Office, OfficeLevel, RegionLevel

    result = _load(EXAMPLE.read_bytes(), EXAMPLE.name)
    assert result.errors == []
    assert result.regions == {"created": 9, "updated": 0, "unchanged": 0}
    assert result.offices == {"created": 9, "updated": 0, "unchanged": 0}
    street = _region("320211002")
    assert street.name == "河埒街道" and street.level == RegionLevel.STREET
    assert street.parent.code == "320211" and street.parent.parent.code == "320200"
    office = fresh.scalar(select(Office).where(Office.name == "梁溪区崇安寺街道劳动保障所"))
    assert office.level == OfficeLevel.STREET and office.region.code == "320213001"
    assert office.seal_name == "梁溪区崇安寺街道劳动保障所用工备案专用章"


def test_loading_the_same_file_twice_changes_nothing(fresh):
    from app.models.audit import AuditLog

    _load(EXAMPLE.read_bytes())
    entries = _count(AuditLog)
    again = _load(EXAMPLE.read_bytes())
    assert again.regions == {"created": 0, "updated": 0, "unchanged": 9}
    assert again.offices == {"created": 0, "updated": 0, "unchanged": 9}
    assert _count(AuditLog) == entries


def test_changed_names_and_details_update(fresh):
    _load(_csv(*SMALL))
    changed = _load(_csv(SMALL[0], "区划,梁溪区（新）,区,320213,320200,,,", SMALL[2],
                         "经办机构,梁溪区人力资源服务中心,区,320213,,解放南路719号,0510-80000000,"))
    assert changed.regions == {"created": 0, "updated": 1, "unchanged": 2}
    assert changed.offices == {"created": 0, "updated": 1, "unchanged": 0}
    assert _region("320213").name == "梁溪区（新）"


def test_loading_never_deletes(fresh):
    from app.models.org import Office, Region

    _load(_csv(*SMALL))
    result = _load(_csv(SMALL[0]))
    assert result.regions == {"created": 0, "updated": 0, "unchanged": 1}
    assert _count(Region) == 3 and _count(Office) == 1


def test_a_region_nothing_refers_to_may_move(fresh):
    _load(_csv("区划,无锡市,市,320200,,,,", "区划,苏州市,市,320500,,,,",
               "区划,新区,区,320213,320200,,,"))
    moved = _load(_csv("区划,新区,区,320213,320500,,,"))
    assert moved.errors == [] and moved.regions["updated"] == 1
    assert _region("320213").parent.code == "320500"


BAD_ROWS = [
    # (the bad row, the code, the column the message names, words of the fix)
    ("区划,梁溪区,区,32021,320200,,,", "ORG_FILE_CODE", "区划代码", "6位数字"),
    ("区划,崇安寺街道,街道,32021300,320213,,,", "ORG_FILE_CODE", "区划代码", "9位数字"),
    ("区划,梁溪区,区,32021X,320200,,,", "ORG_FILE_CODE", "区划代码", "GB/T 2260"),
    ("区划,滨湖区,区,320211,320900,,,", "ORG_FILE_PARENT_MISSING", "上级区划代码", "都不存在"),
    ("区划,滨湖区,区,320211,,,,", "ORG_FILE_PARENT_MISSING", "上级区划代码", "必须填写"),
    ("区划,崇安寺街道,街道,320200001,320200,,,", "ORG_FILE_PARENT_LEVEL", "上级区划代码",
     "应是区（县级市）"),
    ("区划,崇安寺街道,街道,320211001,320213,,,", "ORG_FILE_STREET_PREFIX", "区划代码",
     "应以所属区的代码 320213 开头"),
    ("区划,苏州市,市,320500,320100,,,", "ORG_FILE_CITY_PARENT", "上级区划代码", "清空"),
    ("区划,无锡市,市,320200,,,,", "ORG_FILE_DUPLICATE", "区划代码", "与第2行重复"),
    ("区划,滨湖区,区县,320211,320200,,,", "ORG_FILE_LEVEL", "级别", "“市”“区”或“街道”"),
    ("部门,滨湖区,区,320211,320200,,,", "ORG_FILE_KIND", "类别", "“区划”或“经办机构”"),
    ("区划,,区,320211,320200,,,", "ORG_FILE_NAME", "名称", "不能为空"),
    ("经办机构,滨湖区人力资源服务中心,区,320211,,,,", "ORG_FILE_OFFICE_REGION", "区划代码",
     "都不存在"),
    ("经办机构,滨湖区人力资源服务中心,区,,,,,", "ORG_FILE_OFFICE_REGION", "区划代码",
     "必须填写"),
    ("经办机构,梁溪区街道所,区,320213001,,,,", "ORG_FILE_OFFICE_LEVEL", "级别", "请改正级别"),
    ("经办机构,梁溪区人力资源服务中心,区,320213,,,,", "ORG_FILE_DUPLICATE", "名称", "与第5行重复"),
]


@pytest.mark.parametrize("bad, code, column, fix", BAD_ROWS, ids=[b[1] for b in BAD_ROWS])
def test_a_bad_row_refuses_the_whole_file(fresh, bad, code, column, fix):
    from app.models.org import Office, Region

    result = _load(_csv(*SMALL, bad))
    assert [e.code for e in result.errors] == [code], [e.message for e in result.errors]
    message = result.errors[0].message
    assert message.startswith(f"第6行“{column}”："), message
    assert fix in message
    assert _count(Region) == 0 and _count(Office) == 0  # nothing half-loaded


def test_every_bad_row_is_reported_and_nothing_is_loaded(fresh):
    from app.models.org import Office, Region

    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()[1:]
    lines[3] = "区划,崇安寺街道,街道,32021300,320213,,,"        # row 5
    lines[12] = "经办机构,梁溪区崇安寺街道劳动保障所,街,320213001,,,,"  # row 14
    result = _load(_csv(*lines))
    assert [e.message.split("“")[0] for e in result.errors] == ["第5行", "第14行"]
    assert _count(Region) == 0 and _count(Office) == 0


def test_a_file_that_is_not_the_template_is_refused(fresh):
    assert _load(b"name,code\r\nx,1\r\n").errors[0].code == "ORG_FILE_COLUMNS"
    assert _load(HEADER.encode("utf-8")).errors[0].code == "ORG_FILE_NO_ROWS"
    assert _load(b"%PDF-1.4", "org.xlsx").errors[0].code == "BULK_FILE_RENAMED"


def test_xlsx_template_has_text_code_columns_and_loads(fresh):
    from openpyxl import load_workbook

    from app.domain.org_file import HEADERS
    from app.services.org.template import org_template

    data = org_template("xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet["D4"].value == "320213001" and sheet["D4"].number_format == "@"
    result = _load(data, "org.xlsx")
    assert result.regions["created"] == 3 and result.offices["created"] == 3


def test_xlsx_with_codes_typed_as_numbers_loads(fresh):
    from openpyxl import Workbook

    from app.domain.org_file import HEADERS

    wb = Workbook()
    wb.active.append(HEADERS)
    wb.active.append(["区划", "无锡市", "市", 320200])
    wb.active.append(["区划", "梁溪区", "区", 320213.0, 320200])
    buf = io.BytesIO()
    wb.save(buf)
    result = _load(buf.getvalue(), "org.xlsx")
    assert result.errors == [] and result.regions["created"] == 2


def test_csv_template_is_the_header_and_the_example(fresh):
    from app.services.org.template import org_template

    data = org_template("csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == HEADER
    assert _load(data).offices["created"] == 3


# -- in-use protection, on the session's demo city (units, persons, users refer to it) ---------

IN_USE = [
    ("区划,梁溪区,市,320213,,,,", "级别", "不能改变其级别"),
    ("区划,梁溪区,区,320213,320500,,,", "上级区划代码", "不能改变其上级区划"),
    ("经办机构,梁溪区人力资源服务中心,市,320200,,,,", "级别", "不能改变其级别"),
    ("经办机构,梁溪区人力资源服务中心,区,320211,,,,", "区划代码", "不能改变其服务区划"),
]


@pytest.mark.parametrize("row, column, words", IN_USE)
def test_what_is_in_use_keeps_its_level_and_parent(app, row, column, words):
    from app.extensions import db
    from app.models.org import Region

    with app.app_context():
        before = db.session.execute(select(Region.code, Region.name, Region.parent_id)).all()
        result = _load(_csv("区划,苏州市,市,320500,,,,", row))
        assert [e.code for e in result.errors] == ["ORG_FILE_IN_USE"]
        message = result.errors[0].message
        assert message.startswith(f"第3行“{column}”：") and words in message
        assert "已在使用（" in message
        assert db.session.execute(select(Region.code, Region.name, Region.parent_id)).all() \
            == before
        db.session.remove()


def test_org_load_command_prints_each_error_and_fails(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv("区划,梁溪区,区,320213,320900,,,"))
    result = app.test_cli_runner().invoke(args=["beian", "org-load", str(path)])
    assert result.exit_code == 1
    assert "第2行“上级区划代码”" in result.output
    assert "未写入任何数据" in result.output


SCRIPT = """
import json, sys
from app import create_app
from flask_migrate import upgrade
app = create_app()
with app.app_context():
    upgrade()
run = app.test_cli_runner().invoke
out = {}
for name, args in [
        ("init", ["beian", "init"]),
        ("template", ["beian", "org-template", "--format", "csv", sys.argv[2]]),
        ("load", ["beian", "org-load", sys.argv[1]]),
        ("again", ["beian", "org-load", sys.argv[1]]),
        ("user", ["beian", "create-user", "--username", "lxstaff", "--name", "梁溪经办",
                  "--email", "lx@example.cn", "--role", "DistrictStaff",
                  "--office", "梁溪区人力资源服务中心", "--password", "Beian@2026demo"])]:
    result = run(args=args)
    out[name] = [result.exit_code, result.output]
with app.app_context():
    from app.extensions import appbuilder
    user = appbuilder.sm.find_user(username="lxstaff")
    out["office"] = user.office.name if user and user.office else None
print("RESULT" + json.dumps(out, ensure_ascii=False))
"""


def test_create_user_works_after_org_load_on_a_database_without_demo(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BEIAN_", "SECRET_KEY", "DATABASE_URL"))}
    env.update({"BEIAN_INSTANCE_DIR": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'beian.db'}"})
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(EXAMPLE), str(tmp_path / "t.csv")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "RESULT" in done.stdout, done.stderr[-3000:]
    out = json.loads(done.stdout.split("RESULT", 1)[1])
    assert all(code == 0 for code, _ in (out[k] for k in ("init", "template", "load",
                                                            "again", "user"))), out
    assert "regions: created=9, updated=0, unchanged=0" in out["load"][1]
    assert "offices: created=0, updated=0, unchanged=9" in out["again"][1]
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").startswith(HEADER)
    assert out["office"] == "梁溪区人力资源服务中心"
