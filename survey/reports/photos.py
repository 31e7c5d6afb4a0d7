"""Session photos for the report's 五、政策评价现场图片.

An upload is checked by its content (Pillow must read it as JPEG or PNG; the file name and
the browser's content type are not trusted), turned upright by its EXIF orientation, scaled
to at most 2400 px on the long side and re-encoded from its pixels alone: no EXIF (GPS), no
comment (COM), no APPn segment, no PNG text chunk reaches the report; a colour profile is
applied to the pixels (converted to sRGB) rather than carried. The pixel budget keeps a small
file that claims a huge picture (a decompression bomb) from costing the server hundreds of MB:
a JPEG is decoded at a reduced scale (libjpeg's DCT scaling, `Image.draft`) straight to about
the size kept, a PNG cannot be, so its budget is lower. Files live in the instance folder,
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

from ..cleaning import strip_invisible
from ..extensions import db
from ..limits import PHOTO_MAX
from ..models import EvaluationSession, StaffUser
from .models import SessionPhoto
from .privacy import contact_spans

MAX_BYTES = PHOTO_MAX  # one photo as uploaded (10 MB); phones take 3-8 MB
MAX_PIXELS = 50_000_000  # a JPEG (decoded at 1/2-1/8 scale: at most ~50 MB of pixels in memory)
PNG_MAX_PIXELS = 16_000_000  # a PNG is decoded whole: 16 M pixels at 4 bytes = 64 MB
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
            budget = MAX_PIXELS if kind == "JPEG" else PNG_MAX_PIXELS
            if probe.width * probe.height > budget:
                raise PhotoError(f"图片像素过大（{probe.width}×{probe.height}），"
                                 f"{'JPEG' if kind == 'JPEG' else 'PNG'} 图片最多 {budget // 10_000} 万像素")
            probe.verify()  # a truncated or corrupt file fails here, before we decode it
        with Image.open(io.BytesIO(raw)) as im:
            if kind == "JPEG":
                im.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at the smallest scale still >= MAX_SIDE
            im.load()
            im = ImageOps.exif_transpose(im)  # keep the picture upright once EXIF is gone
            im.thumbnail((MAX_SIDE, MAX_SIDE))
            im = _in_srgb(im)
            out = io.BytesIO()
            if kind == "JPEG":
                im = _pixels_only(im.convert("RGB"))
                im.save(out, "JPEG", quality=88, optimize=True)
            else:
                if im.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    im = im.convert("RGBA")
                im = _pixels_only(im, keep=("transparency",))
                im.save(out, "PNG", optimize=True)
            width, height = im.size
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("无法识别为 JPEG 或 PNG 图片（文件可能已损坏）") from exc
    content_type, suffix = FORMATS[kind]
    return CleanImage(out.getvalue(), content_type, suffix, width, height)


def _in_srgb(im):
    """The colours of an embedded profile (a phone's Display P3) applied to the pixels, so the
    profile itself need not be carried."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA"):
        return im
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode=im.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # an unreadable profile: the pixels as they are


def _pixels_only(im, keep: tuple[str, ...] = ()):
    """The image with nothing in `info` (comment, exif, xmp, icc_profile, dpi, text chunks…):
    Pillow's encoders write several of these back when they are present."""
    im = im.copy()
    im.info = {key: value for key, value in im.info.items() if key in keep}
    return im


def photo_dir(session: EvaluationSession, base: Path | None = None) -> Path:
    return (base or Path(current_app.instance_path) / "photos") / str(session.id)


def check_caption(caption: str) -> str:
    """The caption as stored (no invisible marks), or PhotoError: it is printed under the photo
    in the report, so it carries no contact details however they are written."""
    caption = strip_invisible(caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise PhotoError(f"图片说明不超过 {CAPTION_MAX} 字")
    found = contact_spans(caption)
    if found:
        shown = "、".join(f"“{caption[s:e]}”" for s, e in found[:3])
        raise PhotoError(f"图片说明中有联系方式：{shown}。说明会印在报告的图片下方，请删去后重新选择图片上传。")
    return caption


def add_photo(session: EvaluationSession, raw: bytes, *, original_name: str = "", caption: str = "",
              user: StaffUser | None = None) -> SessionPhoto:
    """Store one upload; the caller commits (the file is written first, a failed commit leaves
    an orphan file, never a row without its file)."""
    caption = check_caption(caption)
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
                # a caption stored before captions were checked prints nothing rather than a number
                caption = "" if contact_spans(p.caption) else strip_invisible(p.caption or "")
                items.append(PhotoItem(path, caption, p.width, p.height, p.content_type))
    return items
