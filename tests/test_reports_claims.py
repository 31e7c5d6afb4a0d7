"""Claims with evidence (survey/reports/claims.py, claim_store.py, figures.py): each drafted
sentence stored with its statements and figures; staff drop a sentence or choose its example,
audited; a figure in staff's text that the data no longer bears out is flagged in the editor
and before a download. On SQLite and PostgreSQL."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from sqlalchemy import select
from support.report import make_evaluation
from support.staff import add_staff, log_in

from survey.extensions import db
from survey.models import Rating, StaffUser
from survey.reports import blocks, claim_store
from survey.reports.data import build_report, evaluation_for_code
from survey.reports.drafts import draft_blocks, draft_claims
from survey.reports.models import ReportClaim, ReportClaimChange


@pytest.fixture
def code(app):
    return make_evaluation(app)


def _user() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "reviewer"))


def _stored(code) -> dict:
    blocks.document_for(code)
    db.session.commit()
    return {(c.block, c.key): c for c in db.session.scalars(select(ReportClaim))}


def _current(code, block, key):
    return next(c for p in draft_claims(build_report(code))[block] for c in p if c.key == key)


def test_each_drafted_sentence_is_stored_with_its_evidence(app, code):
    with app.app_context():
        stored = _stored(code)
        data = build_report(code)
        rows = {r.id: r for r in data.statements}
        voices = [c for (b, _), c in stored.items() if b == "problems" and c.key.startswith("problem:")]
        assert voices
        for claim in voices:
            assert claim.basis == "statements" and claim.statements and claim.in_draft
            for item in claim.statements:
                row = rows[item["id"]]
                assert (item["kind"], item["type"]) == (row.kind, row.organisation_type)
            people = next(f for f in claim.figures if f["name"] == "people")
            assert f"{people['value']}位" in claim.text
        rating = stored[("achievements", "rating:creation")]
        assert rating.basis == "ratings" and {f["name"] for f in rating.figures} == {"goal_rated", "goal_mean"}
        assert "3位参会代表对此项打分，平均4.0分" in rating.text
        # the draft's text is its claims' sentences
        text = draft_blocks(data)["problems"]
        assert all(c.text in text for c in voices)


def test_staff_drop_a_sentence_and_put_it_back_audited(app, code):
    with app.app_context():
        stored = _stored(code)
        claim = next(c for (b, k), c in stored.items() if b == "problems" and k.startswith("problem:"))
        evaluation = evaluation_for_code(code)
        current = _current(code, "problems", claim.key)
        assert claim_store.decide(evaluation, claim.id, "drop", claim.version, _user(), current=current, edited=False)
        db.session.commit()
        assert claim.text not in blocks.document_for(code).blocks["problems"]
        db.session.commit()
        # a decision made on the old version is refused
        with pytest.raises(claim_store.ClaimConflict, match="王审核"):
            claim_store.decide(evaluation, claim.id, "keep", 0, _user(), current=current, edited=False)
        db.session.rollback()
        # a plan sentence cannot be dropped
        point = _stored(code)[("problems", "point:service-talent")]
        with pytest.raises(claim_store.ClaimError, match="不能删去"):
            claim_store.decide(evaluation, point.id, "drop", point.version, _user(),
                               current=_current(code, "problems", point.key), edited=False)
        db.session.rollback()
        claim = db.session.get(ReportClaim, claim.id)
        assert claim_store.decide(evaluation, claim.id, "keep", claim.version, _user(), current=current, edited=False)
        db.session.commit()
        assert claim.text in blocks.document_for(code).blocks["problems"]
        changes = db.session.scalars(select(ReportClaimChange).order_by(ReportClaimChange.id)).all()
        assert [(c.kind, c.before["dropped"], c.after["dropped"], c.user.username) for c in changes] == [
            ("drop", False, True, "reviewer"), ("keep", True, False, "reviewer")]


def test_staff_choose_another_example(app, code):
    """The 校企 theme stands on two statements of one university; staff choose the other one."""
    with app.app_context():
        stored = _stored(code)
        key = next(k for (b, k) in stored if b == "problems" and k.startswith("problem:")
                   and len(_current(code, "problems", k).candidates) > 1)
        current = _current(code, "problems", key)
        other = next(i for i in current.candidates if i != current.example_id)
        claim = stored[("problems", key)]
        evaluation = evaluation_for_code(code)
        with pytest.raises(claim_store.ClaimError, match="不能用作"):
            claim_store.decide(evaluation, claim.id, "example", claim.version, _user(), current=current,
                               edited=False, statement_id=999_999)
        db.session.rollback()
        claim = db.session.get(ReportClaim, claim.id)
        assert claim_store.decide(evaluation, claim.id, "example", claim.version, _user(), current=current,
                                  edited=False, statement_id=other)
        db.session.commit()
        chosen = _current(code, "problems", key)
        assert chosen.example_id == other and chosen.staff_example and chosen.text != current.text
        # a block staff rewrote keeps their words: no decision on its sentences
        data = build_report(code)
        blocks.save_block(evaluation, "problems", "一是我们自己写的问题。", 0, _user(), draft_blocks(data))
        db.session.commit()
        claim = db.session.get(ReportClaim, claim.id)
        with pytest.raises(claim_store.ClaimError, match="改写"):
            claim_store.decide(evaluation, claim.id, "machine", claim.version, _user(), current=chosen, edited=True)


def _edit_achievements_then_lower_a_rating(app, code) -> None:
    """Staff keep the draft of （一） as their own text; then a late form lowers a rating."""
    with app.app_context():
        evaluation, data, views = blocks.editor_state(code)
        db.session.commit()
        drafts = {v.key: v.draft for v in views}
        text = drafts["achievements"].replace("一是知识产权创造。", "一是知识产权创造实现快速增长。", 1)
        blocks.save_block(evaluation, "achievements", text, 0, _user(), drafts)
        db.session.commit()
        rating = db.session.scalar(select(Rating).where(Rating.goal_id == "creation", Rating.score == 5))
        rating.score = 2  # 4, 3, 5 → 4, 3, 2
        db.session.commit()


def test_a_figure_the_data_no_longer_bears_out_is_flagged(app, code):
    _edit_achievements_then_lower_a_rating(app, code)
    with app.app_context():
        data = blocks.document_for(code)
        assert list(data.stale) == ["achievements"]
        found = data.stale["achievements"]
        assert [(f.said, f.now) for f in found] == [("平均4.0分", "平均3.0分")]
        assert "平均4.0分" in data.blocks["achievements"]  # staff's text is kept as written
        _, _, views = blocks.editor_state(code)
        view = next(v for v in views if v.key == "achievements")
        flagged = [c for c in view.claims if c.stale]
        assert len(flagged) == 1 and flagged[0].claim.key == "rating:creation" and flagged[0].in_text
        # a block that follows the draft is written from the data: never stale
        assert all(not v.stale_figures for v in views if not v.edited)


def test_the_download_says_which_blocks_hold_stale_figures(app, client, runner, code, tmp_path):
    _edit_achievements_then_lower_a_rating(app, code)
    add_staff(app)
    log_in(client)
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    assert "数字与数据不符" in page and "“平均4.0分”现为“平均3.0分”" in page and 'id="stale-figures"' in page
    held = client.get(f"/staff/reports/{code}/report.docx", query_string={"annex": "0"})
    text = held.get_data(as_text=True)
    assert held.status_code == 409 and "（一）政策实施情况及取得成效" in text and "“平均4.0分”现为“平均3.0分”" in text
    again = re.search(r'href="([^"]*stale=ok[^"]*)"', text).group(1).replace("&amp;", "&")
    assert "annex=0" in again
    word = client.get(again)
    assert word.status_code == 200 and word.data[:2] == b"PK"
    assert "附件" not in "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert client.get(f"/staff/reports/{code}/report.html").status_code == 409
    result = runner.invoke(args=["report", code, "--out", str(tmp_path / "r.docx")])
    assert result.exit_code == 0 and "注意：（一）政策实施情况及取得成效中的数字与当前数据不符：“平均4.0分”现为“平均3.0分”" in result.output
    # once staff correct the figure, nothing is stale
    with app.app_context():
        evaluation, data, views = blocks.editor_state(code)
        view = next(v for v in views if v.key == "achievements")
        blocks.save_block(evaluation, "achievements", view.text.replace("平均4.0分", "平均3.0分"), view.version,
                          _user(), {v.key: v.draft for v in views})
        db.session.commit()
        assert blocks.document_for(code).stale == {}


def test_claim_actions_through_the_editor(app, client, code):
    add_staff(app)
    log_in(client)
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    section = page.split('id="block-problems"')[1].split("</section>")[0]
    marked = re.findall(r'<details class="re-claim[^"]*" id="claim-(\d+)" data-statements="([\d,]*)"', section)
    assert marked and any(ids for _, ids in marked)
    with app.app_context():
        stored = {c.id: c for c in db.session.scalars(select(ReportClaim))}
    claim_id = next(int(i) for i, ids in marked if ids and stored[int(i)].key.startswith("problem:"))
    form = section.split(f'id="claim-{claim_id}"')[1].split("</details>")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    response = client.post(f"/staff/reports/{code}/claims/{claim_id}",
                           data={"csrf_token": token, "version": version, "action": "drop"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#claim-{claim_id}")
    page = client.get(f"/staff/reports/{code}/edit").get_data(as_text=True)
    assert "已删去此句" in page and "恢复此句" in page and "删去此句" in page.split('id="block-problems"')[1]
    assert stored[claim_id].text not in client.get(f"/staff/reports/{code}/report.html").get_data(as_text=True)
    stale = client.post(f"/staff/reports/{code}/claims/{claim_id}",
                        data={"csrf_token": token, "version": version, "action": "keep"}, follow_redirects=True)
    assert "处理过" in stale.get_data(as_text=True)
    assert client.post(f"/staff/reports/{code}/claims/{claim_id}",
                       data={"version": version, "action": "keep"}).status_code == 400  # no CSRF token


def test_annex_theme_names_marked_or_only_staffs(app, client, code):
    add_staff(app)
    log_in(client)
    marked = client.get(f"/staff/reports/{code}/report.docx").data
    text = "\n".join(p.text for p in Document(io.BytesIO(marked)).paragraphs)
    annex = text.split("附件2　意见摘编")[1].split("附件3")[0]
    assert "企业 重视*（2条）" in annex and "系根据意见内容自动归纳，未经人工确认" in annex
    assert "服务机构和人才不足（" in annex and "服务机构和人才不足*" not in annex  # staff's name unmarked
    confirmed = client.get(f"/staff/reports/{code}/report.docx", query_string={"theme_names": "confirmed"}).data
    doc = Document(io.BytesIO(confirmed))
    text = "\n".join(p.text for p in doc.paragraphs)
    annex = text.split("附件2　意见摘编")[1].split("附件3")[0]
    assert "企业 重视" not in annex and "其他意见（2条）" in annex and "自动归纳" not in annex
    assert "企业 重视" not in "\n".join(c.text for row in doc.tables[-1].rows for c in row.cells)
