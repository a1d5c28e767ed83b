"""Who delivers a notice. The delivery job (app.services.notices.delivery) hands each due notice
to the sender named in BEIAN_NOTICE_SENDER; a sender returns when the notice is delivered and
raises SendFailed (with a short reason, never the message or the full phone number) when not.

- OutboxOnlySender (the default, and the demo's): delivers nothing; the notice stays in the
  outbox for staff to read and is marked SENT.
- HttpSmsSender: an HTTP SMS gateway. Each SMS is one POST of a JSON object to BEIAN_SMS_URL:

      {"phone": "13912345678", "text": "...", "signature": "【无锡人社】", "timestamp": "1764686700"}

  `signature` is the SMS signature text (BEIAN_SMS_SIGN_NAME; a leading 【…】 tag of the body is
  left out of `text`, the gateway puts the signature in front). Headers authenticate it:
  X-Beian-Key-Id (BEIAN_SMS_KEY_ID), X-Beian-Timestamp, and X-Beian-Signature: the lowercase hex
  HMAC-SHA256, keyed with BEIAN_SMS_SECRET, of "<timestamp>\\n<body bytes>". Any 2xx answer is
  delivered; another answer, a timeout (BEIAN_SMS_TIMEOUT_SECONDS) or a refused connection is a
  SendFailed, retried with back-off. Portal notices (channel "portal") are read in the employer
  portal: nothing to send."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request

from flask import current_app
from werkzeug.utils import import_string

from app.models.filings import Notice

SMS_CHANNEL = "sms"
_LEADING_TAG = re.compile(r"^\s*【[^】]{1,20}】")


class SendFailed(Exception):
    """The notice was not delivered. `reason` is short and safe to store and log; `permanent`
    when retrying cannot help (no phone number)."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


class NoticeSender:
    """Interface: deliver one notice, or raise SendFailed."""

    def send(self, notice: Notice) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxOnlySender(NoticeSender):
    """Keeps notices in the outbox for staff to see; delivers nothing (the demo's sender)."""

    def send(self, notice: Notice) -> None:
        return None


def mask_phone(phone: str) -> str:
    """What a log line may show of a phone number.

    >>> mask_phone("13912345678")
    '139****5678'
    """
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "***"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Beian-Signature header: hex HMAC-SHA256 of "<timestamp>\\n<body>"."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body,
                    hashlib.sha256).hexdigest()


class HttpSmsSender(NoticeSender):
    """An SMS gateway over HTTP (settings BEIAN_SMS_*); see the module's docstring."""

    def __init__(self, config=None):
        config = config if config is not None else current_app.config
        self.url = config["BEIAN_SMS_URL"]
        self.key_id = config["BEIAN_SMS_KEY_ID"]
        self.secret = config["BEIAN_SMS_SECRET"]
        self.sign_name = config["BEIAN_SMS_SIGN_NAME"]
        self.timeout = float(config["BEIAN_SMS_TIMEOUT_SECONDS"])

    def send(self, notice: Notice) -> None:
        if notice.channel != SMS_CHANNEL:
            return None
        if not notice.recipient:
            raise SendFailed("没有手机号码", permanent=True)
        if not self.url:
            raise SendFailed("BEIAN_SMS_URL 未设置")
        timestamp = str(int(time.time()))
        body = json.dumps({"phone": notice.recipient,
                           "text": _LEADING_TAG.sub("", notice.body, count=1).strip(),
                           "signature": self.sign_name, "timestamp": timestamp},
                          ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "X-Beian-Key-Id": self.key_id,
            "X-Beian-Timestamp": timestamp, "X-Beian-Signature": sign(self.secret, timestamp,
                                                                      body)})
        self._post(request)

    def _post(self, request: urllib.request.Request) -> None:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                answer.read(1024)
        except urllib.error.HTTPError as exc:
            raise SendFailed(f"短信网关返回 HTTP {exc.code}") from None
        except TimeoutError:
            raise SendFailed(f"短信网关 {self.timeout:g} 秒未应答") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SendFailed(f"短信网关 {self.timeout:g} 秒未应答") from None
            raise SendFailed(f"短信网关不可达：{type(exc.reason).__name__}") from None
        except OSError as exc:
            raise SendFailed(f"短信网关连接失败：{type(exc).__name__}") from None


def sender() -> NoticeSender:
    return import_string(current_app.config["BEIAN_NOTICE_SENDER"])()
