"""Report blocks (survey/reports/blocks.py): staff's text over the program's draft, audited,
never overwritten by a re-analysis; on SQLite and PostgreSQL."""
import pytest
from sqlalchemy import select
from support.report import PHONE, make_evaluation

from survey.extensions import db
from survey.models import StaffUser
from survey.reports import blocks
from survey.reports.data import evaluation_for_code
from survey.reports.models import ReportBlock, ReportBlockChange
from survey.review.models import Theme


@pytest.fixture
def code(app):
    return make_evaluation(app)


def _user() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "reviewer"))


def _views(code):
    evaluation, _, views = blocks.editor_state(code)
    return evaluation, {v.key: v for v in views}


def test_blocks_follow_the_draft_until_staff_save(app, code):
    with app.app_context():
        evaluation, views = _views(code)
        assert [v.key for v in views.values()] == [k for k, _ in blocks.BLOCKS]
        problems = views["problems"]
        assert not problems.edited and problems.text == problems.draft and problems.version == 0
        drafts = {k: v.draft for k, v in views.items()}
        assert blocks.save_block(evaluation, "problems", "一是我们自己写的问题。\r\n\r\n二是第二条。", 0, _user(), drafts)
        db.session.commit()
        evaluation, views = _views(code)
        problems = views["problems"]
        assert problems.edited and problems.text == "一是我们自己写的问题。\n二是第二条。" and problems.version == 1
        assert problems.edited_by == "王审核" and problems.edited_at is not None and not problems.stale
        assert blocks.document_for(code).blocks["problems"] == problems.text
        change = db.session.scalar(select(ReportBlockChange))
        assert (change.kind, change.before_text, change.after_text, change.user.username) == (
            "save", None, problems.text, "reviewer")
        assert change.after_draft == drafts["problems"]  # what it was written against
        # saving what the block already says records nothing
        assert not blocks.save_block(evaluation, "problems", problems.text, 1, _user(), drafts)


def test_a_changed_draft_marks_the_edit_stale_and_never_overwrites_it(app, code):
    with app.app_context():
        evaluation, views = _views(code)
        drafts = {k: v.draft for k, v in views.items()}
        blocks.save_block(evaluation, "problems", "我们的文字。", 0, _user(), drafts)
        db.session.commit()
        # the data changes under it: staff rename a theme (as a re-analysis or more answers would)
        theme = db.session.scalar(select(Theme).where(Theme.staff_label == "服务机构和人才不足"))
        theme.staff_label = "本地缺少高端服务人才"
        db.session.commit()
        evaluation, views = _views(code)
        problems = views["problems"]
        assert problems.text == "我们的文字。" and problems.stale
        assert "本地缺少高端服务人才" in problems.draft and "服务机构和人才不足" in problems.edited_against
        assert blocks.document_for(code).blocks["problems"] == "我们的文字。"
        # keep: staff saw the new draft and keep their words
        assert blocks.keep_block(evaluation, "problems", problems.version, _user(), {k: v.draft for k, v in views.items()})
        db.session.commit()
        evaluation, views = _views(code)
        assert views["problems"].text == "我们的文字。" and not views["problems"].stale
        # restore: the block follows the draft again
        assert blocks.restore_block(evaluation, "problems", views["problems"].version, _user())
        db.session.commit()
        evaluation, views = _views(code)
        assert not views["problems"].edited and views["problems"].text == views["problems"].draft


def test_undo_walks_back_through_the_changes(app, code):
    with app.app_context():
        evaluation, views = _views(code)
        drafts = {k: v.draft for k, v in views.items()}
        blocks.save_block(evaluation, "application", "第一稿。", 0, _user(), drafts)
        blocks.save_block(evaluation, "application", "第二稿。", 1, _user(), drafts)
        db.session.commit()
        assert blocks.undo_block(evaluation, "application", 2, _user())
        db.session.commit()
        evaluation, views = _views(code)
        assert views["application"].text == "第一稿。"
        assert [(c.kind, c.undone) for c in views["application"].history] == [
            ("undo", False), ("save", True), ("save", False)]
        assert blocks.undo_block(evaluation, "application", 3, _user())
        db.session.commit()
        evaluation, views = _views(code)
        assert not views["application"].edited and views["application"].text == views["application"].draft
        assert not views["application"].can_undo
        assert not blocks.undo_block(evaluation, "application", 4, _user())


def test_a_save_on_an_old_version_is_refused(app, code):
    with app.app_context():
        evaluation, views = _views(code)
        drafts = {k: v.draft for k, v in views.items()}
        blocks.save_block(evaluation, "forms", "专题座谈会（线上）", 0, _user(), drafts)
        db.session.commit()
        with pytest.raises(blocks.BlockConflict, match="王审核"):
            blocks.save_block(evaluation, "forms", "别人的修改", 0, _user(), drafts)
        db.session.rollback()
        assert db.session.scalar(select(ReportBlock.text)) == "专题座谈会（线上）"


@pytest.mark.parametrize("text, message", [
    ("   \n  ", "不能为空"), (f"请联系我，电话{PHONE}", "联系方式"), ("字" * (blocks.TEXT_MAX + 1), "太长"),
])
def test_bad_text_is_refused(app, code, text, message):
    with app.app_context():
        evaluation, views = _views(code)
        with pytest.raises(blocks.BlockError, match=message):
            blocks.save_block(evaluation, "forms", text, 0, _user(), {k: v.draft for k, v in views.items()})


def test_a_re_analysis_keeps_staff_text(app, code):
    """The real analysis re-run over the session's answers: the edited block stays as staff wrote it."""
    from survey.review.store import analyse

    with app.app_context():
        evaluation, views = _views(code)
        drafts = {k: v.draft for k, v in views.items()}
        blocks.save_block(evaluation, "measures", "一是我们的整改措施。", 0, _user(), drafts)
        blocks.save_block(evaluation, "problems", "一是我们归纳的问题。", 0, _user(), drafts)
        db.session.commit()
        analyse(evaluation_for_code(code), wordclouds=False, representation="tfidf")
        db.session.commit()
        data = blocks.document_for(code)
        assert data.blocks["measures"] == "一是我们的整改措施。" and data.blocks["problems"] == "一是我们归纳的问题。"
        _, views = _views(code)
        assert views["problems"].stale == (views["problems"].draft != views["problems"].edited_against)
