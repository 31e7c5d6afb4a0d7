"""Contact details staff type (issue 21): the report-block check and photo captions use
analysis.privacy's contact rules (phones in Chinese numerals, disguised e-mails, QQ/WeChat ids,
bank cards), and the organisation field is masked in the report and the exports as names are."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select
from support.report import make_evaluation
from support.staff import add_staff, csrf_token, log_in

from survey.extensions import db
from survey.models import Rating, Response
from survey.reports.blocks import BlockError, check_text
from survey.reports.data import build_report
from survey.reports.exports import build_tables
from survey.reports.models import ReportBlock, SessionPhoto
from survey.sessions import by_code


def _luhn_card(prefix: str = "622202123456789") -> str:
    """A 16-digit card number that passes the Luhn check."""
    digits = [int(c) for c in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return prefix + str((10 - total % 10) % 10)


CARD = _luhn_card()
WRITTEN = {
    "汉字手机号": "有问题可联系王老师一三八一二三四五六七八。",
    "[at] 邮箱": "材料请发 zhangsan[at]example.com 汇总。",
    "QQ号": "联系人QQ号 123456789，请加入工作群。",
    "微信号": "微信号 wxid_zhang2023 可咨询。",
    "银行卡": f"补贴打到卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]} 上。",
    "分隔手机号": "电话 138-1234-5678。",
}
LOOK_ALIKES = ("本次投入资金1380000元，一百三十八万元用于专利导航。",
               "依据泰政办字〔2022〕22号，2023年发明专利授权量增长12%，专利号ZL202310123456.7。",
               "王局长主持座谈，企业代表踊跃发言。")


@pytest.mark.parametrize("kind", WRITTEN)
def test_the_block_check_finds_every_way_of_writing_contact_details(kind):
    with pytest.raises(BlockError) as refused:
        check_text(WRITTEN[kind])
    message = str(refused.value)
    assert message.startswith("内容中有联系方式：“") and "请删去后再保存" in message


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_amounts_document_numbers_and_titles_pass(text):
    assert check_text(text) == text


@pytest.fixture
def staff(app, client):
    code = make_evaluation(app)
    add_staff(app)
    log_in(client)
    return code, client


def test_a_block_with_a_phone_in_chinese_numerals_is_refused_and_the_text_kept(app, staff):
    code, client = staff
    typed = "本单位将认真吸纳意见。联系电话：一三八一二三四五六七八。"
    token = csrf_token(client, f"/staff/reports/{code}/edit")
    reply = client.post(f"/staff/reports/{code}/blocks/application",
                        data={"action": "save", "text": typed, "version": 0, "csrf_token": token})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "内容中有联系方式：“一三八一二三四五六七八”" in page and typed in page
    with app.app_context():
        assert db.session.scalar(select(ReportBlock)) is None


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buf, format="PNG")
    return buf.getvalue()


def _upload(client, code: str, caption: str):
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    data = MultiDict({"csrf_token": csrf_token(client, f"/staff/sessions/{code}"), "caption": caption})
    data.add("photos", FileStorage(stream=io.BytesIO(_png()), filename="a.png", content_type="image/png"))
    boundary, body = encode_multipart(data)
    return client.post(f"/staff/sessions/{code}/photos", data=body,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def test_a_caption_with_a_name_and_phone_is_refused_and_kept_in_the_form(app, staff):
    code, client = staff
    caption = "王小红在座谈会上发言，电话13812345678"
    reply = _upload(client, code, caption)
    assert reply.status_code == 302
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "图片说明中有联系方式：“13812345678”" in page
    assert f'value="{caption}"' in page  # what was typed, back in the form
    again = client.get(f"/staff/sessions/{code}").get_data(as_text=True)
    assert f'value="{caption}"' not in again  # once
    with app.app_context():
        assert db.session.query(SessionPhoto).count() == 0
    for written in ("联系人微信号 wxid_wang2023", "邮箱 wang[at]example.com", "一三八一二三四五六七八"):
        assert _upload(client, code, written).status_code == 302
    with app.app_context():
        assert db.session.query(SessionPhoto).count() == 0
    reply = _upload(client, code, "座谈会现场\u202e")
    with app.app_context():
        assert [p.caption for p in db.session.query(SessionPhoto)] == ["座谈会现场"]


SELF = "王小红 13812345678"


def _named_answer(app, code: str) -> None:
    """Someone answering without an organisation writes their name and number in its place."""
    with app.app_context():
        db.session.add(Response(session=by_code(code), submission_id="self-1", organisation=SELF,
                                organisation_type="个人/群众", problems="", suggestions="",
                                ratings=[Rating(goal_id="creation", score=4)]))
        db.session.commit()


def test_the_organisation_field_is_masked_in_the_report_and_the_exports(app, staff):
    code, client = staff
    _named_answer(app, code)
    with app.app_context():
        data = build_report(code)
        raw = build_report(code, unmasked=True)
        tables = {t.name: t for t in build_tables(code)}
        db.session.commit()
    listed = [p.organisation for p in data.participants if not p.on_roster]
    assert SELF not in listed and any(o.startswith("王") and "13812345678" not in o for o in listed)
    assert SELF in [p.organisation for p in raw.participants]  # staff may still see it inside
    assert len(data.organisations) == len(raw.organisations)  # masking merges nothing counted
    answers = tables["答卷"]
    column = answers.header.index("单位")
    cells = [row[column] for row in answers.rows]
    assert SELF not in cells and not any("13812345678" in c or "王小红" in c for c in cells)
    for table in tables.values():
        for row in table.rows:
            assert not any(isinstance(c, str) and ("13812345678" in c or "王小红" in c) for c in row), table.name
    # the Word file's 四 lists it masked too
    docx = client.get(f"/staff/reports/{code}/report.docx").data
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode()
    assert "13812345678" not in xml and "王小红" not in xml
    assert re.search(r"王\*+", xml)
