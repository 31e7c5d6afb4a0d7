"""Issue 21 items 2, 4, 7, 8 and staff-typed contact details, against a real server (run by
benchmarks/serve_checks.py, after the masking check has analysed its session).

As two members of staff (two accounts, two cookie jars) over HTTP:
- item 2: both save the same report block at the same moment (a barrier, one thread each) with
  the version read from the database just before: exactly one 302 (已保存) and one 409, the
  stored text the winner's, one history row per version (no fork), the loser's page holding both
  texts; 30 trials. Then an undo racing a save, 5 trials: one 302, one 409, no fork.
- item 4: review requests without versions, and with versions for only some of their rows, get
  400 and change nothing (a request with every version then gets 200, so the check can fail);
  block saves and undos without a version, or with one that is not a number, get 400.
- item 7: seven blocks of 10,000 one-character lines (19,999 characters each) saved, then
  report.docx fetched and timed (< 10 s) and its 70,000 lines counted.
- item 8: U+202E, U+200B and other invisible marks typed into a block and a photo caption are
  stored without them and never reach the Word file.
- contact details staff type (a phone in Chinese numerals, zhangsan[at]example.com, QQ and
  WeChat ids, a bank card, a phone with separators) are refused in a block (400, the reason in
  Chinese, the text kept) and in a photo caption (no photo stored); amounts, document numbers
  and titles pass.
"""
from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile

_FORM_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
INVISIBLE = "\u202e\u202d\u200b\u200c\u200d\u2066\u2069\ufeff\u00ad\u061c"
BLOCK_KEYS = ("forms", "organisers", "time_place", "achievements", "problems", "measures", "application")
RACES, UNDO_RACES = 30, 5


def _token(client, path: str) -> str:
    status, _, body = client.request(path)
    match = _FORM_CSRF.search(body.decode())
    if status != 200 or not match:
        raise SystemExit(f"no form at {path} ({status})")
    return match.group(1)


def _document_xml(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        return z.read("word/document.xml").decode()


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buf, format="PNG")
    return buf.getvalue()


class Blocks:
    """One session's report blocks: saves over HTTP, versions and history read from the database."""

    def __init__(self, db, code: str):
        self.db, self.code = db, code
        self.url = f"/staff/reports/{code}/blocks/"

    def stored(self, key: str) -> tuple[str | None, int, int]:
        """The block's text, its version and how many rows its history holds."""
        rows = self.db.rows(
            "select b.text, b.version, (select count(*) from report_block_change c where c.block_id = b.id) "
            "from report_block b join evaluation e on e.id = b.evaluation_id where e.code = :code and b.key = :key",
            code=self.code, key=key)
        return tuple(rows[0]) if rows else (None, 0, 0)

    def post(self, client, token: str, key: str, fields: dict) -> tuple[int, str]:
        status, _, body = client.post(self.url + key, {"csrf_token": token, **fields})
        return status, body.decode(errors="replace")


def _together(blocks: Blocks, key: str, *posts: tuple) -> list:
    """Send the posts (client, token, form) at the same moment, each on its own thread."""
    barrier = threading.Barrier(len(posts))
    out: list = [None] * len(posts)

    def run(i, post):
        barrier.wait()
        out[i] = blocks.post(*post[:2], key, post[2])

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def check_races(blocks: Blocks, amy, bob, check) -> None:
    ta, tb = _token(amy, f"/staff/reports/{blocks.code}/edit"), _token(bob, f"/staff/reports/{blocks.code}/edit")
    outcomes, wrong, started = [], [], time.monotonic()
    for trial in range(RACES):
        _, version, _ = blocks.stored("application")
        texts = (f"甲第{trial}次写的运用情况。", f"乙第{trial}次写的运用情况。")
        replies = _together(blocks, "application",
                            (amy, ta, {"action": "save", "text": texts[0], "version": str(version)}),
                            (bob, tb, {"action": "save", "text": texts[1], "version": str(version)}))
        statuses = sorted(s for s, _ in replies)
        outcomes.append(statuses)
        text, stored_version, changes = blocks.stored("application")
        if statuses != [302, 409]:
            wrong.append(f"trial {trial}: {statuses}")
            continue
        winner, loser = (0, 1) if replies[0][0] == 302 else (1, 0)
        page = replies[loser][1]
        if text != texts[winner] or stored_version != version + 1 or changes != stored_version:
            wrong.append(f"trial {trial}: stored {text!r} v{stored_version}, {changes} history rows")
        elif not (texts[loser] in page and texts[winner] in page and "您的修改没有保存" in page):
            wrong.append(f"trial {trial}: the 409 page lacks a text")
    good = sum(1 for o in outcomes if o == [302, 409])
    check("two staff save one block at once", not wrong,
          f"{good} of {RACES} one 302 + one 409 with no fork and both texts on the 409 page, "
          f"{time.monotonic() - started:.1f} s" + (f"; wrong: {wrong[:3]}" if wrong else ""))

    outcomes, wrong = [], []
    for trial in range(UNDO_RACES):
        first = f"第{trial}轮先保存的文字。"
        _, version, _ = blocks.stored("application")
        status, _ = blocks.post(amy, ta, "application", {"action": "save", "text": first, "version": str(version)})
        _, version, _ = blocks.stored("application")
        mine = f"第{trial}轮同时保存的文字。"
        replies = _together(blocks, "application", (amy, ta, {"action": "undo", "version": str(version)}),
                            (bob, tb, {"action": "save", "text": mine, "version": str(version)}))
        statuses = [s for s, _ in replies]
        outcomes.append(statuses)
        text, stored_version, changes = blocks.stored("application")
        if status != 302 or sorted(statuses) != [302, 409]:
            wrong.append(f"trial {trial}: first save {status}, race {statuses}")
        elif stored_version != version + 1 or changes != stored_version:
            wrong.append(f"trial {trial}: v{stored_version}, {changes} history rows (fork)")
        elif (text == mine) != (statuses == [409, 302]):
            wrong.append(f"trial {trial}: {statuses} but stored {text!r}")
    check("an undo racing a save", not wrong,
          f"{sum(1 for o in outcomes if sorted(o) == [302, 409])} of {UNDO_RACES} one 302 + one 409, "
          f"undo won {sum(1 for o in outcomes if o == [302, 409])}, no fork"
          + (f"; wrong: {wrong[:3]}" if wrong else ""))


def check_versions(blocks: Blocks, review_code: str, amy, check) -> None:
    """Item 4: without versions, 400; nothing changes."""
    token = _token(amy, f"/staff/reports/{blocks.code}/edit")
    before = blocks.stored("measures")
    got = []
    for fields in ({"action": "save", "text": "没有版本的文字。"},
                   {"action": "save", "text": "没有版本的文字。", "version": ""},
                   {"action": "save", "text": "没有版本的文字。", "version": "abc"},
                   {"action": "undo"}):
        status, page = blocks.post(amy, token, "measures", fields)
        got.append(status if "页面缺少这一段的版本信息" in page else f"{status} without the reason")
    check("block save or undo without a version", got == [400] * 4 and blocks.stored("measures") == before,
          f"{got}; block unchanged: {blocks.stored('measures') == before}")

    page = amy.request(f"/staff/evaluations/{review_code}/review")[2].decode()
    match = _META_CSRF.search(page)
    if not match:
        check("review request without versions", False, "no review page")
        return
    headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": match.group(1)}
    rows = blocks.db.rows("select s.id, s.version, s.status from statement s join evaluation e "
                          "on e.id = s.evaluation_id where e.code = :code and s.status = 'machine' "
                          "order by s.id limit 3", code=review_code)
    ids = [r[0] for r in rows]
    versions = {str(r[0]): r[1] for r in rows}

    def send(payload: dict) -> tuple[int, str]:
        status, _, body = amy.request(f"/staff/evaluations/{review_code}/review/actions",
                                      json.dumps(payload).encode(), headers)
        try:
            return status, json.loads(body).get("error", "")
        except ValueError:
            return status, body[:80].decode(errors="replace")

    def state() -> list:
        return blocks.db.rows("select id, version, status from statement where id in (%s) order by id"
                              % ",".join(str(i) for i in ids))

    before = state()
    some = {str(ids[0]): versions[str(ids[0])]}
    results = {
        "no versions": send({"action": "confirm", "statements": ids}),
        "some versions": send({"action": "confirm", "statements": ids, "versions": some}),
        "exclude, no versions": send({"action": "exclude", "statements": ids[:1], "reason": "duplicate"}),
    }
    unchanged = state() == before
    control = send({"action": "confirm", "statements": ids, "versions": versions})
    ok = (len(ids) == 3 and all(s == 400 and "版本" in e for s, e in results.values()) and unchanged
          and control[0] == 200)
    check("review request without versions or with some", ok,
          "; ".join(f"{k}: {s}" for k, (s, _) in results.items())
          + f"; rows unchanged: {unchanged}; with every version: {control[0]}"
          + (f" (reason: {next(iter(results.values()))[1][:40]})" if results else ""))


def check_invisible(blocks: Blocks, session_code: str, amy, check) -> None:
    """Item 8: typed into a block and a caption, invisible marks never reach the Word file."""
    token = _token(amy, f"/staff/reports/{blocks.code}/edit")
    typed = "本单位将\u202e价定\u202c认真\u200b吸纳\u2066意见\u2069，\ufeff推动\u00ad落实。"
    _, version, _ = blocks.stored("achievements")
    status, _ = blocks.post(amy, token, "achievements", {"action": "save", "text": typed, "version": str(version)})
    stored = blocks.stored("achievements")[0] or ""
    caption = "座谈会现场\u202e（右二）\u200b"
    _upload(amy, session_code, caption)
    captions = [r[0] for r in blocks.db.rows(
        "select p.caption from session_photo p join evaluation_session s on s.id = p.session_id "
        "where s.code = :code", code=session_code)]
    reply, _, body = amy.request(f"/staff/reports/{blocks.code}/report.docx")
    xml = _document_xml(body) if reply == 200 else ""
    found = sorted({f"U+{ord(c):04X}" for c in xml if c in INVISIBLE})
    visible = "本单位将价定认真吸纳意见，推动落实。" in xml and "座谈会现场（右二）" in xml
    check("invisible marks never reach the Word file",
          status == 302 and reply == 200 and not found and visible and not any(c in stored for c in INVISIBLE)
          and "座谈会现场（右二）" in captions,
          f"save HTTP {status}, stored {stored!r}, caption stored {[c for c in captions if '座谈' in c]}, "
          f"report.docx HTTP {reply}, {len(xml)} characters of XML, marks in it: {found or 'none'}, "
          f"block and caption text present: {visible}")


def _upload(client, code: str, caption: str) -> tuple[int, str]:
    page = f"/staff/sessions/{code}"
    status, headers, _ = client.post(f"{page}/photos", {"csrf_token": _token(client, page), "caption": caption},
                                     {"photos": ("a.png", _png())})
    location = headers.get("Location", "").replace(client.base, "")
    shown = client.request(location)[2].decode() if status == 302 and location else ""
    return status, shown


def check_contacts(blocks: Blocks, session_code: str, amy, check) -> None:
    from test_reports_staff_contacts import CARD, LOOK_ALIKES, WRITTEN

    token = _token(amy, f"/staff/reports/{blocks.code}/edit")
    refused, missed = 0, []
    for kind, text in WRITTEN.items():
        _, version, _ = blocks.stored("organisers")
        status, page = blocks.post(amy, token, "organisers", {"action": "save", "text": text, "version": str(version)})
        if status == 400 and "内容中有联系方式" in page and text in page:
            refused += 1
        else:
            missed.append(f"{kind}: HTTP {status}")
    kept = []
    for text in LOOK_ALIKES:
        _, version, _ = blocks.stored("organisers")
        kept.append(blocks.post(amy, token, "organisers", {"action": "save", "text": text, "version": str(version)})[0])
    check("contact details typed into a block refused", not missed and kept == [302] * len(LOOK_ALIKES),
          f"{refused} of {len(WRITTEN)} refused with the reason and the text kept"
          + (f"; passed: {missed}" if missed else "") + f"; look-alikes saved: {kept}")

    count = "select count(*) from session_photo p join evaluation_session s on s.id = p.session_id where s.code = :code"
    before = blocks.db.rows(count, code=session_code)[0][0]
    captions = list(WRITTEN.values()) + ["王小红在座谈会上发言，电话13812345678"]
    said = []
    for caption in captions:
        status, shown = _upload(amy, session_code, caption)
        said.append(status == 302 and "图片说明中有联系方式" in shown)
    after = blocks.db.rows(count, code=session_code)[0][0]
    status, _ = _upload(amy, session_code, "王局长在座谈会上讲话")
    control = blocks.db.rows(count, code=session_code)[0][0]
    reply, _, body = amy.request(f"/staff/reports/{blocks.code}/report.docx")
    xml = _document_xml(body) if reply == 200 else ""
    secrets = ["一三八一二三四五六七八", "zhangsan", "123456789", "wxid_zhang2023", "13812345678", "1234-5678",
               f"{CARD[:4]} {CARD[4:8]}"]
    leaked = [s for s in secrets if s in xml]
    check("contact details in a photo caption refused", all(said) and after == before and control == before + 1
          and reply == 200 and not leaked,
          f"{sum(said)} of {len(captions)} refused with the reason, photos stored {after - before}; "
          f"a caption without contacts stored {control - after}; report.docx HTTP {reply}, leaked {leaked or 'none'}")


def check_long_blocks(blocks: Blocks, amy, check) -> None:
    """Item 7: seven blocks of 10,000 one-character lines, report.docx in under 10 s."""
    token = _token(amy, f"/staff/reports/{blocks.code}/edit")
    started = time.monotonic()  # the same report with short blocks: charts, photos, tables
    amy.request(f"/staff/reports/{blocks.code}/report.docx")
    before = time.monotonic() - started
    text = "\n".join("字" for _ in range(10_000))
    saved = []
    for key in BLOCK_KEYS:
        _, version, _ = blocks.stored(key)
        saved.append(blocks.post(amy, token, key, {"action": "save", "text": text, "version": str(version)})[0])
    started = time.monotonic()
    status, _, body = amy.request(f"/staff/reports/{blocks.code}/report.docx")
    seconds = time.monotonic() - started
    lines = _document_xml(body).count("<w:t>字</w:t>") if status == 200 else 0
    check("report.docx of 7 × 10,000 lines", saved == [302] * 7 and status == 200 and lines == 70_000
          and seconds < 10,
          f"7 blocks of {len(text)} characters saved {saved}; report.docx HTTP {status} in {seconds:.1f} s "
          f"({len(body) / 1e6:.1f} MB, {lines} one-character lines; {before:.1f} s with short blocks)")


def check_reports(amy, bob, db, code: str, review_code: str, check) -> None:
    """`code`: a session whose blocks are used here; `review_code`: an analysed one."""
    blocks = Blocks(db, code)
    check_contacts(blocks, code, amy, check)
    check_invisible(blocks, code, amy, check)
    check_versions(blocks, review_code, amy, check)
    check_races(blocks, amy, bob, check)
    check_long_blocks(blocks, amy, check)
