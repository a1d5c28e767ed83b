"""Printed documents of filings (备案表 / 回执): render (Jinja + xhtml2pdf), sign (PAdES), queue,
verify and batch-download.

Rendering happens off the request path: a web request only enqueues a document (one row in
`document`, status QUEUED); the scheduler process (app.jobs) or `flask beian documents
render-pending` claims queued rows one at a time with an atomic UPDATE ... WHERE status='QUEUED',
so two schedulers never render the same document.

Safety of rendering: the templates are rendered by a Jinja environment with autoescaping, so a
filing field is always text; xhtml2pdf runs under a ResourceAccessPolicy confined to app/static
with the network off, and a link_callback that resolves only relative paths inside app/static
and our own data: images — anything else is refused and recorded, and loads nothing."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import datetime
import functools
import hashlib
import io
import logging
import os
import secrets
import socket
import threading
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_app_context, has_request_context, request
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import case, delete, func, select, update
from sqlalchemy import true as sa_true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.domain.documents import (
    DOCUMENT_FILING_STATUSES,
    DocumentStatus,
    VerificationState,
    form_for,
    format_code,
    mask_name,
    new_verification_code,
    normalise_code,
    verification_state,
)
from app.domain.errors import DomainError
from app.domain.filings import FilingStatus
from app.domain.identifiers import mask_citizen_id
from app.extensions import db
from app.models.documents import Document, DocumentBatch, DocumentBatchItem, JobClaim
from app.models.filings import Filing
from app.models.org import Office, OfficeLevel
from app.queries.jurisdiction import jurisdiction_of
from app.services import seals
from app.services.audit import record
from app.services.transaction import begin_write

log = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = APP_DIR / "static"
TEMPLATE_DIR = APP_DIR / "templates"
FONT_URL = "fonts/wqy-microhei.ttc"
FONT_FAMILY = "wqy"            # the CSS font-family the templates use
FONT_NAME = "WQYMicroHei"      # the embedded TrueType face (face 0 of the collection)

MAX_ATTEMPTS = 3
PRIORITY_WAITING = 10  # a person asked for this document and is watching the progress bar
PRIORITY_BATCH = 5     # part of a batch ZIP someone is waiting for
PRIORITY_BACKLOG = 0   # enqueued by the scheduler's safety net
STALE_RENDERING = datetime.timedelta(minutes=10)
BATCH_MAX_FILINGS = 5000
RENDER_JOB = "documents.render"
ENQUEUE_JOB = "documents.enqueue"


def now() -> datetime.datetime:
    return datetime.datetime.now()


def setting(name: str, default=None):
    """A setting from the app config, else the environment (config.py need not know it)."""
    if has_app_context():
        value = current_app.config.get(name)
        if value not in (None, ""):
            return value
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _flag(name: str, default: bool = False) -> bool:
    value = setting(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def instance_dir() -> Path:
    from config import INSTANCE_DIR

    return Path(os.environ.get("BEIAN_INSTANCE_DIR") or INSTANCE_DIR)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


# ============================================================================================
# Templates and rendering
# ============================================================================================

@functools.lru_cache(maxsize=1)
def jinja_env() -> Environment:
    """The PDF templates' environment: autoescaping on for everything, undefined names fail."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cn_date"] = cn_date
    return env


def cn_date(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = value.date()
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_png(url: str) -> bytes:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=6, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


@dataclass
class ResourceGate:
    """xhtml2pdf's link_callback: resolve relative paths inside app/static and our own PNG data
    URIs; refuse (and remember) everything else. The ResourceAccessPolicy checks again."""

    root: Path = STATIC_DIR
    allowed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __call__(self, uri, rel=None):
        text = str(uri or "")
        if text.startswith("data:image/png;base64,"):
            self.allowed.append("data:image/png")
            return None
        parts = urlsplit(text)
        candidate = (self.root / text).resolve() if not parts.scheme and not parts.netloc \
            and not text.startswith(("/", "\\")) else None
        if candidate is not None and candidate.is_relative_to(self.root.resolve()) \
                and candidate.is_file():
            self.allowed.append(text)
            return str(candidate)
        self.refused.append(text)
        log.warning("document rendering refused a resource: %.120r", text)
        # A path inside the confined root that does not exist: nothing can be loaded.
        return str(self.root / "__refused__")


@functools.lru_cache(maxsize=1)
def register_font() -> str:
    """Register WenQuanYi Micro Hei with ReportLab once per process and make the CSS family
    "wqy" name it. (An @font-face rule would do the same, but xhtml2pdf re-reads and hashes the
    5 MB collection on every render to find out it has it already: ~30 ms a form.) The face is
    embedded as a TrueType subset, so the text stays selectable and searchable."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import default

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(STATIC_DIR / FONT_URL), subfontIndex=0))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT_NAME, bold, italic, FONT_NAME)
    default.DEFAULT_FONT[FONT_FAMILY] = FONT_NAME
    return FONT_NAME


def resource_policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(base_dir=STATIC_DIR, allow_remote=False,
                                       max_render_seconds=30)


def html_to_pdf(html: str, gate: ResourceGate | None = None) -> bytes:
    """xhtml2pdf with resource loading confined to app/static and no network at all."""
    from reportlab import rl_config
    from xhtml2pdf import pisa

    # Binary (Flate) image streams, not ASCII85 on top: the pure-Python ASCII85 encoder was most
    # of a form's render time, and the PDF is a quarter smaller without it.
    rl_config.useA85 = 0
    register_font()
    gate = gate if gate is not None else ResourceGate()
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, link_callback=gate, encoding="utf-8",
                            path=str(STATIC_DIR / "document.html"),
                            resource_policy=resource_policy())
    if result.err:
        raise RuntimeError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def _office_of(filing: Filing) -> Office | None:
    if filing.office is not None:
        return filing.office
    return db.session.scalar(select(Office).where(Office.level == OfficeLevel.CITY))


def agency_name() -> str:
    """The agency that signs every document (the city's public employment service)."""
    configured = setting("BEIAN_AGENCY_NAME")
    if configured:
        return str(configured)
    if has_app_context():
        try:
            name = db.session.scalar(select(Office.name).where(Office.level == OfficeLevel.CITY)
                                     .order_by(Office.id))
        except Exception:  # noqa: BLE001 - no table yet (e.g. before migrations)
            name = None
        if name:
            return name
    return "用工登记备案平台"


def public_base_url() -> str:
    """Where the QR code points: BEIAN_PUBLIC_URL, else the host of the request (only a host
    listed in FAB_SAFE_REDIRECT_HOSTS: a forged Host header must not end up in a signed PDF),
    else http://localhost:5000."""
    configured = setting("BEIAN_PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        safe = current_app.config.get("FAB_SAFE_REDIRECT_HOSTS") or []
        host = (request.host or "").split(":")[0]
        if host in safe:
            return request.host_url.rstrip("/")
    return "http://localhost:5000"


def verify_url(document: Document) -> str:
    base = document.verify_base_url or public_base_url()
    return f"{base}/verify/{document.verification_code}"


def _show_full_id() -> bool:
    return _flag("BEIAN_DOCUMENT_FULL_ID", False)


def _code_name(obj) -> str:
    return obj.name if obj is not None else "—"


def _hours(value) -> str:
    if value is None:
        return "—"
    return f"{value:g} 小时"


def document_context(filing: Filing, document: Document, *, rendered_at=None) -> dict:
    """Everything a form shows, as display strings (the template only lays them out)."""
    spec = form_for(filing.filing_type)
    office = _office_of(filing)
    person = filing.person
    url = verify_url(document)
    unit = filing.unit
    flags = []
    if filing.is_overdue:
        flags.append("逾期备案")
    if filing.is_multiple_employment:
        flags.append("多重用工")
    reason = filing.termination_reason
    status_note = None
    if filing.status == FilingStatus.SUPERSEDED:
        status_note = "本备案已被更正，本表已失效，请以核验页面所示的最新版本为准。"
    elif filing.status == FilingStatus.CANCELLED:
        status_note = "本备案已撤销，本表已失效。"
    previous_contract = None
    if filing.previous_contract_type_code:
        from app.models.codes import ContractType

        previous_contract = db.session.get(ContractType, filing.previous_contract_type_code)
    employment = filing.employment
    return {
        "title": spec.title,
        "is_receipt": spec.is_receipt,
        "kind": filing.filing_type.name,
        "font_family": FONT_FAMILY,
        "filing": {
            "receipt_number": filing.receipt_number or "—",
            "type": filing.filing_type.value,
            "channel": filing.channel.value,
            "version": filing.version,
            "filed_on": cn_date(filing.filed_at or filing.decided_at or filing.submitted_at),
            "start_date": cn_date(filing.start_date),
            "end_date": cn_date(filing.end_date),
            "contract_type": _code_name(filing.contract_type),
            "contract_start": cn_date(filing.contract_start),
            "contract_end": (cn_date(filing.contract_end) if filing.contract_end
                             else ("无固定期限" if filing.contract_type_code == "OPEN" else "—")),
            "previous_contract_type": _code_name(previous_contract),
            "previous_contract_end": cn_date(filing.previous_contract_end),
            "employment_form": _code_name(filing.employment_form),
            "is_part_time": filing.employment_form_code == "PT",
            "hours_per_day": _hours(filing.hours_per_day),
            "hours_per_week": _hours(filing.hours_per_week),
            "probation": (f"{filing.probation_months} 个月" if filing.probation_months
                          else "无"),
            "job_title": filing.job_title or "—",
            "termination_reason": (f"{reason.name}（{reason.article}）" if reason is not None
                                   and reason.article else _code_name(reason)),
            "employment_start": cn_date(employment.start_date if employment else None),
            "note": filing.note or "",
            "flags": "、".join(flags),
            "correction_reason": filing.correction_reason or "",
            "status_note": status_note,
        },
        "person": {
            "name": filing.person_name,
            "citizen_id": (filing.person_citizen_id if _show_full_id()
                           else mask_citizen_id(filing.person_citizen_id)),
            "sex": person.sex_label if person is not None else "—",
        },
        "unit": {"name": unit.name, "credit_code": unit.credit_code,
                 "address": unit.address or "—"},
        "to_unit": ({"name": filing.to_unit.name, "credit_code": filing.to_unit.credit_code,
                     "address": filing.to_unit.address or "—"} if filing.to_unit else None),
        "office": {"name": office.name if office else agency_name(),
                   "address": office.address if office else "",
                   "phone": office.phone if office else ""},
        "verification": {"code": format_code(document.verification_code), "url": url},
        "images": {
            "qr": png_data_uri(qr_png(url)),
            "unit_seal": png_data_uri(seals.unit_seal(unit)),
            "agency_seal": png_data_uri(seals.agency_seal(office, agency_name())),
        },
        "printed_on": cn_date(rendered_at or now()),
        "agency": agency_name(),
    }


def render_html(filing: Filing, document: Document) -> str:
    spec = form_for(filing.filing_type)
    return jinja_env().get_template(spec.template).render(**document_context(filing, document))


def render_unsigned(filing: Filing, document: Document,
                    gate: ResourceGate | None = None) -> bytes:
    return html_to_pdf(render_html(filing, document), gate)


# ============================================================================================
# Signing (PAdES, pyHanko)
# ============================================================================================

# Room for the CMS signature (hex-encoded in the file, so twice this): an RSA-2048 signature with
# its certificate is ~2 KB; a production chain of a few certificates fits. Override with
# BEIAN_SIGNATURE_BYTES for a longer chain (too little room fails the render, visibly).
SIGNATURE_BYTES = 8192
DEV_BUNDLE = "signing-dev.pem"
DEV_CERT = "signing-dev-cert.pem"
_signers: dict[tuple, object] = {}
_signer_lock = threading.Lock()


def _write_private(path: Path, data: bytes) -> bool:
    """Create `path` with mode 0600 atomically; False when it already exists."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    try:
        os.link(tmp, path)  # fails if another process made it first
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def _make_dev_material(name: str) -> bytes:
    """A development RSA key and a self-signed certificate naming the agency, as one PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "用工备案（开发用证书，不具法律效力）"),
        x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
    ])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                              ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem + cert.public_bytes(serialization.Encoding.PEM)


def signing_material() -> tuple[bytes, bytes, bytes | None]:
    """(key PEM, certificate PEM, key passphrase). Production: BEIAN_SIGNING_KEY and
    BEIAN_SIGNING_CERT (paths; BEIAN_SIGNING_KEY_PASSWORD if the key is encrypted). Elsewhere a
    development key is generated once into the instance directory (mode 0600, never committed)."""
    key_path, cert_path = setting("BEIAN_SIGNING_KEY"), setting("BEIAN_SIGNING_CERT")
    if key_path and cert_path:
        password = setting("BEIAN_SIGNING_KEY_PASSWORD")
        return (Path(key_path).read_bytes(), Path(cert_path).read_bytes(),
                password.encode() if password else None)
    if str(setting("BEIAN_ENV", "development")) == "production":
        raise RuntimeError("BEIAN_SIGNING_KEY and BEIAN_SIGNING_CERT must be set in production: "
                           "a development key must never sign real documents.")
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    bundle = folder / DEV_BUNDLE
    if not bundle.exists():
        _write_private(bundle, _make_dev_material(agency_name()))
    data = bundle.read_bytes()
    marker = b"-----BEGIN CERTIFICATE-----"
    key_pem, cert_pem = data[:data.index(marker)], data[data.index(marker):]
    cert_file = folder / DEV_CERT
    if not cert_file.exists():
        _write_private(cert_file, cert_pem)
    return key_pem, cert_pem, None


def signing_certificate():
    """The signing certificate (asn1crypto), e.g. the trust root to validate documents with."""
    from pyhanko.keys import load_certs_from_pemder_data

    return next(iter(load_certs_from_pemder_data(signing_material()[1])))


def _signer():
    key_pem, cert_pem, password = signing_material()
    cache_key = (hashlib.sha256(key_pem).hexdigest(), hashlib.sha256(cert_pem).hexdigest())
    with _signer_lock:
        signer = _signers.get(cache_key)
        if signer is None:
            from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            certs = list(load_certs_from_pemder_data(cert_pem))
            key = load_private_key_from_pemder_data(key_pem, passphrase=password)
            signer = _key_caching_signer_class()(
                signing_cert=certs[0], signing_key=key,
                cert_registry=SimpleCertificateStore.from_certs(certs))
            _signers.clear()
            _signers[cache_key] = signer
    return signer


@functools.lru_cache(maxsize=1)
def _key_caching_signer_class():
    """pyHanko's SimpleSigner parses (and, for RSA, fully validates) the private key on every
    signature — about 50 ms for a 2048-bit key. This one parses it once per process."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeyCachingSigner(SimpleSigner):
        _pyca_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(),
                                                                    password=None)
            key, digest = self._pyca_key, get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), digest)
            if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(digest))
            return super().sign_raw(data, digest_algorithm)

    return KeyCachingSigner


def sign_pdf(pdf: bytes, *, reason: str = "用工备案文书", location: str = "") -> bytes:
    """A PAdES (B-B) certification signature by the agency: any change to the signed bytes
    makes the signature invalid in every PDF validator."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="BeianSignature", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
        reason=reason, location=location, name=agency_name(), certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        signer_key_usage={"non_repudiation", "digital_signature"})
    signer = _signer()
    # Reserving the signature's room up front spares pyHanko a dry-run signature to measure it.
    return _outside_event_loop(lambda: signers.sign_pdf(
        writer, meta, signer=signer,
        bytes_reserved=int(setting("BEIAN_SIGNATURE_BYTES", SIGNATURE_BYTES))).getvalue())


def _outside_event_loop(work):
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a thread
    that already runs one (an async server, a browser-test driver): then use a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def render_document_pdf(filing: Filing, document: Document, *, sign: bool = True) -> bytes:
    pdf = render_unsigned(filing, document)
    if sign:
        office = _office_of(filing)
        pdf = sign_pdf(pdf, reason=f"{form_for(filing.filing_type).title} {filing.receipt_number}",
                       location=office.name if office else "")
    return pdf


def signing_enabled() -> bool:
    return _flag("BEIAN_SIGN_DOCUMENTS", True)


# ============================================================================================
# Queue
# ============================================================================================

def document_of(filing_id: int) -> Document | None:
    return db.session.scalar(select(Document).where(Document.filing_id == filing_id))


def is_documentable(filing: Filing | None) -> bool:
    return filing is not None and filing.status in DOCUMENT_FILING_STATUSES


def _insert_document(filing_id: int, base_url: str, priority: int = PRIORITY_BACKLOG) -> bool:
    """INSERT a queued document; False when one exists already (unique filing_id)."""
    for _ in range(3):  # a clash of random codes is astronomically rare; a clash of filing not
        try:
            with db.session.begin_nested():
                db.session.add(Document(filing_id=filing_id, status=DocumentStatus.QUEUED,
                                        verification_code=new_verification_code(),
                                        verify_base_url=base_url[:200], created_at=now(),
                                        priority=priority))
            return True
        except IntegrityError:
            if document_of(filing_id) is not None:
                return False
    raise RuntimeError("could not allocate a verification code")


def request_document(filing: Filing, *, base_url: str | None = None,
                     priority: int = PRIORITY_WAITING) -> Document:
    """The filing's document, enqueued if it has none yet (or failed before), ahead of the
    backlog when someone waits for it (a queued backlog document is moved up). Commits."""
    if not is_documentable(filing):
        raise DomainError("DOCUMENT_NOT_AVAILABLE", "该备案尚未完成备案，暂不能生成备案表或回执。",
                          "Only filed filings have documents.")
    document = document_of(filing.id)
    if document is not None and document.status not in (DocumentStatus.FAILED,
                                                         DocumentStatus.QUEUED):
        return document
    if document is not None and document.status == DocumentStatus.QUEUED \
            and document.priority >= priority:
        return document
    begin_write()
    if document is None:
        _insert_document(filing.id, base_url or public_base_url(), priority)
    else:
        if document.status == DocumentStatus.FAILED:
            document.status, document.attempts, document.error = DocumentStatus.QUEUED, 0, None
        document.priority = max(document.priority, priority)
    db.session.commit()
    return document_of(filing.id)


def enqueue_missing(limit: int = 1000, base_url: str | None = None,
                    within_days: int | None = None) -> int:
    """Enqueue a document for every FILED filing that has none, filed within the last
    `within_days` (BEIAN_DOCUMENT_BACKFILL_DAYS, default 30; 0 = all): the scheduler's safety net
    for filings filed since the last run. Older filings (imported history) get theirs when
    someone asks. Returns how many were enqueued."""
    base = base_url or public_base_url()
    days = int(setting("BEIAN_DOCUMENT_BACKFILL_DAYS", 30) if within_days is None
               else within_days)
    recent = (Filing.filed_at >= now() - datetime.timedelta(days=days)) if days > 0 \
        else sa_true()
    total = 0
    while True:
        ids = list(db.session.scalars(
            select(Filing.id).outerjoin(Document, Document.filing_id == Filing.id)
            .where(Filing.status == FilingStatus.FILED, Document.id.is_(None), recent)
            .order_by(Filing.id).limit(min(limit - total, 500))))
        if not ids:
            break
        begin_write()
        added = sum(1 for filing_id in ids if _insert_document(filing_id, base))
        db.session.commit()
        total += added
        if total >= limit or added == 0:
            break
    return total


def requeue_stale(older_than: datetime.timedelta = STALE_RENDERING) -> int:
    """Documents whose renderer died mid-way (RENDERING for too long) go back to the queue."""
    cutoff = now() - older_than
    begin_write()
    result = db.session.execute(
        update(Document)
        .where(Document.status == DocumentStatus.RENDERING, Document.claimed_at < cutoff)
        .values(status=DocumentStatus.QUEUED, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def claim_next(worker: str | None = None, *, candidates: int = 8) -> int | None:
    """Claim the next queued document for this worker — the ones people wait for first, then
    the oldest: an UPDATE that only succeeds while the row is still QUEUED, so of two workers
    racing for a row exactly one wins it. (Commits the session: a worker owns its session.)"""
    worker = worker or worker_name()
    db.session.commit()  # see the latest queue, not a snapshot
    ids = list(db.session.scalars(
        select(Document.id).where(Document.status == DocumentStatus.QUEUED)
        .order_by(Document.priority.desc(), Document.id).limit(candidates)))
    db.session.commit()
    for doc_id in ids:
        begin_write()
        result = db.session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.status == DocumentStatus.QUEUED)
            .values(status=DocumentStatus.RENDERING, claimed_by=worker, claimed_at=now(),
                    attempts=Document.attempts + 1)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if result.rowcount == 1:
            return doc_id
    return None


def render_claimed(doc_id: int, worker: str | None = None, *, sign: bool | None = None) -> bool:
    """Render, sign and store a document this worker has claimed. True when it is READY."""
    worker = worker or worker_name()
    sign = signing_enabled() if sign is None else sign
    document = db.session.get(Document, doc_id)
    if document is None:
        return False
    filing = db.session.scalar(
        select(Filing).options(joinedload(Filing.unit), joinedload(Filing.to_unit),
                               joinedload(Filing.office), joinedload(Filing.person))
        .where(Filing.id == document.filing_id))
    try:
        pdf = render_document_pdf(filing, document, sign=sign)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried, then FAILED
        log.exception("rendering document %s failed", doc_id)
        db.session.rollback()
        begin_write()
        db.session.execute(
            update(Document).where(Document.id == doc_id, Document.claimed_by == worker)
            .values(status=case_failed(), error=f"{type(exc).__name__}: {exc}"[:2000],
                    claimed_by=None)
            .execution_options(synchronize_session=False))
        db.session.commit()
        return False
    begin_write()
    result = db.session.execute(
        update(Document)
        .where(Document.id == doc_id, Document.claimed_by == worker,
               Document.status == DocumentStatus.RENDERING)
        .values(status=DocumentStatus.READY, pdf=pdf, size=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(), signed=sign, rendered_at=now(),
                error=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    return result.rowcount == 1


def case_failed():
    """QUEUED again while attempts remain, else FAILED (a SQL expression on the row)."""
    return case((Document.attempts >= MAX_ATTEMPTS, DocumentStatus.FAILED.name),
                else_=DocumentStatus.QUEUED.name)


def render_pending(limit: int | None = None, worker: str | None = None) -> dict:
    """Render queued documents until the queue is empty (or `limit` were rendered)."""
    worker = worker or worker_name()
    done = failed = 0
    requeue_stale()
    while limit is None or done + failed < limit:
        doc_id = claim_next(worker)
        if doc_id is None:
            break
        if render_claimed(doc_id, worker):
            done += 1
        else:
            failed += 1
    return {"rendered": done, "failed": failed}


# ============================================================================================
# Job claims (one row per scheduled run; the INSERT that wins runs the job)
# ============================================================================================

def claim_run(job_name: str, run_key: str, claimed_by: str | None = None) -> bool:
    """Claim a job run: True for exactly one caller per (job_name, run_key), on SQLite and
    PostgreSQL alike (a unique constraint; the loser's INSERT fails and is rolled back)."""
    db.session.commit()
    begin_write()
    try:
        db.session.add(JobClaim(job_name=job_name, run_key=run_key,
                                claimed_by=(claimed_by or worker_name())[:128],
                                claimed_at=now()))
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def prune_claims(keep: datetime.timedelta = datetime.timedelta(days=2)) -> int:
    begin_write()
    result = db.session.execute(delete(JobClaim).where(JobClaim.claimed_at < now() - keep)
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def renderer_alive(within: datetime.timedelta = datetime.timedelta(seconds=90)) -> bool:
    """Has a scheduler claimed a render run lately? (The progress page warns when not.)"""
    latest = db.session.scalar(select(func.max(JobClaim.claimed_at))
                               .where(JobClaim.job_name == RENDER_JOB))
    return latest is not None and latest >= now() - within


# ============================================================================================
# Access
# ============================================================================================

def filing_for(user, filing_id) -> Filing | None:
    """A documentable filing the user may see (employer: own unit; staff: covers_unit), else
    None — the same answer for "no such filing", "not yours" and "not filed"."""
    try:
        filing = db.session.get(Filing, int(filing_id))
    except (TypeError, ValueError):
        return None
    if not is_documentable(filing) or not covers(jurisdiction_of(user), filing):
        return None
    return filing


def covers(scope, filing: Filing) -> bool:
    """A filing is in a jurisdiction when its unit is; a transfer receipt also belongs to the
    receiving unit (调入单位) and its offices; and every document about a verified worker
    belongs to that worker."""
    if scope.scope == "person":
        return filing.person_id == scope.person_id
    return scope.covers_unit(filing.unit) or (
        filing.to_unit is not None and scope.covers_unit(filing.to_unit))


def file_name(filing_type, receipt_number) -> str:
    return f"{form_for(filing_type).title}-{receipt_number}.pdf"


def download_name(filing: Filing) -> str:
    return file_name(filing.filing_type, filing.receipt_number or filing.id)


def record_download(filing: Filing, document: Document, *, batch: int | None = None) -> None:
    record("document", document.id, "download",
           after={"filing": filing.id, "receipt_number": filing.receipt_number,
                  "full_id": _show_full_id(), **({"batch": batch} if batch else {})})


# ============================================================================================
# Verification (public, masked)
# ============================================================================================

@dataclass(frozen=True)
class Verification:
    state: VerificationState
    code: str = ""
    title: str = ""
    filing_type: str = ""
    receipt_number: str = ""
    filed_on: str = ""
    version: int = 1
    person_name: str = ""
    citizen_id: str = ""
    unit_name: str = ""
    to_unit_name: str = ""
    office_name: str = ""
    changed_on: str = ""
    current_code: str | None = None
    current_receipt_number: str | None = None


NOT_FOUND = Verification(VerificationState.NOT_FOUND)


def current_version(filing: Filing) -> Filing:
    from app.queries.filings import history

    return history(filing)[-1]


def verify(code_text: str | None) -> Verification:
    """What the public page says about a verification code. Unknown, malformed and
    not-yet-filed all read the same "not found"."""
    code = normalise_code(code_text)
    if code is None:
        return NOT_FOUND
    document = db.session.scalar(select(Document).where(Document.verification_code == code))
    if document is None:
        return NOT_FOUND
    filing = document.filing
    state = verification_state(filing.status)
    if state == VerificationState.NOT_FOUND:
        return NOT_FOUND
    current_code = current_receipt = None
    changed_on = ""
    if state == VerificationState.SUPERSEDED:
        latest = current_version(filing)
        if latest.id != filing.id and is_documentable(latest):
            current_code = request_document(latest, base_url=document.verify_base_url
                                            ).verification_code
            current_receipt = latest.receipt_number
            changed_on = cn_date(latest.filed_at)
    elif state == VerificationState.CANCELLED:
        changed_on = cn_date(filing.cancelled_at)
    office = filing.office
    return Verification(
        state=state, code=format_code(code), title=form_for(filing.filing_type).title,
        filing_type=filing.filing_type.value, receipt_number=filing.receipt_number or "",
        filed_on=cn_date(filing.filed_at), version=filing.version,
        person_name=mask_name(filing.person_name),
        citizen_id=mask_citizen_id(filing.person_citizen_id),
        unit_name=filing.unit.name, to_unit_name=filing.to_unit.name if filing.to_unit else "",
        office_name=office.name if office else "", changed_on=changed_on,
        current_code=current_code, current_receipt_number=current_receipt)


# ============================================================================================
# Batches (批量下载)
# ============================================================================================

def _batch_error(code: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en, "filings")


def batch_filings_for_unit(user, unit_id: int, date_from: datetime.date | None,
                           date_to: datetime.date | None) -> list[int]:
    """Documentable filings of one unit (in the user's jurisdiction) filed in a date range."""
    from app.models.units import Unit

    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not jurisdiction_of(user).covers_unit(unit):
        raise _batch_error("UNIT_OUT_OF_JURISDICTION", "该单位不在您的办理范围内。",
                           "This unit is outside your jurisdiction.")
    stmt = select(Filing.id).where(Filing.unit_id == unit.id,
                                   Filing.status.in_(DOCUMENT_FILING_STATUSES))
    if date_from:
        stmt = stmt.where(Filing.filed_at >= datetime.datetime.combine(date_from,
                                                                       datetime.time.min))
    if date_to:
        stmt = stmt.where(Filing.filed_at < datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min))
    return list(db.session.scalars(stmt.order_by(Filing.id).limit(BATCH_MAX_FILINGS + 1)))


def create_batch(user, filing_ids: Iterable[int], *, unit_id: int | None = None,
                 date_from=None, date_to=None, base_url: str | None = None) -> DocumentBatch:
    """A batch download of the given filings: every one must be in the user's jurisdiction
    (else the whole batch is refused, as a 404 would be); their documents are enqueued."""
    ids = sorted({int(i) for i in filing_ids})
    if not ids:
        raise _batch_error("BATCH_EMPTY", "没有可下载的备案。请选择至少一条已备案的记录，或调整日期范围。",
                           "No filings to download.")
    if len(ids) > BATCH_MAX_FILINGS:
        raise _batch_error("BATCH_TOO_LARGE",
                           f"一次最多批量下载 {BATCH_MAX_FILINGS} 份。请缩小日期范围后分批下载。",
                           "Too many filings in one batch.")
    scope = jurisdiction_of(user)
    filings = {f.id: f for f in db.session.scalars(
        select(Filing).options(joinedload(Filing.unit)).where(Filing.id.in_(ids)))}
    for filing_id in ids:
        filing = filings.get(filing_id)
        if not is_documentable(filing) or not covers(scope, filing):
            raise _batch_error("FILING_NOT_FOUND", "未找到部分备案，或不在您的办理范围内。",
                               "A filing was not found in your jurisdiction.")
    base = base_url or public_base_url()
    begin_write()
    batch = DocumentBatch(token=secrets.token_urlsafe(18), created_by_id=getattr(user, "id", None),
                          unit_id=unit_id, date_from=date_from, date_to=date_to, size=len(ids),
                          created_at=now())
    db.session.add(batch)
    db.session.flush()
    db.session.execute(DocumentBatchItem.__table__.insert(),
                       [{"batch_id": batch.id, "filing_id": i} for i in ids])
    existing = set(db.session.scalars(select(Document.filing_id)
                                      .where(Document.filing_id.in_(ids))))
    for filing_id in ids:
        if filing_id not in existing:
            _insert_document(filing_id, base, PRIORITY_BATCH)
    db.session.execute(
        update(Document).where(Document.filing_id.in_(ids),
                               Document.status == DocumentStatus.FAILED)
        .values(status=DocumentStatus.QUEUED, attempts=0, error=None)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(Document).where(Document.filing_id.in_(ids),
                               Document.status == DocumentStatus.QUEUED,
                               Document.priority < PRIORITY_BATCH)
        .values(priority=PRIORITY_BATCH).execution_options(synchronize_session=False))
    record("document_batch", batch.id, "create", after={"size": len(ids), "unit": unit_id})
    db.session.commit()
    return batch


def batch_for(user, token: str) -> DocumentBatch | None:
    """A batch of this user whose every filing is still in the user's jurisdiction, else None."""
    batch = db.session.scalar(select(DocumentBatch).where(DocumentBatch.token == str(token)))
    if batch is None or batch.created_by_id != getattr(user, "id", None):
        return None
    scope = jurisdiction_of(user)
    filings = db.session.scalars(
        select(Filing).options(joinedload(Filing.unit), joinedload(Filing.to_unit))
        .join(DocumentBatchItem, DocumentBatchItem.filing_id == Filing.id)
        .where(DocumentBatchItem.batch_id == batch.id))
    if not all(covers(scope, filing) for filing in filings):
        return None
    return batch


def batch_progress(batch: DocumentBatch) -> dict:
    rows = db.session.execute(
        select(Document.status, func.count())
        .join(DocumentBatchItem, DocumentBatchItem.filing_id == Document.filing_id)
        .where(DocumentBatchItem.batch_id == batch.id).group_by(Document.status)).all()
    counts = {status.name: n for status, n in rows}
    ready = counts.get("READY", 0)
    failed = counts.get("FAILED", 0)
    total = batch.size
    return {"total": total, "ready": ready, "failed": failed,
            "percent": round(100 * ready / total) if total else 100,
            "done": ready + failed >= total}


class _Sink:
    """A write-only file for zipfile that hands out what was written, chunk by chunk."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def iter_batch_zip(batch: DocumentBatch) -> Iterator[bytes]:
    """The batch's PDFs as a ZIP, streamed: one PDF is in memory at a time, whatever the size
    of the batch (PDFs are compressed already, so the entries are stored, not deflated)."""
    sink = _Sink()
    rows = list(db.session.execute(
        select(Document.id, Filing.id, Filing.filing_type, Filing.receipt_number,
               Filing.filed_at)
        .join(Filing, Filing.id == Document.filing_id)
        .join(DocumentBatchItem, DocumentBatchItem.filing_id == Filing.id)
        .where(DocumentBatchItem.batch_id == batch.id, Document.status == DocumentStatus.READY)
        .order_by(Filing.id)))
    names: set[str] = set()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for doc_id, filing_id, filing_type, receipt_number, filed_at in rows:
            # One PDF at a time, read as a bare column: nothing accumulates in the session.
            pdf = db.session.scalar(select(Document.pdf).where(Document.id == doc_id))
            name = file_name(filing_type, receipt_number or filing_id)
            if name in names:
                name = f"{filing_id}-{name}"
            names.add(name)
            info = zipfile.ZipInfo(name, date_time=(filed_at or now()).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, mode="w") as entry:
                entry.write(pdf)
            del pdf
            yield sink.take()
    yield sink.take()


def batch_zip_name(batch: DocumentBatch) -> str:
    return f"备案文书-批量{batch.id}-{(batch.created_at or now()).strftime('%Y%m%d')}.zip"


def document_status(filing: Filing) -> dict:
    document = document_of(filing.id)
    status = document.status if document else DocumentStatus.QUEUED
    return {"status": status.name, "label": status.value,
            "ready": status == DocumentStatus.READY,
            "failed": status == DocumentStatus.FAILED,
            "percent": {DocumentStatus.QUEUED: 10, DocumentStatus.RENDERING: 60,
                        DocumentStatus.READY: 100, DocumentStatus.FAILED: 100}[status]}


__all__ = [
    "NOT_FOUND", "ResourceGate", "Verification", "batch_for", "batch_progress",
    "claim_next", "claim_run", "create_batch", "document_context", "document_of",
    "enqueue_missing", "filing_for", "html_to_pdf", "iter_batch_zip", "render_claimed",
    "render_document_pdf", "render_html", "render_pending", "request_document", "sign_pdf",
    "signing_certificate", "verify",
]
