"""Printed forms and receipts (备案表 / 回执): what they contain, the font, the seals, the QR
code, the signature, safe rendering, downloads off the request path, batches and access.

Filings are made through the service layer (app.services.filings) as a user would make them;
documents are rendered by the same queue the scheduler works (render_pending)."""

from __future__ import annotations

import concurrent.futures
import datetime
import doctest
import io
import os
import shutil
import stat
import subprocess
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from app.domain import documents as document_rules
from app.services.documents.seals import SIZE as SEAL_SIZE
from tests.factories import actor, hire
from tests.factories import unit as new_unit

TODAY = datetime.date.today()
FAR = TODAY + datetime.timedelta(days=3 * 365)


# -- helpers ------------------------------------------------------------------------------------

def renew(filing, who="city"):
    from app.services import filings as fs

    return fs.submit(fs.RenewalInput(filing.employment_id, "OPEN",
                                     contract_start=FAR), actor(who)).filing


def transfer(filing, to_unit, who="city"):
    from app.services import filings as fs

    return fs.submit(fs.TransferInput(filing.employment_id, to_unit.credit_code, TODAY,
                                      contract_end=FAR, job_title="质检员"), actor(who)).filing


def terminate(filing, who="city"):
    from app.services import filings as fs

    return fs.submit(fs.TerminationInput(filing.employment_id, TODAY, "A36"),
                     actor(who)).filing


def render(filing) -> bytes:
    """Enqueue the filing's document and work the queue, as the scheduler does."""
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render

    doc_queue.request_document(filing)
    doc_render.render_pending()
    document = doc_queue.document_of(filing.id)
    assert document.status == document_rules.DocumentStatus.READY, document.error
    return document.pdf


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_images(pdf: bytes):
    from pypdf import PdfReader

    return [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def setting(app):
    """Set app config values for one test."""
    saved = {}

    def put(name, value):
        saved.setdefault(name, app.config.get(name))
        app.config[name] = value

    yield put
    for name, value in saved.items():
        app.config[name] = value


# -- the four forms ------------------------------------------------------------------------------

def _filings_of_every_type(known):
    first = hire(known["unit_in"])
    renewal = renew(first)
    second = hire(known["unit_in"], name="李四")
    to_unit = new_unit(name="文书调入单位有限公司")
    moved = transfer(second, to_unit)
    third = hire(known["unit_in"], name="王五")
    ended = terminate(third)
    return {"HIRE": first, "RENEWAL": renewal, "TRANSFER": moved, "TERMINATION": ended}


@pytest.fixture
def rendered(app, snapshot):
    """One filed filing of each type and its rendered, signed PDF (made once)."""
    return snapshot("test_documents.rendered", lambda: _rendered(app))


def _rendered(app):
    from app.domain.filings import FilingStatus
    from app.models.units import Unit
    from tests.conftest import KNOWN, pk_of

    with app.app_context():
        filings = _filings_of_every_type({"unit_in": pk_of(Unit, credit_code=KNOWN["unit_in"])})
        out = {}
        for kind, filing in filings.items():
            assert filing.status == FilingStatus.FILED, (kind, filing.status)
            out[kind] = {"pdf": render(filing), "receipt": filing.receipt_number,
                         "name": filing.person_name, "citizen_id": filing.person_citizen_id,
                         "id": filing.id, "unit": filing.unit.name,
                         "to_unit": filing.to_unit.name if filing.to_unit else None}
        return out


TITLES = {"HIRE": "录用备案登记表", "TERMINATION": "终止、解除劳动合同备案表",
          "RENEWAL": "劳动合同续订备案回执", "TRANSFER": "市内调动备案回执"}


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_each_form_carries_its_title_receipt_number_and_chinese_text_as_text(rendered, kind):
    doc = rendered[kind]
    text = pdf_text(doc["pdf"])
    assert TITLES[kind] in text
    assert doc["receipt"] in text
    assert doc["name"] in text
    assert doc["unit"] in text
    assert "用人单位（盖章）" in text and "经办机构（盖章）" in text
    if doc["to_unit"]:
        assert doc["to_unit"] in text


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_printed_form_shows_the_id_number_masked_first_6_last_4(rendered, kind):
    doc = rendered[kind]
    text = pdf_text(doc["pdf"])
    masked = doc["citizen_id"][:6] + "*" * 8 + doc["citizen_id"][-4:]
    assert masked in text
    assert doc["citizen_id"] not in text


def test_a_city_that_must_print_the_full_id_number_can_say_so(ctx, known, setting):
    setting("BEIAN_DOCUMENT_FULL_ID", True)
    filing = hire(known["unit_in"])
    assert filing.person_citizen_id in pdf_text(render(filing))


def test_the_chinese_font_is_embedded_as_truetype(rendered):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(rendered["HIRE"]["pdf"]))
    embedded = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []) or [font]:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    embedded.append(str(descendant.get_object()["/BaseFont"]))
    assert any("WenQuanYi" in name for name in embedded), embedded


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_finds_the_chinese_text(rendered, tmp_path):
    path = tmp_path / "hire.pdf"
    path.write_bytes(rendered["HIRE"]["pdf"])
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True, text=True).stdout
    assert "录用备案登记表" in out
    assert rendered["HIRE"]["receipt"] in out


def test_the_qr_code_and_printed_url_use_beian_public_url(ctx, known, setting):
    from app.services.documents import queue as doc_queue

    setting("BEIAN_PUBLIC_URL", "https://beian.example.cn/")
    filing = hire(known["unit_in"])
    code = doc_queue.request_document(filing).verification_code
    assert f"https://beian.example.cn/verify/{code}" in pdf_text(render(filing))


def test_a_forged_host_header_does_not_end_up_in_a_signed_document(app, setting):
    from app.web import public_base_url

    setting("BEIAN_PUBLIC_URL", None)
    with app.test_request_context("/documents/filing/1", base_url="http://evil.example/"):
        assert "evil.example" not in public_base_url()
    with app.test_request_context("/documents/filing/1", base_url="http://localhost:8080/"):
        assert public_base_url() == "http://localhost:8080"


def test_the_form_is_a4(rendered):
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(rendered["HIRE"]["pdf"])).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_both_seals_and_the_qr_code_are_images_in_the_pdf(rendered):
    images = pdf_images(rendered["HIRE"]["pdf"])
    sizes = sorted(Image.open(io.BytesIO(image.data)).size for image in images)
    seals = [s for s in sizes if s == (SEAL_SIZE, SEAL_SIZE)]
    assert len(seals) == 2, sizes          # the unit's seal and the agency's seal
    assert len(images) == 3, sizes         # and the QR code


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_qr_code_decodes_to_the_verification_url(rendered, app, tmp_path):
    from app.models.documents import Document

    with app.app_context():
        from app.extensions import db

        code = db.session.scalar(select(Document.verification_code)
                                 .where(Document.filing_id == rendered["HIRE"]["id"]))
    qr = min(pdf_images(rendered["HIRE"]["pdf"]),
             key=lambda image: Image.open(io.BytesIO(image.data)).size)
    path = tmp_path / "qr.png"
    Image.open(io.BytesIO(qr.data)).convert("L").resize((600, 600)).save(path)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True,
                         text=True).stdout.strip()
    assert out == f"http://localhost:5000/verify/{code}"


# -- seals ---------------------------------------------------------------------------------------

def test_a_drawn_seal_is_a_round_red_transparent_png():
    from app.services.documents.seals import draw_seal

    image = Image.open(io.BytesIO(draw_seal("无锡测试单位有限公司", "公章")))
    assert image.format == "PNG" and image.mode == "RGBA"
    w, h = image.size
    assert image.getpixel((0, 0))[3] == 0                  # transparent corner
    assert image.getpixel((w // 2, h // 2))[3] > 200       # the star in the centre
    r, g, b, _ = image.getpixel((w // 2, h // 2))
    assert r > 180 and g < 60 and b < 60                   # red


def _png(size=(200, 200), colour=(0, 90, 200, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, format="PNG")
    return out.getvalue()


def _seal_error(data):
    from app.domain.errors import DomainError
    from app.services.documents.seals import check_seal_png

    with pytest.raises(DomainError) as info:
        check_seal_png(data)
    return info.value


def test_seal_upload_must_be_a_png():
    out = io.BytesIO()
    Image.new("RGB", (100, 100), "red").save(out, format="JPEG")
    assert _seal_error(out.getvalue()).code == "SEAL_TYPE"
    assert "PNG" in _seal_error(out.getvalue()).message


def test_seal_upload_that_only_looks_like_a_png_is_refused():
    assert _seal_error(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10).code == "SEAL_TYPE"
    assert _seal_error(_png()[:200]).code == "SEAL_TYPE"      # truncated


def test_seal_upload_over_512_kb_is_too_large():
    noise = Image.frombytes("RGB", (900, 900), os.urandom(900 * 900 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > document_rules.SEAL_MAX_BYTES
    error = _seal_error(out.getvalue())
    assert error.code == "SEAL_TOO_LARGE" and "KB" in error.message


def test_seal_upload_over_1000_pixels_is_too_large():
    assert _seal_error(_png((1200, 100))).code == "SEAL_TOO_LARGE"


def test_an_uploaded_unit_seal_replaces_the_drawn_one_on_new_documents(ctx):
    from app.extensions import appbuilder
    from app.services.actor import Actor
    from app.services.documents.seals import save_unit_seal

    unit = new_unit()
    save_unit_seal(Actor.of(appbuilder.sm.find_user(username="city")), unit, _png((300, 300)))
    pdf = render(hire(unit.id))
    sizes = sorted(Image.open(io.BytesIO(i.data)).size for i in pdf_images(pdf))
    assert (300, 300) in sizes and sizes.count((SEAL_SIZE, SEAL_SIZE)) == 1


def test_employer_uploads_its_seal_through_the_seal_page(app, client_for, known):
    client = client_for("employer")
    assert client.get("/documents/seal").status_code == 200
    response = client.post("/documents/seal", data={
        "action": "upload", "seal": (io.BytesIO(_png((250, 250))), "seal.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    image = Image.open(io.BytesIO(client.get("/documents/seal.png").data))
    assert image.size == (250, 250)
    bad = client.post("/documents/seal", data={
        "action": "upload", "seal": (io.BytesIO(b"GIF89a..."), "seal.gif")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "SEAL_TYPE" in bad.get_data(as_text=True)
    assert client.post("/documents/seal", data={"action": "remove"}).status_code == 302
    assert Image.open(io.BytesIO(client.get("/documents/seal.png").data)).size == (SEAL_SIZE,
                                                                            SEAL_SIZE)


def test_staff_have_no_seal_page_of_their_own(client_for):
    assert client_for("district").get("/documents/seal").status_code == 404


# -- safe rendering ------------------------------------------------------------------------------

ATTACKS = ('<img src="file:///etc/passwd">', '<img src="http://169.254.169.254/latest/meta-data/">')


def test_markup_in_a_filing_field_renders_as_text_and_loads_nothing(ctx, known):
    from app.models.documents import Document
    from app.services.documents import queue as doc_queue
    from app.services.documents import render as doc_render
    from app.services.documents import resources as doc_resources

    filing = hire(known["unit_in"], job_title=ATTACKS[0][:60], note=" ".join(ATTACKS))
    doc_queue.request_document(filing)
    document = doc_queue.document_of(filing.id)
    assert isinstance(document, Document)
    gate = doc_resources.ResourceGate()
    pdf = doc_render.render_unsigned(filing, document, gate)
    text = pdf_text(pdf).replace("\n", "")
    assert 'src="file:///etc/passwd">' in text
    assert "http://169.254.169.254/latest/meta-data/" in text
    assert gate.refused == []                                  # nothing was even asked for
    assert set(gate.allowed) <= {doc_resources.FONT_URL, "data:image/png"}
    assert "root:" not in text
    assert len(pdf_images(pdf)) == 3                           # QR + two seals, nothing else


def test_the_renderer_refuses_local_files_and_internal_urls_even_as_markup():
    """Defence in depth: were markup ever to reach the renderer, the link_callback and the
    resource policy refuse file:// paths, absolute paths, '..' and internal addresses."""
    from app.services.documents import resources as doc_resources

    html = ("<html><body><p>x</p>" + "".join(ATTACKS)
            + '<img src="/etc/passwd"><img src="../../../../etc/passwd">'
            + '<img src="http://127.0.0.1:5000/verify/">'
            + '<img src="fonts/wqy-microhei.LICENSE.txt"></body></html>')
    gate = doc_resources.ResourceGate()
    pdf = doc_resources.html_to_pdf(html, gate)
    assert {"file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "/etc/passwd",
            "../../../../etc/passwd", "http://127.0.0.1:5000/verify/"} <= set(gate.refused)
    assert pdf_images(pdf) == []
    assert "root:" not in pdf_text(pdf)


# -- signature -----------------------------------------------------------------------------------

def _validate(pdf: bytes, app):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from app.services.documents.signing import signing_certificate

    with app.app_context():
        root = signing_certificate()
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1

    def validate():
        return validate_pdf_signature(reader.embedded_signatures[0],
                                      ValidationContext(trust_roots=[root]))

    # pyHanko's sync API runs an event loop of its own; the browser tests leave one running in
    # this thread, so validate in a fresh thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate).result()


def test_the_pades_signature_validates_against_the_agency_certificate(rendered, app):
    status = _validate(rendered["HIRE"]["pdf"], app)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


def test_the_signature_is_a_pades_signature(rendered):
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(rendered["HIRE"]["pdf"])).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_a_copy_with_one_byte_changed_inside_the_signed_range_fails(rendered, app):
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf = bytearray(rendered["HIRE"]["pdf"])
    signature = PdfFileReader(io.BytesIO(bytes(pdf))).embedded_signatures[0]
    start, length = signature.byte_range[0], signature.byte_range[1]
    # A byte in the middle of the first signed range that is not structural whitespace.
    position = start + length // 2
    while chr(pdf[position]) in " \r\n\t":
        position += 1
    pdf[position] = (pdf[position] + 1) % 256
    status = _validate(bytes(pdf), app)
    assert not status.intact
    assert not status.bottom_line


def test_the_development_key_is_private_to_its_owner(rendered, app):
    from app.services.documents.signing import DEV_BUNDLE, instance_dir

    with app.app_context():
        path = instance_dir() / DEV_BUNDLE
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_production_refuses_to_sign_with_a_development_key(ctx, setting):
    from app.services.documents.signing import signing_material

    setting("BEIAN_ENV", "production")
    setting("BEIAN_SIGNING_KEY", None)
    with pytest.raises(RuntimeError, match="BEIAN_SIGNING_KEY"):
        signing_material()


# -- downloads -----------------------------------------------------------------------------------

def test_an_unrendered_document_shows_progress_then_downloads(app, client_for, known):
    from app.models.documents import Document
    from app.services.documents import render as doc_render

    with app.app_context():
        filing_id = hire(known["unit_in"]).id
    client = client_for("employer")
    page = client.get(f"/documents/filing/{filing_id}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert f"/documents/status/{filing_id}" in body and "setTimeout" in body
    status = client.get(f"/documents/status/{filing_id}").get_json()
    assert status["status"] == "QUEUED" and status["ready"] is False
    with app.app_context():
        # The web request only enqueued it: nothing was rendered in the request.
        from app.extensions import db

        document = db.session.scalar(select(Document).where(Document.filing_id == filing_id))
        assert document.status == document_rules.DocumentStatus.QUEUED and document.pdf is None
        doc_render.render_pending()
        receipt = document.filing.receipt_number
    assert client.get(f"/documents/status/{filing_id}").get_json()["ready"] is True
    download = client.get(f"/documents/filing/{filing_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and receipt in disposition
    assert download.data.startswith(b"%PDF")


def test_every_download_is_audited(app, client_for, rendered):
    from sqlalchemy import func

    from app.extensions import db
    from app.models.audit import AuditLog

    def downloads():
        return db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.object_type == "document", AuditLog.action == "download"))

    with app.app_context():
        before = downloads()
    assert client_for("city").get(f"/documents/filing/{rendered['HIRE']['id']}"
                                  ).status_code == 200
    with app.app_context():
        assert downloads() == before + 1


def _filing_in_other_unit(app, known):
    with app.app_context():
        return hire(known["unit_out"]).id


@pytest.mark.parametrize("path", ["/documents/filing/{}", "/documents/status/{}"])
def test_employer_gets_its_own_filing_and_404_for_another_units(app, client_for, known,
                                                                rendered, path):
    client = client_for("employer")
    assert client.get(path.format(rendered["HIRE"]["id"])).status_code == 200
    assert client.get(path.format(_filing_in_other_unit(app, known))).status_code == 404
    assert client.get(path.format(99_999_999)).status_code == 404


@pytest.mark.parametrize("path", ["/documents/filing/{}", "/documents/status/{}"])
def test_district_staff_get_404_for_another_districts_filing(client_for, rendered, path):
    # rendered["HIRE"] is in 梁溪区; district2 is the 滨湖区 office.
    assert client_for("district2").get(path.format(rendered["HIRE"]["id"])).status_code == 404
    assert client_for("district").get(path.format(rendered["HIRE"]["id"])).status_code == 200


def test_a_transfer_receipt_also_belongs_to_the_receiving_unit(app, client_for, known):
    from app.extensions import db
    from app.models.units import Unit

    with app.app_context():
        other = new_unit(district="320211", street="320211001")   # 滨湖区
        moved = transfer(hire(other.id), db.session.get(Unit, known["unit_in"]))
        moved_id = moved.id
    assert client_for("employer").get(f"/documents/status/{moved_id}").status_code == 200
    assert client_for("district").get(f"/documents/status/{moved_id}").status_code == 200
    assert client_for("district2").get(f"/documents/status/{moved_id}").status_code == 200
    assert client_for("street").get(f"/documents/status/{moved_id}").status_code == 200


def test_a_filing_that_was_never_filed_has_no_document(app, client_for, known):
    from app.domain.filings import FilingStatus

    with app.app_context():
        first = hire(known["unit_in"])
        # A second full-time hire of the same person goes to review: not filed.
        pending = hire(new_unit().id, citizen_id=first.person_citizen_id,
                       name=first.person_name)
        assert pending.status == FilingStatus.PENDING_REVIEW
        pending_id = pending.id
    assert client_for("city").get(f"/documents/filing/{pending_id}").status_code == 404


def test_anonymous_users_are_sent_to_login(app, rendered):
    client = app.test_client()
    for url in (f"/documents/filing/{rendered['HIRE']['id']}",
                f"/documents/status/{rendered['HIRE']['id']}", "/documents/seal",
                "/documents/batch"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_individuals_get_only_documents_about_themselves(client_for, rendered):
    """The demo worker is not the person of this filing: 404, as for any foreign filing; batches
    are staff and employer business (403)."""
    worker = client_for("worker")
    assert worker.get(f"/documents/filing/{rendered['HIRE']['id']}").status_code == 404
    assert worker.get("/documents/batch").status_code == 403


# -- batches -------------------------------------------------------------------------------------

def test_batch_of_filings_downloads_as_one_zip_with_progress(app, client_for, known):
    from app.services.documents import render as doc_render

    with app.app_context():
        filings = [hire(known["unit_in"]) for _ in range(3)]
        ids = [f.id for f in filings]
        receipts = {f.receipt_number for f in filings}
    client = client_for("employer")
    created = client.post("/documents/batch", data={"filing_ids": [str(i) for i in ids]})
    assert created.status_code == 302
    page_url = created.headers["Location"]
    token = page_url.rstrip("/").split("/")[-1]
    page = client.get(page_url)
    assert page.status_code == 200 and f"/documents/batch/{token}/status" in page.get_data(
        as_text=True)
    progress = client.get(f"/documents/batch/{token}/status").get_json()
    assert progress["total"] == 3 and progress["done"] is False
    assert client.get(f"/documents/batch/{token}/zip").status_code == 409
    with app.app_context():
        doc_render.render_pending()
    progress = client.get(f"/documents/batch/{token}/status").get_json()
    assert progress == {**progress, "ready": 3, "done": True, "percent": 100}
    response = client.get(f"/documents/batch/{token}/zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert len(names) == 3
        assert {n.rsplit("-", 1)[-1].removesuffix(".pdf") for n in names} == receipts
        for name in names:
            assert archive.read(name).startswith(b"%PDF")
            assert "录用备案登记表" in name


def test_batch_by_unit_and_date_range_for_staff(app, client_for, known):
    from app.services.documents import render as doc_render

    with app.app_context():
        unit = new_unit()
        for _ in range(2):
            hire(unit.id)
        unit_id = unit.id
    client = client_for("district")
    created = client.post("/documents/batch", data={
        "unit_id": unit_id, "date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()})
    assert created.status_code == 302
    token = created.headers["Location"].rstrip("/").split("/")[-1]
    with app.app_context():
        doc_render.render_pending()
    assert client.get(f"/documents/batch/{token}/status").get_json()["total"] == 2
    # Another user may not even see that the batch exists.
    assert client_for("city").get(f"/documents/batch/{token}").status_code == 404


def test_a_batch_with_a_filing_outside_the_jurisdiction_is_refused_whole(app, client_for,
                                                                         known, rendered):
    from sqlalchemy import func

    from app.extensions import db
    from app.models.documents import DocumentBatch

    foreign = _filing_in_other_unit(app, known)
    with app.app_context():
        before = db.session.scalar(select(func.count(DocumentBatch.id)))
    response = client_for("employer").post("/documents/batch", data={
        "filing_ids": [str(rendered["HIRE"]["id"]), str(foreign)]})
    assert response.status_code == 404
    response = client_for("district2").post("/documents/batch", data={
        "unit_id": known["unit_in"], "date_from": "", "date_to": ""})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(DocumentBatch.id))) == before


def test_the_batch_zip_is_streamed_one_pdf_at_a_time(ctx, known):
    """The response body is produced entry by entry (a generator), not built in memory."""
    from app.extensions import appbuilder
    from app.services.actor import Actor
    from app.services.documents import batches as doc_batches
    from app.services.documents import render as doc_render

    filings = [hire(known["unit_in"]) for _ in range(2)]
    user = appbuilder.sm.find_user(username="city")
    batch = doc_batches.create_batch(Actor.of(user), [f.id for f in filings])
    doc_render.render_pending()
    chunks = list(doc_batches.iter_batch_zip(batch))
    assert len(chunks) == 3                                  # one per PDF, then the directory
    assert all(len(chunk) < 400_000 for chunk in chunks)
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert len(archive.namelist()) == 2


# -- rules -------------------------------------------------------------------------------------

def test_domain_doctests_pass():
    result = doctest.testmod(document_rules)
    assert result.failed == 0 and result.attempted > 5
