"""Signing documents (PAdES, pyHanko): the agency's key and certificate — configured in
production, a development pair generated once into the instance directory elsewhere — and the
certification signature over each PDF."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import functools
import hashlib
import io
import os
import secrets
import threading
from pathlib import Path

from flask import current_app

from app.services.documents.agency import agency_name

DEV_BUNDLE = "signing-dev.pem"
DEV_CERT = "signing-dev-cert.pem"
_signers: dict[tuple, object] = {}
_signer_lock = threading.Lock()


def instance_dir() -> Path:
    """Where the development key lives (BEIAN_INSTANCE_DIR)."""
    return Path(current_app.config["BEIAN_INSTANCE_DIR"])


def signing_enabled() -> bool:
    return bool(current_app.config["BEIAN_SIGN_DOCUMENTS"])


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


def _dev_certificate(key, name: str):
    """A self-signed certificate naming the agency, good for ten years (development only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "用工备案（开发用证书，不具法律效力）"),
        x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
    ])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    return (
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


def _make_dev_material(name: str) -> bytes:
    """A development RSA key and a self-signed certificate naming the agency, as one PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _dev_certificate(key, name)
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem + cert.public_bytes(serialization.Encoding.PEM)


def _dev_material() -> tuple[bytes, bytes, None]:
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


def signing_material() -> tuple[bytes, bytes, bytes | None]:
    """(key PEM, certificate PEM, key passphrase). Production: BEIAN_SIGNING_KEY and
    BEIAN_SIGNING_CERT (paths; BEIAN_SIGNING_KEY_PASSWORD if the key is encrypted). Elsewhere a
    development key is generated once into the instance directory (mode 0600, never committed)."""
    config = current_app.config
    key_path, cert_path = config["BEIAN_SIGNING_KEY"], config["BEIAN_SIGNING_CERT"]
    if key_path and cert_path:
        password = config["BEIAN_SIGNING_KEY_PASSWORD"]
        return (Path(key_path).read_bytes(), Path(cert_path).read_bytes(),
                password.encode() if password else None)
    if str(config["BEIAN_ENV"]) == "production":
        raise RuntimeError("BEIAN_SIGNING_KEY and BEIAN_SIGNING_CERT must be set in production: "
                           "a development key must never sign real documents.")
    return _dev_material()


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
    # Room for the CMS signature (BEIAN_SIGNATURE_BYTES, hex-encoded in the file so twice this),
    # reserved up front: that spares pyHanko a dry-run signature to measure it. Too little room
    # for a long certificate chain fails the render, visibly.
    reserved = int(current_app.config["BEIAN_SIGNATURE_BYTES"])
    return _outside_event_loop(lambda: signers.sign_pdf(
        writer, meta, signer=signer, bytes_reserved=reserved).getvalue())


def _outside_event_loop(work):
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a thread
    that already runs one (an async server, a browser-test driver): then use a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
