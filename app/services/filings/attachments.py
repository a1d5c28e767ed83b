"""Attachments of a filing (附件): PDF, JPEG or PNG, checked by their first bytes and size."""

from __future__ import annotations

import hashlib

from flask import current_app

from app.domain.filings.errors import ATTACHMENT_EMPTY
from app.domain.shared_errors import ATTACHMENT_TOO_LARGE, ATTACHMENT_TYPE
from app.models.filings import Filing, FilingAttachment

ATTACHMENT_TYPES = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff",
                    "image/png": b"\x89PNG\r\n\x1a\n"}


def save_attachments(filing: Filing, uploads) -> None:
    limit = current_app.config["BEIAN_ATTACHMENT_MAX_BYTES"]
    for upload in uploads or ():
        magic = ATTACHMENT_TYPES.get(upload.content_type)
        if magic is None or not upload.data.startswith(magic):
            raise ATTACHMENT_TYPE(filename=upload.filename)
        if len(upload.data) > limit:
            raise ATTACHMENT_TOO_LARGE(filename=upload.filename, megabytes=limit // (1024 * 1024))
        if not upload.data:
            raise ATTACHMENT_EMPTY(filename=upload.filename)
        filing.attachments.append(FilingAttachment(
            filename=upload.filename[:200], content_type=upload.content_type,
            size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
            data=upload.data))
