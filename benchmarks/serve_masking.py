"""Issue 21 item 3 against a real server: personal data written the ways the issue lists, in
every output of a session, must come out masked (run by benchmarks/serve_checks.py).

Answers (stored straight into the database, as an import or an old phone form would) carry the
variants below in their texts and in the organisation field; the session is analysed by the
server's worker; then, as staff over HTTP, each output is fetched: the report page, report.html,
report.docx (its text), the Excel export, the CSV export, the analysis page, summary.md and
analysis.json. Each output is searched for every secret (separators ignored). An output that
quotes only some answers can only be checked for what it quotes: a secret found anywhere is a
leak, whatever the output.
"""
from __future__ import annotations

import io
import json
import re
import time
import uuid
import zipfile

# (answer text, what must not appear in any output once separators are ignored)
VARIANTS = [
    ("我是开小饭馆的，王小红。审批材料太多，跑了好几趟。", "王小红"),
    ("我叫朱明远，希望专利质押融资的门槛降低一些。", "朱明远"),
    ("本人杨均，反映专利代理服务收费太高。", "杨均"),
    ("王经理说企业知识产权贯标补贴迟迟不到位。", "王经理"),
    ("张三教授提出要加强高校专利转化。", "张三"),
    ("局长赵国强说明年出台知识产权保护细则。", "赵国强"),
    ("热合曼·阿不都拉说商标注册手续太复杂。", "阿不都拉"),
    ("張麗麗认为知识产权宣传还不够。", "麗麗"),
    ("丽丽也觉得知识产权宣传不到位。", "丽丽"),
    ("买买提说专利申请资助办不下来。", "买买提"),
    ("有问题请打我电话一三八一二三四五六七八，专利维权太难。", "一二三四五六七八"),
    ("维权中心电话138—2468—1357一直打不通。", "24681357"),
    ("材料请发邮箱zhangsan[at]example.com，专利检索服务太少。", "zhangsan"),
    ("我的QQ：987654321，知识产权培训太少。", "987654321"),
    ("微信号：wangxiaohong88，希望多组织专利对接会。", "wangxiaohong88"),
    ("补贴请打到我的银行卡6222021234567890128，至今未到账。", "02123456789"),
]
ORGANISATIONS = [("王红（个人）", "王红"), ("泰安某公司 联系人李明 13912345678", "3912345678")]
ROSTER = ["张丽丽", "买买提·艾力"]
_FLAT = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {ord(c): None for c in " -.\u3000·•—_/"}


def flat(text: str) -> str:
    return text.translate(_FLAT)


def store(database: str, code: str) -> None:
    from survey import create_app
    from survey.extensions import db
    from survey.models import EvaluationSession, Response

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "checks", "ANALYSIS_WARM_UP": False})
    with app.app_context():
        session = db.session.query(EvaluationSession).filter_by(code=code).one()
        organisations = ORGANISATIONS + [("泰山学院", "")] * len(VARIANTS)
        for n, (text, _) in enumerate(VARIANTS):
            db.session.add(Response(session=session, submission_id=f"mask-{uuid.uuid4().hex}",
                                    organisation=organisations[n][0], organisation_type="企业", problems=text,
                                    suggestions="建议加强知识产权保护。", ratings=[]))
        db.session.commit()
        db.engine.dispose()


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def outputs(client, code: str) -> dict[str, str]:
    got = {}
    for name, path, read in (
        ("report page", f"/staff/reports/{code}", bytes.decode),
        ("report.html", f"/staff/reports/{code}/report.html", bytes.decode),
        ("report.docx", f"/staff/reports/{code}/report.docx", docx_text),
        ("export.xlsx", f"/staff/reports/{code}/export.xlsx", xlsx_text),
        ("export-csv.zip", f"/staff/reports/{code}/export-csv.zip",
         lambda b: "\n".join(zipfile.ZipFile(io.BytesIO(b)).read(n).decode("utf-8-sig")
                             for n in zipfile.ZipFile(io.BytesIO(b)).namelist())),
        ("analysis page", f"/staff/sessions/{code}/analysis", bytes.decode),
        ("summary.md", f"/staff/sessions/{code}/analysis/summary.md", bytes.decode),
        ("analysis.json", f"/staff/sessions/{code}/analysis/analysis.json",
         lambda b: json.dumps(json.loads(b), ensure_ascii=False)),
    ):
        status, _, body = client.request(path)
        got[name] = read(body) if status == 200 else f"(HTTP {status})"
    return got


def analyse(client, code: str, timeout: float = 900) -> str:
    page = f"/staff/sessions/{code}/analysis"
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', client.request(page)[2].decode())
    client.post(page + "/run", {"csrf_token": match.group(1), "kind": "full"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = client.request(page + "/status", headers={"Accept": "application/json"})
        if status == 200:
            state = json.loads(body)
            if not state["active"] and state["status"] in ("done", "failed"):
                if state["clouds"] or state["status"] == "failed":
                    return state["status"]
        time.sleep(2)
    return "timeout"


def check_masking(client, database: str, code: str, check) -> None:
    """`code`: a session whose roster holds ROSTER. The report lists the roster itself (its
    participants table, names in full, as the published record does): full roster names are
    taken out of an output before the parts (丽丽, 买买提) are looked for in it."""
    store(database, code)
    state = analyse(client, code)
    got = outputs(client, code)
    secrets = [s for _, s in VARIANTS] + [s for _, s in ORGANISATIONS]
    for name, text in got.items():
        fetched = not text.startswith("(HTTP")
        for full in ROSTER:
            text = text.replace(full, "")
        leaked = [s for s in secrets if flat(s) in flat(text)]
        check(f"{name} masks every variant", fetched and not leaked,
              (f"{len(secrets)} secrets, {len(leaked)} leaked" + (f": {leaked}" if leaked else ""))
              if fetched else text + f" (analysis {state})")
