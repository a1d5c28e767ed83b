"""Staff directory sign-in against a real OpenLDAP server (Debian's slapd) that this module starts
on 127.0.0.1 and stops after: staff sign in with their directory passwords and land with the role
their group gives and the office their departmentNumber names; employers keep their database
passwords and are never looked up (docs/directory.md)."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=wuxi,dc=gov"
ROOT_DN, ROOT_PW = f"cn=admin,{SUFFIX}", "Root-Secret-1"
SERVICE_DN, SERVICE_PW = f"cn=beian-svc,{SUFFIX}", "Svc-Secret-2"
GROUPS = {role: f"cn={cn},ou=groups,{SUFFIX}" for role, cn in (
    ("CityStaff", "beian-city"), ("DistrictStaff", "beian-district"),
    ("StreetStaff", "beian-street"))}
PASSWORD = "Dir-Pass-2026"
# uid → (departmentNumber, group role): an office's name or its region's code.
STAFF = {
    "li.city": ("无锡市公共就业服务中心", "CityStaff"),
    "wang.district": ("320213", "DistrictStaff"),
    "zhao.street": ("320213001", "StreetStaff"),
    "sun.nooffice": ("信息中心", "DistrictStaff"),
}
EXPECTED = {  # uid → (role, office, jurisdiction scope)
    "li.city": ("CityStaff", "无锡市公共就业服务中心", "all"),
    "wang.district": ("DistrictStaff", "梁溪区人力资源服务中心", "district"),
    "zhao.street": ("StreetStaff", "梁溪区崇安寺街道劳动保障所", "street"),
}
NO_OFFICE = "您的目录账户未关联经办机构，请联系管理员。"

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {folder}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {folder}/data
overlay memberof
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="{service_dn}" read by self read by * none
"""


def _ldif() -> str:
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Wuxi\ndc: wuxi",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups",
        f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: beian-svc\nuserPassword: {SERVICE_PW}",
    ]
    people = {**{uid: dept for uid, (dept, _role) in STAFF.items()}, "employer": "320213"}
    for uid, dept in people.items():
        blocks.append(f"dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\n"
                      f"uid: {uid}\ncn: {uid}\nsn: {uid}\nmail: {uid}@wuxi.gov\n"
                      f"departmentNumber: {dept}\nuserPassword: {PASSWORD}")
    for role, dn in GROUPS.items():
        members = [uid for uid, (_dept, r) in STAFF.items() if r == role] + ["employer"]
        lines = [f"dn: {dn}", "objectClass: groupOfNames", f"cn: {dn.split(',')[0][3:]}"]
        lines += [f"member: uid={uid},ou=people,{SUFFIX}" for uid in members]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ldap_tool(url: str, tool: str, ldif: str) -> None:
    subprocess.run([tool, "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PW],
                   input=ldif.encode(), check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    """ldap://127.0.0.1:PORT of a slapd holding the people and groups above; always stopped."""
    if not Path(SLAPD).exists() or not shutil.which("ldapadd"):
        pytest.skip("Debian's slapd and ldap-utils are not installed (apt-get install slapd ldap-utils)")
    if importlib.util.find_spec("ldap") is None:
        pytest.skip("python-ldap is not installed (pip install -r requirements-ldap.txt)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "data").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(SLAPD_CONF.format(folder=folder, suffix=SUFFIX, root_dn=ROOT_DN,
                                      root_pw=ROOT_PW, service_dn=SERVICE_DN))
    url = f"ldap://127.0.0.1:{_free_port()}"
    process = subprocess.Popen([SLAPD, "-f", str(conf), "-h", url, "-d", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(url, process)
        _ldap_tool(url, "ldapadd", _ldif())
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(url: str, process: subprocess.Popen) -> None:
    port = int(url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd stopped: {process.stderr.read().decode(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("slapd did not listen within 20 s")


@pytest.fixture
def directory(app, slapd):
    """The app configured for the directory; its settings restored after."""
    settings = {
        "BEIAN_LDAP_SERVER": slapd,
        "BEIAN_LDAP_BIND_USER": SERVICE_DN,
        "BEIAN_LDAP_BIND_PASSWORD": SERVICE_PW,
        "BEIAN_LDAP_SEARCH": f"ou=people,{SUFFIX}",
        "BEIAN_LDAP_SEARCH_FILTER": "(objectClass=inetOrgPerson)",
        "BEIAN_LDAP_ROLE_GROUPS": ";".join(f"{dn}={role}" for role, dn in GROUPS.items()),
    }
    saved = {name: app.config[name] for name in settings}
    app.config.update(settings)
    try:
        yield slapd
    finally:
        app.config.update(saved)


def _login(app, username, password=PASSWORD):
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password})
    with client.session_transaction() as session:
        logged_in = session.get("_user_id")
    return client, response, logged_in


def _user(app, username):
    from app.extensions import appbuilder, db

    with app.app_context():
        db.session.remove()
        user = appbuilder.sm.find_user(username=username)
        if user is None:
            return None
        from app.queries.jurisdiction import jurisdiction_of

        return {"id": user.id, "username": user.username, "roles": sorted(r.name for r in user.roles),
                "office": user.office.name if user.office else None,
                "scope": jurisdiction_of(user).scope, "region": user.office.region.code
                if user.office else None}


def _audit(app, action):
    from sqlalchemy import select

    from app.extensions import db
    from app.models.audit import AuditLog

    with app.app_context():
        return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


@pytest.mark.parametrize("uid", sorted(EXPECTED))
def test_staff_sign_in_with_the_directory_and_land_with_role_and_office(app, directory, uid):
    assert _user(app, uid) is None
    client, response, logged_in = _login(app, uid)
    assert response.status_code == 302 and "/login" not in response.location
    user = _user(app, uid)
    assert logged_in == str(user["id"])
    role, office, scope = EXPECTED[uid]
    assert (user["roles"], user["office"], user["scope"]) == ([role], office, scope)
    assert client.get("/counter/").status_code == 200  # a staff page, with the session
    created = [e for e in _audit(app, "directory-create") if e.after["username"] == uid]
    assert len(created) == 1 and created[0].after["role"] == role


def test_a_wrong_password_is_refused_and_the_username_is_the_directorys(app, directory):
    from app.extensions import appbuilder

    _client, _response, logged_in = _login(app, "Wang.District")  # the directory's spelling kept
    user = _user(app, "wang.district")
    assert logged_in is not None and user["username"] == "wang.district"
    _client, response, logged_in = _login(app, "zhao.street", "Not-The-Password-1")
    assert response.status_code == 302 and "/login" in response.location
    assert logged_in is None and _user(app, "zhao.street") is None
    with app.test_request_context():  # an empty password would be an anonymous LDAP bind
        assert appbuilder.sm.auth_user_db("zhao.street", "") is None
        assert appbuilder.sm.auth_user_db("nobody.here", PASSWORD) is None


def test_a_directory_user_without_an_office_gets_the_message_and_no_access(app, directory):
    client, response, logged_in = _login(app, "sun.nooffice")
    assert logged_in is None and _user(app, "sun.nooffice") is None
    page = client.get(response.location).get_data(as_text=True)
    assert NO_OFFICE in page
    refused = _audit(app, "directory-refused")
    assert [(e.object_id, e.reason) for e in refused] == [("sun.nooffice", "DIRECTORY_NO_OFFICE")]


def test_an_employer_signs_in_with_the_database_and_never_asks_the_directory(
        app, directory, monkeypatch):
    from app.services.accounts import ldap_directory

    asked = []
    real = ldap_directory.authenticate
    monkeypatch.setattr(ldap_directory, "authenticate",
                        lambda *a, **kw: asked.append(a[1]) or real(*a, **kw))
    from tests.conftest import PASSWORD as DEMO_PASSWORD

    _client, _response, logged_in = _login(app, "employer", DEMO_PASSWORD)
    assert logged_in is not None
    # The directory has an "employer" too, with another password: it is never asked.
    _client, _response, logged_in = _login(app, "employer", PASSWORD)
    assert logged_in is None
    _login(app, "wang.district")
    assert asked == ["wang.district"]


def test_a_second_sign_in_follows_a_group_change(app, directory):
    uid = "wang.district"
    dn = f"uid={uid},ou=people,{SUFFIX}"
    _login(app, uid)
    assert _user(app, uid)["roles"] == ["DistrictStaff"]
    move = (f"dn: {GROUPS['DistrictStaff']}\nchangetype: modify\ndelete: member\nmember: {dn}\n\n"
            f"dn: {GROUPS['CityStaff']}\nchangetype: modify\nadd: member\nmember: {dn}\n")
    back = (f"dn: {GROUPS['CityStaff']}\nchangetype: modify\ndelete: member\nmember: {dn}\n\n"
            f"dn: {GROUPS['DistrictStaff']}\nchangetype: modify\nadd: member\nmember: {dn}\n")
    _ldap_tool(directory, "ldapmodify", move)
    try:
        _client, _response, logged_in = _login(app, uid)
        user = _user(app, uid)
        assert logged_in == str(user["id"]) and user["roles"] == ["CityStaff"]
        updated = _audit(app, "directory-update")
        assert [(e.before["roles"], e.after["roles"]) for e in updated] == [
            (["DistrictStaff"], ["CityStaff"])]
    finally:
        _ldap_tool(directory, "ldapmodify", back)


def test_groups_are_searched_when_entries_carry_no_member_of(app, directory):
    app.config["BEIAN_LDAP_GROUP_FIELD"] = ""
    try:
        _client, _response, logged_in = _login(app, "zhao.street")
    finally:
        app.config["BEIAN_LDAP_GROUP_FIELD"] = "memberOf"
    assert logged_in is not None and _user(app, "zhao.street")["roles"] == ["StreetStaff"]


def test_local_staff_passwords_work_without_a_directory(app):
    from tests.conftest import PASSWORD as DEMO_PASSWORD

    assert not app.config["BEIAN_LDAP_SERVER"]
    _client, _response, logged_in = _login(app, "district", DEMO_PASSWORD)
    assert logged_in is not None


def test_with_a_directory_local_staff_passwords_no_longer_count(app, directory):
    from tests.conftest import PASSWORD as DEMO_PASSWORD

    _client, _response, logged_in = _login(app, "district", DEMO_PASSWORD)
    assert logged_in is None  # the directory has no "district": staff sign in through it only
    _client, _response, logged_in = _login(app, "admin", DEMO_PASSWORD)
    assert logged_in is not None  # administrators stay local


def test_every_sign_in_is_audited_as_a_login(app, directory):
    from tests.conftest import PASSWORD as DEMO_PASSWORD

    _login(app, "li.city")
    _login(app, "employer", DEMO_PASSWORD)
    for username in ("li.city", "employer"):
        user = _user(app, username)
        assert len([e for e in _audit(app, "login") if e.object_id == str(user["id"])]) == 1


def test_check_config_reaches_the_directory(app, directory):
    result = app.test_cli_runner().invoke(args=["beian", "check-config"])
    lines = {line.split()[1].rstrip(":"): line for line in result.output.splitlines()}
    assert lines["directory"].startswith("PASS"), lines["directory"]
    assert lines["BEIAN_LDAP_SERVER"].startswith("PASS"), lines["BEIAN_LDAP_SERVER"]
    app.config["BEIAN_LDAP_BIND_PASSWORD"] = "wrong"
    result = app.test_cli_runner().invoke(args=["beian", "check-config"])
    assert "FAIL  directory:" in result.output and result.exit_code == 1


def test_an_unreachable_directory_is_said_and_administrators_still_sign_in(app, directory):
    from tests.conftest import PASSWORD as DEMO_PASSWORD

    app.config["BEIAN_LDAP_SERVER"] = "ldap://127.0.0.1:1"  # nothing listens on port 1
    client, response, logged_in = _login(app, "li.city")
    assert logged_in is None
    assert "暂时无法连接统一身份目录" in client.get(response.location).get_data(as_text=True)
    _client, _response, logged_in = _login(app, "admin", DEMO_PASSWORD)
    assert logged_in is not None
