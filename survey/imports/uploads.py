"""Uploaded files kept in the instance folder between the preview and the import.

Nothing is stored in the database before staff confirm; the file waits under
instance/imports/<token>/ and is removed after the import, when it cannot be read (over the
read budget, broken), after a day if abandoned, and oldest first once all waiting uploads
together pass KEEP_BYTES, so the folder stays bounded however many previews are left open.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from .readers import SUFFIXES, ImportFileError, Sheet, read_sheet

log = logging.getLogger(__name__)
KEEP_SECONDS = 24 * 3600
KEEP_BYTES = 512 * 1024 * 1024  # all uploads waiting for their import, with their parsed sheets
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Upload:
    token: str
    path: Path
    name: str  # the file name staff chose
    session_code: str


def _root() -> Path:
    return Path(current_app.instance_path) / "imports"


def save(file: FileStorage, session_code: str) -> Upload:
    _forget_old()
    name = Path(file.filename or "upload").name
    suffix = Path(name).suffix.lower()
    token = secrets.token_hex(16)
    folder = _root() / token
    folder.mkdir(parents=True)
    path = folder / f"upload{suffix if suffix in SUFFIXES else ''}"
    file.save(path)
    (folder / "meta.json").write_text(json.dumps({"name": name, "session": session_code}, ensure_ascii=False),
                                      encoding="utf-8")
    return Upload(token, path, name, session_code)


def load(token: str, session_code: str) -> Upload | None:
    if not _TOKEN.match(token):
        return None
    folder = _root() / token
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("session") != session_code:
        return None
    files = [p for p in folder.iterdir() if p.name.startswith("upload")]
    return Upload(token, files[0], meta["name"], session_code) if files else None


def read(upload: Upload) -> Sheet:
    """The uploaded file's sheet; parsed once and kept beside it, so the preview's re-checks and
    the import do not read a large workbook again."""
    cached = upload.path.parent / "sheet.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return Sheet(data["name"], data["header"], [(n, cells) for n, cells in data["rows"]])
    except (OSError, ValueError, KeyError):
        pass
    try:
        sheet = read_sheet(upload.path, upload.name)  # ImportFileError propagates to the page
    except ImportFileError:
        raise
    except Exception as exc:  # a reader's own bug on a strange file: a message, not a 500
        log.exception("could not read upload %s (%s)", upload.token, upload.name)
        raise ImportFileError(f"{upload.name} 无法读取（{type(exc).__name__}），请用 Excel 或 WPS 打开后"
                              "另存为 .xlsx 再导入") from exc
    cached.write_text(json.dumps({"name": sheet.name, "header": sheet.header, "rows": sheet.rows},
                                 ensure_ascii=False), encoding="utf-8")
    return sheet


def discard(upload: Upload) -> None:
    shutil.rmtree(upload.path.parent, ignore_errors=True)


def _forget_old(keep_bytes: int | None = None) -> None:
    """Remove uploads older than a day, then the oldest until the rest fit in KEEP_BYTES."""
    root = _root()
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    kept = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
            kept.append((folder.stat().st_mtime, size, folder))
    total = sum(size for _, size, _ in kept)
    limit = KEEP_BYTES if keep_bytes is None else keep_bytes
    for _, size, folder in sorted(kept, key=lambda k: k[0]):
        if total <= limit:
            break
        shutil.rmtree(folder, ignore_errors=True)
        total -= size
