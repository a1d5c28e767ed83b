"""Electronic seal images (电子印章图像): round red seals drawn from an organisation's name, and
the PNG a unit may upload instead of its drawn seal.

A seal image proves nothing by itself (GB/T 38540-2020); the PAdES signature over the PDF does.
The image is what a person expects to see on a printed form: the organisation's name on the arc,
a five-pointed star in the centre, the seal's purpose at the bottom, in red on a transparent
background."""

from __future__ import annotations

import functools
import hashlib
import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError
from sqlalchemy import select

from app import clock
from app.domain.documents import (
    AGENCY_SEAL_PURPOSE,
    SEAL_MAX_BYTES,
    SEAL_MAX_PIXELS,
    SEAL_TOO_LARGE,
    SEAL_TYPE,
    UNIT_SEAL_PURPOSE,
    seal_size_detail,
    split_seal_name,
)
from app.extensions import db
from app.models.documents import UnitSeal
from app.models.org import Office
from app.models.units import Unit
from app.services.actor import Actor
from app.services.audit import record
from app.services.transaction import transaction

FONT_PATH = Path(__file__).resolve().parents[2] / "static" / "fonts" / "wqy-microhei.ttc"
SEAL_RED = (214, 16, 24, 235)
SIZE = 320  # px; printed at about 38 mm this is ~210 dpi
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size, index=0)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    inner = r * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _glyph(ch: str, size: int, squeeze: float) -> Image.Image:
    """One character on its own transparent tile, narrowed like the condensed lettering
    (长宋/黑体 压扁) of a real seal."""
    font = _font(size)
    box = font.getbbox(ch)
    w, h = max(1, box[2] - box[0]), max(1, box[3] - box[1])
    tile = Image.new("RGBA", (w + 4, h + 4), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((2 - box[0], 2 - box[1]), ch, font=font, fill=SEAL_RED)
    if squeeze != 1.0:
        tile = tile.resize((max(1, round(tile.width * squeeze)), tile.height),
                           Image.Resampling.LANCZOS)
    return tile


def draw_seal(name: str, purpose: str = "", *, size: int = SIZE) -> bytes:
    """A round red seal as a transparent PNG: `name` along the upper arc (clockwise, left to
    right), a star in the centre, `purpose` straight across below the star."""
    # Drawn at twice the size and scaled down: smooth edges without a per-shape antialias.
    scale = 2
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = s / 2
    ring = s * 0.032
    outer = s / 2 - ring / 2 - 2
    draw.ellipse((c - outer, c - outer, c + outer, c + outer), outline=SEAL_RED,
                 width=round(ring))

    text = (name or "").strip()
    if text:
        n = len(text)
        # The arc widens with the length of the name, up to ~250°, like a real seal.
        span = min(250.0, max(150.0, 13.0 * n + 30))
        radius = outer - ring * 0.9
        glyph_size = round(min(s * 0.11, (2 * math.pi * radius * span / 360) / n * 0.98))
        text_radius = radius - ring * 0.5 - glyph_size * 0.6
        step = span / n
        start = -90 - span / 2 + step / 2  # degrees, 0 = east, clockwise (screen coordinates)
        for i, ch in enumerate(text):
            angle = start + i * step
            tile = _glyph(ch, glyph_size, 0.82)
            # Each glyph's top faces outward: rotate by the angle from "up".
            rotated = tile.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC, expand=True)
            x = c + text_radius * math.cos(math.radians(angle))
            y = c + text_radius * math.sin(math.radians(angle))
            image.alpha_composite(rotated, (round(x - rotated.width / 2),
                                            round(y - rotated.height / 2)))

    _star(draw, c, c, s * 0.17)

    bottom = (purpose or "").strip()
    if bottom:
        font_size = round(s * (0.085 if len(bottom) <= 7 else 0.07))
        font = _font(font_size)
        width = draw.textlength(bottom, font=font)
        limit = s * 0.56
        if width > limit:
            font = _font(max(8, round(font_size * limit / width)))
            width = draw.textlength(bottom, font=font)
        draw.text((c - width / 2, c + s * 0.2), bottom, font=font, fill=SEAL_RED)

    image = image.resize((size, size), Image.Resampling.LANCZOS)
    # One flat colour with the shape in the alpha channel: the colour plane then compresses to
    # almost nothing inside the PDF.
    flat = Image.new("RGBA", image.size, SEAL_RED[:3] + (0,))
    flat.putalpha(image.getchannel("A"))
    image = flat
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


@functools.lru_cache(maxsize=256)
def drawn_seal(name: str, purpose: str) -> bytes:
    """draw_seal, kept per process: a form reuses the same two seals again and again."""
    return draw_seal(name, purpose)


def agency_seal(office: Office | None, fallback_name: str) -> bytes:
    """The handling office's 用工备案专用章 (from office.seal_name, else its name)."""
    name, purpose = split_seal_name(office.seal_name if office else "",
                                    office.name if office else fallback_name,
                                    AGENCY_SEAL_PURPOSE)
    return drawn_seal(name, purpose)


def unit_seal(unit: Unit) -> bytes:
    """The unit's uploaded seal, else one drawn from its name."""
    png = db.session.scalar(select(UnitSeal.png).where(UnitSeal.unit_id == unit.id))
    return png if png is not None else drawn_seal(unit.name, UNIT_SEAL_PURPOSE)


# -- uploads -------------------------------------------------------------------------------

def check_seal_png(data: bytes) -> tuple[int, int]:
    """Validate an uploaded seal image by decoding it: a PNG, at most SEAL_MAX_BYTES and
    SEAL_MAX_PIXELS on each side. Returns (width, height); raises SEAL_TYPE / SEAL_TOO_LARGE."""
    if not data or not data.startswith(PNG_MAGIC):
        raise SEAL_TYPE()
    if len(data) > SEAL_MAX_BYTES:
        raise SEAL_TOO_LARGE(detail=seal_size_detail(size_bytes=len(data)))
    decode_errors = (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                     Image.DecompressionBombError)
    try:
        probe = Image.open(io.BytesIO(data))
        kind, (width, height) = probe.format, probe.size
    except decode_errors as exc:
        raise SEAL_TYPE() from exc
    if kind != "PNG":
        raise SEAL_TYPE()
    if width > SEAL_MAX_PIXELS or height > SEAL_MAX_PIXELS:
        # Checked before decoding: a tiny file may declare a huge canvas.
        raise SEAL_TOO_LARGE(detail=seal_size_detail(width=width, height=height))
    try:
        probe.load()  # decode fully: a truncated or corrupt file fails here
    except decode_errors as exc:
        raise SEAL_TYPE() from exc
    finally:
        probe.close()
    if width < 16 or height < 16:
        raise SEAL_TYPE()
    return width, height


def save_unit_seal(actor: Actor, unit: Unit, data: bytes) -> UnitSeal:
    """Store (or replace) a unit's uploaded seal. Documents already rendered keep the seal they
    were signed with; new documents use this one."""
    width, height = check_seal_png(data)
    with transaction():
        seal = db.session.scalar(select(UnitSeal).where(UnitSeal.unit_id == unit.id))
        if seal is None:
            seal = UnitSeal(unit_id=unit.id)
            db.session.add(seal)
        seal.png, seal.width, seal.height = data, width, height
        seal.sha256 = hashlib.sha256(data).hexdigest()
        seal.uploaded_at = clock.now()
        seal.uploaded_by_id = actor.user_id
        record(actor, "unit", unit.id, "seal_upload",
               after={"sha256": seal.sha256, "size": [width, height]})
    return seal


def remove_unit_seal(actor: Actor, unit: Unit) -> bool:
    """Forget a unit's uploaded seal (new documents use the drawn one). False if it had none."""
    with transaction():
        seal = db.session.scalar(select(UnitSeal).where(UnitSeal.unit_id == unit.id))
        if seal is None:
            return False
        db.session.delete(seal)
        record(actor, "unit", unit.id, "seal_remove")
    return True
