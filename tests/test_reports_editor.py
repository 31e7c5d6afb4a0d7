"""The report editor page (staff, login required): save, refuse with the text kept, conflicts,
restore and undo through HTTP; the Word download uses what was saved."""
import io
import re

import pytest
from docx import Document
from support.report import PHONE, make_evaluation
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.reports.models import ReportBlock, ReportBlockChange


@pytest.fixture
def code(app, client):
    code = make_evaluation(app)
    add_staff(app)
    log_in(client)
    return code


def _form(page: str, key: str) -> dict:
    section = page.split(f'id="block-{key}"')[1].split("</section>")[0]
    return {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', section).group(1),
            "version": re.search(r'name="version" value="(\d+)"', section).group(1),
            "text": re.search(r"<textarea[^>]*>(.*?)</textarea>", section, re.S).group(1)}


def _word(client, code, **args) -> str:
    data = client.get(f"/staff/reports/{code}/report.docx", query_string=args).data
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_editor_needs_login(app):
    code = make_evaluation(app)
    with app.test_client() as anonymous:
        assert anonymous.get(f"/staff/reports/{code}/edit").status_code in (302, 401)
        assert anonymous.post(f"/staff/reports/{code}/blocks/forms", data={"text": "x"}).status_code in (302, 400, 401)


def test_editor_shows_every_block_with_its_draft(client, code):
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    for heading in ("一、政策评价形式", "（一）政策实施情况及取得成效", "（二）存在问题", "（三）整改措施", "（四）政策评价运用情况"):
        assert heading in page
    assert "一是企业知识产权意识和能力需要进一步提升。" in _form(page, "problems")["text"]
    assert "尚未审核" in page  # the app says what is unreviewed; the document does not
    assert 'src="/static/js/report-editor.js"' in page and "report-editor.css" in page
    assert "<style" not in page and "onclick" not in page
    assert "pingjia" not in page  # staff at a desk are not told about a command line
    assert client.get("/staff/reports/nosuchcode/edit").status_code == 404


def test_save_then_download(app, client, code):
    url = f"/staff/reports/{code}/edit"
    form = _form(client.get(url).get_data(as_text=True), "achievements")
    text = form["text"].replace("一是知识产权创造。", "一是知识产权创造实现快速增长。全市有效发明专利拥有量达到4398件。")
    response = client.post(f"/staff/reports/{code}/blocks/achievements", data={**form, "text": text, "action": "save"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#block-achievements")
    page = client.get(url).get_data(as_text=True)
    assert "已保存" in page and "工作人员已修改" in page and "撤销上次修改" in page
    assert "全市有效发明专利拥有量达到4398件" in _word(client, code)
    with app.app_context():
        change = db.session.query(ReportBlockChange).one()
        assert change.user.username == "amy" and "4398" in change.after_text


def test_bad_text_comes_back_with_the_reason_and_the_text(client, code):
    form = _form(client.get(f"/staff/reports/{code}/edit").get_data(as_text=True), "application")
    typed = f"我们的结论很长很长。有事打{PHONE}。"
    response = client.post(f"/staff/reports/{code}/blocks/application", data={**form, "text": typed, "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "联系方式" in page and typed in page
    assert PHONE not in _word(client, code)


def test_a_stale_form_is_refused_and_keeps_the_text(client, code):
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    first, second = _form(page, "forms"), _form(page, "forms")
    assert client.post(f"/staff/reports/{code}/blocks/forms",
                       data={**first, "text": "专题座谈会（第一位）", "action": "save"}).status_code == 302
    response = client.post(f"/staff/reports/{code}/blocks/forms",
                           data={**second, "text": "专题座谈会（第二位）", "action": "save"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "专题座谈会（第二位）" in page and "修改过" in page
    assert "专题座谈会（第一位）" in _word(client, code)


def test_restore_and_undo(app, client, code):
    url = f"/staff/reports/{code}/edit"
    form = _form(client.get(url).get_data(as_text=True), "organisers")
    draft = form["text"]
    client.post(f"/staff/reports/{code}/blocks/organisers", data={**form, "text": "泰安市知识产权局", "action": "save"})
    form = _form(client.get(url).get_data(as_text=True), "organisers")
    client.post(f"/staff/reports/{code}/blocks/organisers", data={**form, "action": "restore"})
    assert _form(client.get(url).get_data(as_text=True), "organisers")["text"] == draft
    form = _form(client.get(url).get_data(as_text=True), "organisers")
    client.post(f"/staff/reports/{code}/blocks/organisers", data={**form, "action": "undo"})
    assert "泰安市知识产权局" in _word(client, code)
    with app.app_context():
        kinds = [c.kind for c in db.session.query(ReportBlockChange).order_by(ReportBlockChange.id)]
        assert kinds == ["save", "restore", "undo"]
        assert db.session.query(ReportBlock).one().version == 3


def test_stale_block_shows_the_new_draft_beside_it(app, client, code):
    from sqlalchemy import select

    from survey.review.models import Theme

    form = _form(client.get(f"/staff/reports/{code}/edit").get_data(as_text=True), "problems")
    client.post(f"/staff/reports/{code}/blocks/problems", data={**form, "text": "一是我们的问题。", "action": "save"})
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.staff_label == "服务机构和人才不足"))
        theme.staff_label = "高端服务人才匮乏"
        db.session.commit()
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    section = page.split('id="block-problems"')[1].split("</section>")[0]
    assert "依据的数据已更新" in section and "高端服务人才匮乏" in section and "一是我们的问题。" in section
    assert "保留我的文字" in section and "采用新草稿" in section
    assert "依据的数据已更新" not in page.split('id="block-measures"')[1]  # only the block whose draft changed
    assert "一是我们的问题。" in _word(client, code)


def test_annex_switch(client, code):
    assert "附件1　评分统计" in _word(client, code)
    assert "附件" not in _word(client, code, annex=["0"])
    assert "附件1　评分统计" in _word(client, code, annex=["0", "1"])  # the page's ticked box


def test_a_long_block_is_accepted_and_a_too_long_one_refused_on_the_page(client, code):
    """Long Chinese text is well over the phone forms' body limit once form-encoded."""
    from survey.reports.blocks import TEXT_MAX

    form = _form(client.get(f"/staff/reports/{code}/edit").get_data(as_text=True), "achievements")
    long_text = "一是知识产权创造实现快速增长。" * (TEXT_MAX // 15 - 1)
    response = client.post(f"/staff/reports/{code}/blocks/achievements",
                           data={**form, "text": long_text, "action": "save"})
    assert response.status_code == 302
    form = _form(client.get(f"/staff/reports/{code}/edit").get_data(as_text=True), "achievements")
    response = client.post(f"/staff/reports/{code}/blocks/achievements",
                           data={**form, "text": long_text + "字" * 100, "action": "save"})
    assert response.status_code == 400 and "内容太长" in response.get_data(as_text=True)


def test_block_save_needs_csrf(client, code):
    form = _form(client.get(f"/staff/reports/{code}/edit").get_data(as_text=True), "forms")
    response = client.post(f"/staff/reports/{code}/blocks/forms",
                           data={"version": form["version"], "text": "改了", "action": "save"})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
