"""Session photos for the report's 五、政策评价现场图片.

An upload is checked by its content (Pillow must read it as JPEG or PNG; the file name and
the browser's content type are not trusted), turned upright by its EXIF orientation, scaled
to at most 2400 px on the long side and re-encoded without any metadata, so the location a
phone writes into EXIF (GPS) never reaches the report. Files live in the instance folder,
under a random name, with one `SessionPhoto` row each.
"""
from __future__ import annotations

import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import EvaluationSession, StaffUser
from .models import SessionPhoto

MAX_BYTES = 10 * 1024 * 1024  # one photo as uploaded; phones take 3-8 MB
MAX_PIXELS = 60_000_000  # above this Pillow's decompression-bomb guard would be the only check
MAX_SIDE = 2400  # plenty for an A4 page at 300 dpi across the text width
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
CAPTION_MAX = 200


class PhotoError(ValueError):
    """An upload we refuse; the message (Chinese) is shown to staff."""


@dataclass
class CleanImage:
    data: bytes
    content_type: str
    suffix: str
    width: int
    height: int



@dataclass
class PhotoItem:
    path: Path
    caption: str
    width: int
    height: int
    content_type: str


def clean_image(raw: bytes, *, max_bytes: int = MAX_BYTES) -> CleanImage:
    """The photo re-encoded without metadata; PhotoError if it is not a usable JPEG/PNG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not raw:
        raise PhotoError("文件是空的")
    if len(raw) > max_bytes:
        raise PhotoError(f"图片不能超过 {max_bytes // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise PhotoError("只接受 JPEG 或 PNG 图片")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("图片像素过大")
            probe.verify()  # a truncated or corrupt file fails here, before we decode it
        with Image.open(io.BytesIO(raw)) as im:
            im.load()
            im = ImageOps.exif_transpose(im)  # keep the picture upright once EXIF is gone
            im.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if kind == "JPEG":
                im = im.convert("RGB")
                # no exif=, icc_profile only: Pillow writes no EXIF (hence no GPS) unless asked
                im.save(out, "JPEG", quality=88, optimize=True, icc_profile=im.info.get("icc_profile"))
            else:
                if im.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    im = im.convert("RGBA")
                im.save(out, "PNG", optimize=True)  # text chunks and eXIf are not carried over
            width, height = im.size
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("无法识别为 JPEG 或 PNG 图片（文件可能已损坏）") from exc
    content_type, suffix = FORMATS[kind]
    return CleanImage(out.getvalue(), content_type, suffix, width, height)


def photo_dir(session: EvaluationSession, base: Path | None = None) -> Path:
    return (base or Path(current_app.instance_path) / "photos") / str(session.id)


def add_photo(session: EvaluationSession, raw: bytes, *, original_name: str = "", caption: str = "",
              user: StaffUser | None = None) -> SessionPhoto:
    """Store one upload; the caller commits (the file is written first, a failed commit leaves
    an orphan file, never a row without its file)."""
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise PhotoError(f"图片说明不超过 {CAPTION_MAX} 字")
    image = clean_image(raw)
    folder = photo_dir(session)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + image.suffix
    (folder / name).write_bytes(image.data)
    photo = SessionPhoto(session_id=session.id, filename=name, original_name=(original_name or "")[:255],
                         caption=caption, content_type=image.content_type, width=image.width,
                         height=image.height, size_bytes=len(image.data), uploaded_by=user)
    db.session.add(photo)
    db.session.flush()
    return photo


def delete_photo(photo: SessionPhoto) -> None:
    path = photo_dir(photo.session) / photo.filename
    db.session.delete(photo)
    db.session.flush()
    path.unlink(missing_ok=True)


def session_photos(session: EvaluationSession) -> list[SessionPhoto]:
    return list(db.session.scalars(select(SessionPhoto).where(SessionPhoto.session_id == session.id)
                                   .order_by(SessionPhoto.id)))


def photos_for(sessions: Iterable[EvaluationSession], base: Path | None = None):

    items = []
    for session in sessions:
        for p in session_photos(session):
            path = photo_dir(session, base) / p.filename
            if path.is_file():
                items.append(PhotoItem(path, p.caption, p.width, p.height, p.content_type))
    return items
