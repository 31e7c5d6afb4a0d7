"""Issue 17's "done when", against a real `pingjia serve` (waitress, embedded worker) on loopback.

    PYTHONPATH=tests python benchmarks/serve_checks.py [--cell-mb 300] [--backend sqlite|postgresql] [--skip-locking]

Run from the repository root: PYTHONPATH=tests lets it reuse tests/support/import_files.py and
tests/test_privacy.py's and tests/test_reports_staff_contacts.py's tables.

A fresh instance in a temporary folder (SQLite, the demo plan and session, the demo staff
login) is served in a subprocess. Then, as staff over HTTP:

1. a 问卷星-shaped .xlsx of about 1 MB is uploaded for import: its preview must open (no 413);
2. a JPEG of about 3 MB is uploaded as a session photo: it must be stored;
3. an .xlsx whose one cell decompresses to --cell-mb MB is uploaded: it must be refused with a
   Chinese message naming the bound, in under 30 s, the server growing by less than 400 MB
   (peak resident memory, /proc/PID/status VmHWM, against its resident size before);
4. an answer holding U+FFFF and U+FFFE (stored directly, as answers stored before the cleaning
   existed were) must leave the Excel export working;
5. answers writing personal data in the ways issue 17 lists (tests/test_privacy.py's table) are
   stored, and the CSV export must contain none of them;
6. issue 21's variants (names given without a roster, traditional and partial roster names,
   phones in Chinese numerals, disguised e-mails, QQ/WeChat, bank cards, the organisation field)
   must be masked in every output: report page, report.html, report.docx, Excel, CSV, analysis
   page, summary.md, analysis.json (benchmarks/serve_masking.py);
7. a 2,000-answer analysis on SQLite with the page polling and two staff acting while it saves:
   no 500 and no false 409 (benchmarks/serve_locking.py; --skip-locking leaves it out).
8. open sessions cannot be flooded: 1,000 identical answers from one client store 1, 1,000
   different ones at most the per-session rate, 60 simultaneous submits against a cap of 20
   store 20 (benchmarks/flood.py; a fresh instance).
9. report blocks and captions (benchmarks/serve_reports.py), as two staff accounts: contact
   details typed into a block or a photo caption refused; U+202E/U+200B never reach the Word
   file; review requests and block saves without versions get 400; two simultaneous saves of one
   block give one 302 and one 409, 30 of 30, an undo racing a save likewise, no forked history;
   seven blocks of 10,000 one-character lines make report.docx in under 10 s.

--backend postgresql runs every instance in a fresh schema of TEST_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/test_checks), dropped afterwards.

Prints one line per check and exits 1 if any fails. Loopback only; not part of the test run.
"""
from __future__ import annotations

import argparse
import csv
import http.cookiejar
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path

_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test_checks")


class Client:
    """A browser's cookies and forms over urllib (no redirects followed, so a 302 is seen)."""

    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=120) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def token(self, path: str) -> str:
        status, _, body = self.request(path)
        match = _CSRF.search(body.decode())
        if status != 200 or not match:
            raise SystemExit(f"no form at {path} ({status})")
        return match.group(1)

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None):
        from werkzeug.datastructures import FileStorage, MultiDict
        from werkzeug.test import encode_multipart

        form = MultiDict(fields)
        for name, (filename, content) in (files or {}).items():
            form.add(name, FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream"))
        boundary, body = encode_multipart(form)
        return self.request(path, body, {"Content-Type": f'multipart/form-data; boundary="{boundary}"'})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def own_queue() -> dict[str, str]:
    """The task queue's name for one instance: every server started from this folder shares
    instance/huey.sqlite3, and a task must not reach another instance's worker."""
    return {"PINGJIA_HUEY_NAME": f"checks-{uuid.uuid4().hex[:8]}"}


def instance_folder() -> Path:
    """Where `pingjia serve` keeps uploads and analysis files (Flask's instance path)."""
    from survey import create_app

    return Path(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                            "ANALYSIS_WARM_UP": False}).instance_path)


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def import_file(folder: Path, target_bytes: int) -> Path:
    """A 问卷星-shaped .xlsx, its rows repeated (each made distinct) until it is about that big."""
    from support.import_files import wjx, write_xlsx

    header, rows = wjx()
    out, n = [], 0
    while True:
        for row in rows:
            row = list(row)
            row[0] = f"{row[0]}-{n}"
            out.append(row + [])
            n += 1
        path = write_xlsx(folder / "wjx.xlsx", header, out)
        if path.stat().st_size >= target_bytes or n > 200_000:
            return path
        out = out + out[: len(out) // 3 + 1]


def photo(target_bytes: int) -> bytes:
    """A noisy JPEG (noise does not compress) of about that size."""
    import numpy as np
    from PIL import Image

    side = 1200
    while True:
        pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
        buf = io.BytesIO()
        Image.fromarray(pixels).save(buf, "JPEG", quality=90)
        if buf.tell() >= target_bytes:
            return buf.getvalue()
        side = int(side * 1.25)


def bomb(folder: Path, cell_mb: int) -> Path:
    """An .xlsx whose one inline cell decompresses to cell_mb MB, written chunk by chunk."""
    from support.import_files import NS, base_xlsx, rebuild

    def cell():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
        for _ in range(cell_mb):
            yield b"a" * (1024 * 1024)
        yield b"</t></is></c></row></sheetData></worksheet>"

    return rebuild(base_xlsx(folder / "base.xlsx"), folder / "bomb.xlsx", xl__worksheets__sheet1_xml=cell())


def store_answers(database: str, code: str, texts: list[str]) -> None:
    """Answers written straight to the database, bypassing today's cleaning at the form."""
    from survey import create_app
    from survey.extensions import db
    from survey.models import EvaluationSession, Response

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "checks", "ANALYSIS_WARM_UP": False})
    with app.app_context():
        session = db.session.query(EvaluationSession).filter_by(code=code).one()
        for n, text in enumerate(texts):
            db.session.add(Response(session=session, submission_id=f"check-{uuid.uuid4().hex}", organisation="泰山学院",
                                    organisation_type="高校/科研院所", problems=text, suggestions="", ratings=[]))
            if n % 50 == 0:
                db.session.flush()
        db.session.commit()
        db.engine.dispose()


class Databases:
    """A database for each instance: a file in its folder, or a fresh PostgreSQL schema."""

    def __init__(self, backend: str):
        self.backend, self.schemas = backend, []

    def _engine(self):
        from sqlalchemy import create_engine

        return create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))

    def url(self, folder: Path, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{folder / (name + '.sqlite3')}"
        from sqlalchemy import text

        schema = f"{name}_{uuid.uuid4().hex[:8]}"
        with self._engine().begin() as c:
            c.execute(text(f"create schema {schema}"))
        self.schemas.append(schema)
        return f"{PG_URL}?options=-csearch_path%3D{schema}"

    def drop(self) -> None:
        from sqlalchemy import text

        for schema in self.schemas:
            with self._engine().begin() as c:
                c.execute(text(f"drop schema {schema} cascade"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cell-mb", type=int, default=300)
    parser.add_argument("--skip-locking", action="store_true", help="leave out check 7 (two analyses, minutes)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    print(f"backend {args.backend}; load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    databases = Databases(args.backend)
    try:
        return run(args, databases)
    finally:
        databases.drop()


def run(args, databases: Databases) -> int:
    folder = Path(tempfile.mkdtemp(prefix="serve-checks-"))
    database = databases.url(folder, "checks")
    env = {**os.environ, "DATABASE_URL": database, "PINGJIA_SECRET_KEY": "serve-checks",
           "PINGJIA_ANALYSIS_WARM_UP": "false", **own_queue()}
    pingjia = str(Path(sys.executable).with_name("pingjia"))
    demo = subprocess.run([pingjia, "demo", "--no-serve", "--no-analyze"], env=env, cwd=folder,
                          capture_output=True, text=True, check=True).stdout
    password = re.search(r"密码\s*([^\s（(]+)", demo).group(1)
    code = re.search(r"/s/([0-9a-z]+)", demo).group(1)
    from test_privacy import LOOK_ALIKES, MASKED, ROSTER, _flat

    roster = folder / "roster.csv"  # the privacy tests' roster: names with ·, •, spaces and titles
    roster.write_text("单位,姓名,类型\n" + "".join(f"泰山学院,{name},高校/科研院所\n" for name in ROSTER), encoding="utf-8")
    created = subprocess.run([pingjia, "create-session", "--plan", "taian-ip-14th-fyp", "--title", "掩码检查",
                              "--organiser", "检查", "--starts-at", "2023-11-15 14:30", "--place", "会议室",
                              "--roster", str(roster)], env=env, cwd=folder, capture_output=True, text=True, check=True)
    masked_code = re.search(r"已创建活动 ([0-9a-z]+)", created.stdout).group(1)
    colleague = "serve-checks-colleague"  # a second member of staff for the block races
    subprocess.run([pingjia, "create-staff", "colleague", "--password", colleague, "--display-name", "同事"],
                   env=env, cwd=folder, capture_output=True, text=True, check=True)
    instance = instance_folder()
    port = free_port()
    server = subprocess.Popen([pingjia, "serve", "--port", str(port)], env=env, cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failed = []

    def check(name: str, ok: bool, detail: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        if not ok:
            failed.append(name)

    try:
        client = Client(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                client.request("/staff/login")
                break
            except OSError:
                time.sleep(0.2)
        status, _, _ = client.post("/staff/login", {"csrf_token": client.token("/staff/login"),
                                                    "username": "staff", "password": password})
        check("login", status == 302, f"HTTP {status}")

        path = import_file(folder, 1024 * 1024)
        url = f"/staff/sessions/{code}/import"
        status, headers, body = client.post(url, {"csrf_token": client.token(url)},
                                            {"file": ("问卷星导出.xlsx", path.read_bytes())})
        preview = client.request(headers.get("Location", "").replace(client.base, ""))[0] if status == 302 else None
        check("1 MB import", status == 302 and preview == 200,
              f"{path.stat().st_size / 1e6:.2f} MB → HTTP {status}, preview HTTP {preview}")

        jpeg = photo(3 * 1024 * 1024)
        url = f"/staff/sessions/{code}"
        status, headers, body = client.post(f"{url}/photos", {"csrf_token": client.token(url), "caption": "现场"},
                                            {"photos": ("IMG_0001.jpg", jpeg)})
        page = client.request(headers.get("Location", "").replace(client.base, ""))[2].decode() if status == 302 else ""
        check("3 MB photo", status == 302 and "已上传 1 张图片" in page, f"{len(jpeg) / 1e6:.2f} MB → HTTP {status}")

        path = bomb(folder, args.cell_mb)
        uploads = instance / "imports"  # one folder per upload awaiting its preview
        kept = {p.name for p in uploads.iterdir()} if uploads.is_dir() else set()
        before = memory_kb(server.pid, "VmRSS")
        url = f"/staff/sessions/{code}/import"
        started = time.monotonic()
        status, headers, body = client.post(url, {"csrf_token": client.token(url)}, {"file": ("bomb.xlsx", path.read_bytes())})
        text = client.request(headers.get("Location", "").replace(client.base, ""))[2].decode() if status == 302 else body.decode()
        seconds = time.monotonic() - started
        grown = (memory_kb(server.pid, "VmHWM") - before) / 1024
        message = re.search(r"解压后有[^<]*上限[^<]*", text)
        check(f"{args.cell_mb} MB cell refused", bool(message) and seconds < 30 and grown < 400,
              f"{path.stat().st_size / 1e6:.2f} MB file, {seconds:.1f} s, server grew {grown:.0f} MB at most, "
              f"message: {message.group(0) if message else '(none)'}")
        left = [p for p in uploads.iterdir() if p.name not in kept] if uploads.is_dir() else []
        check("refused upload deleted", not left, f"{len(left)} upload folder(s) left in {uploads}")

        store_answers(database, code, ["审批太慢\uffff", "\ufffe材料太多"])
        status, _, body = client.request(f"/staff/reports/{code}/export.xlsx")
        import openpyxl
        readable = status == 200 and openpyxl.load_workbook(io.BytesIO(body), read_only=True) is not None
        check("Excel export with U+FFFF", readable, f"HTTP {status}, {len(body)} bytes")

        store_answers(database, masked_code, [text for text, _ in MASKED] + LOOK_ALIKES)
        status, _, body = client.request(f"/staff/reports/{masked_code}/export-csv.zip")
        answers = zipfile.ZipFile(io.BytesIO(body)).read("答卷.csv").decode("utf-8-sig") if status == 200 else ""
        # each answer's own cell (other columns hold times, whose digits could match a secret)
        rows = list(csv.DictReader(io.StringIO(answers)))
        column = next((k for k in (rows[0] if rows else {}) if "问题" in k), "")
        cells = [r[column] for r in rows][: len(MASKED)]
        leaked = [text for (text, secret), cell in zip(MASKED, cells) if _flat(secret) in _flat(cell)]
        if len(cells) != len(MASKED):
            leaked.append(f"{len(cells)} answers exported, {len(MASKED)} stored")
        check("CSV export masks every variant", status == 200 and not leaked,
              f"{len(MASKED)} variants, {len(leaked)} leaked" + (f": {leaked[:3]}" if leaked else "")
              + (f"; e.g. {MASKED[1][0]} → {cells[1]}, {MASKED[-4][0]} → {cells[-4]}" if len(cells) == len(MASKED) else ""))
        lost = [text for text in LOOK_ALIKES if text not in answers]
        check("CSV export keeps look-alikes", status == 200 and not lost,
              f"{len(LOOK_ALIKES)} amounts, dates, patent and document numbers, {len(lost)} masked"
              + (f": {lost[:3]}" if lost else ""))

        from serve_masking import check_masking

        check_masking(client, database, masked_code, check)

        from serve_locking import Database
        from serve_reports import check_reports

        bob = Client(client.base)
        status, _, _ = bob.post("/staff/login", {"csrf_token": bob.token("/staff/login"),
                                                 "username": "colleague", "password": colleague})
        check("second staff login", status == 302, f"HTTP {status}")
        check_reports(client, bob, Database(database), code, masked_code, check)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not args.skip_locking:
        from serve_locking import check_under_save

        locking = Path(tempfile.mkdtemp(prefix="serve-locking-"))
        check_under_save(locking, databases.url(locking, "locking"), 2000, 1800, check)
    from flood import check_flood

    flooded = Path(tempfile.mkdtemp(prefix="serve-flood-"))
    check_flood(flooded, databases.url(flooded, "flood"), check)
    print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (1 / 5 / 15 min)")
    print("all checks passed" if not failed else f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
