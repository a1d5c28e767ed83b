"""Safe rendering of a form's HTML to PDF (xhtml2pdf): resources confined to app/static, no
network, the CJK font registered once per process.

A filing field is always text (the templates autoescape); xhtml2pdf runs under a
ResourceAccessPolicy confined to app/static with the network off, and a link_callback that
resolves only relative paths inside app/static and our own data: images — anything else is
refused and recorded, and loads nothing."""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
FONT_URL = "fonts/wqy-microhei.ttc"
FONT_FAMILY = "wqy"            # the CSS font-family the templates use
FONT_NAME = "WQYMicroHei"      # the embedded TrueType face (face 0 of the collection)


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
