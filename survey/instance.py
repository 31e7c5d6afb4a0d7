"""The instance folder holds the database, the secret key and analysis outputs: readable by
the account running the server only (folders 0700, files 0600), whatever the umask."""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url


def make_private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _chmod_own(path, 0o700)  # mkdir's mode is filtered by the umask; an old folder may be open
    return path


def _chmod_own(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid():
            path.chmod(mode)
    except (FileNotFoundError, AttributeError):  # AttributeError: os.getuid on Windows
        pass


def protect_sqlite_file(uri: str, instance: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use 0644 under the usual umask).
    SQLite gives its -wal and -shm files the database file's mode, so they follow. A relative
    path is inside the instance folder, as Flask-SQLAlchemy reads it."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if not path.is_absolute():
        path = instance / path
    if not path.parent.is_dir():
        return  # SQLite reports the missing folder itself
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError:
        return
    for suffix in ("", "-wal", "-shm"):
        _chmod_own(Path(f"{path}{suffix}"), 0o600)


def read_or_create_secret(path: Path) -> str:
    """The per-installation signing key. Written to a private temporary file and linked into
    place, which fails if the key exists: two servers starting at once both end up reading
    the one key that won, never a half-written or world-readable file."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race; use its key
    finally:
        os.unlink(tmp)
    return _read_key(path)


def _read_key(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} 为空：请删除该文件后重新启动，或设置 PINGJIA_SECRET_KEY")
    return key


def make_private_tree(root: Path) -> None:
    """After writing analysis outputs: folders 0700, files 0600."""
    make_private_dir(root)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _chmod_own(Path(folder, name), 0o700)
        for name in files:
            _chmod_own(Path(folder, name), 0o600)
