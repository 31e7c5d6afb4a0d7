"""The review rules (survey/review/decisions.py) on SQLite and PostgreSQL: every action, its
audit record, undo and its refusal, the queue, progress, filters and history."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from support.review_seed import seed_review

from survey.extensions import db
from survey.models import Evaluation, StaffUser
from survey.review import audit, decisions, queries
from survey.review.models import ReviewAction, Statement, Theme
from survey.review.queries import Filters, ReviewError


@pytest.fixture
def seeded(app):
    return seed_review(app)


@pytest.fixture
def ctx(app, seeded):
    with app.app_context():
        yield Ctx(seeded)


class Ctx:
    """The seeded rows, re-read in the current app context."""

    def __init__(self, seeded):
        self.seeded = seeded
        self.evaluation = db.session.get(Evaluation, seeded.evaluation_id)
        self.user = db.session.get(StaffUser, seeded.user_id)
        self.other = db.session.get(StaffUser, seeded.other_user_id)

    def s(self, n: int) -> Statement:
        return db.session.get(Statement, self.seeded.statements[n])

    def sid(self, *ns: int) -> list[int]:
        return [self.seeded.statements[n] for n in ns]

    def t(self, key: str) -> Theme:
        return db.session.get(Theme, self.seeded.themes[key])

    def tid(self, key: str) -> int:
        return self.seeded.themes[key]

    def commit_and_reload(self):
        db.session.commit()
        db.session.expire_all()


def actions_in_log(ctx) -> list[ReviewAction]:
    return list(db.session.scalars(select(ReviewAction).where(ReviewAction.evaluation_id == ctx.evaluation.id)
                                   .order_by(ReviewAction.id)))


def test_rename_records_one_action_and_undo_restores(ctx):
    action = decisions.rename_theme(ctx.user, ctx.evaluation, ctx.tid("fund"), "  缺少 转化资金  ")
    ctx.commit_and_reload()
    assert ctx.t("fund").label == "缺少 转化资金" and ctx.t("fund").machine_label == "专利转化资金支持不足"
    assert action.kind == "rename" and action.user_id == ctx.user.id
    assert "专利转化资金支持不足" in action.summary and "缺少 转化资金" in action.summary
    [change] = action.changes
    assert change.theme_id == ctx.tid("fund") and change.statement_id is None
    assert change.before == {"staff_label": None} and change.after == {"staff_label": "缺少 转化资金"}

    audit.undo(ctx.user, ctx.evaluation)
    ctx.commit_and_reload()
    assert ctx.t("fund").staff_label is None and ctx.t("fund").label == "专利转化资金支持不足"
    assert actions_in_log(ctx)[0].undone_at is not None and actions_in_log(ctx)[0].undone_by_id == ctx.user.id


@pytest.mark.parametrize("label, message", [("   ", "不能为空"), ("字" * 201, "不超过 200 字"),
                                            ("专利转化资金支持不足", "相同")])
def test_rename_refuses_bad_labels_and_records_nothing(ctx, label, message):
    with pytest.raises(ReviewError, match=message):
        decisions.rename_theme(ctx.user, ctx.evaluation, ctx.tid("fund"), label)
    assert actions_in_log(ctx) == []


def test_merge_moves_statements_pins_them_and_undo_restores(ctx):
    action = decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("channel"), [ctx.tid("fund")])
    ctx.commit_and_reload()
    assert ctx.t("fund").merged_into_id == ctx.tid("channel")
    for n in (3, 4):
        assert ctx.s(n).theme_id == ctx.tid("channel") and ctx.s(n).theme_pinned
        assert ctx.s(n).status == "machine"  # same category: a theme decision, not a statement review
    assert {c.statement_id for c in action.changes if c.statement_id} == set(ctx.sid(3, 4))
    # The target becomes a staff theme (a re-run keeps it whole); the audit says so.
    changes = {c.theme_id: c for c in action.changes if c.theme_id}
    assert set(changes) == {ctx.tid("fund"), ctx.tid("channel")}
    assert changes[ctx.tid("channel")].before == {"origin": "machine"} and ctx.t("channel").origin == "staff"
    assert ctx.t("fund") not in queries.live_themes(ctx.evaluation)

    audit.undo(ctx.user, ctx.evaluation)
    ctx.commit_and_reload()
    assert ctx.t("fund").merged_into_id is None and ctx.t("channel").origin == "machine"
    assert [ctx.s(n).theme_id for n in (3, 4)] == [ctx.tid("fund")] * 2
    assert not ctx.s(3).theme_pinned


def test_merge_across_categories_moves_the_statements(ctx):
    decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("talent"), [ctx.tid("aware")])
    ctx.commit_and_reload()
    assert ctx.s(7).category == "service-talent" and ctx.s(7).status == "moved"
    assert ctx.s(7).reviewed_by_id == ctx.user.id and ctx.s(7).reviewed_at is not None


def test_merge_refuses_nothing_to_merge_and_merged_themes(ctx):
    with pytest.raises(ReviewError, match="其他主题"):
        decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("fund"), [ctx.tid("fund")])
    decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("channel"), [ctx.tid("fund")])
    with pytest.raises(ReviewError, match="已合并"):
        decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("fund"), [ctx.tid("talent")])


def test_split_into_k_makes_new_themes_and_undo_puts_them_back(ctx):
    decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("channel"), [ctx.tid("fund")])
    ctx.commit_and_reload()
    before = {t.id for t in queries.live_themes(ctx.evaluation)}
    action = decisions.split_theme(ctx.user, ctx.evaluation, ctx.tid("channel"), 2)
    ctx.commit_and_reload()
    members = [ctx.s(n) for n in range(5)]
    new_ids = {s.theme_id for s in members} - {ctx.tid("channel")}
    assert len(new_ids) == 1
    [new] = [db.session.get(Theme, i) for i in new_ids]
    assert new.origin == "staff" and new.category == "transfer-channels" and new.machine_label
    assert new.keywords and new.label_words
    assert all(s.theme_pinned for s in members)
    assert sum(s.theme_id == new.id for s in members) <= sum(s.theme_id == ctx.tid("channel") for s in members)
    assert {t.id for t in queries.live_themes(ctx.evaluation)} == before | {new.id}
    created = [c for c in action.changes if c.theme_id == new.id]
    assert created and created[0].before == {}
    assert "拆分为 2 个主题" in action.summary

    audit.undo(ctx.user, ctx.evaluation)
    ctx.commit_and_reload()
    assert {ctx.s(n).theme_id for n in range(5)} == {ctx.tid("channel")}
    assert {t.id for t in queries.live_themes(ctx.evaluation)} == before  # the emptied new theme is hidden


@pytest.mark.parametrize("k, message", [(1, "2 到 9"), (10, "2 到 9"), ("x", "整数"), (3, "只有 2 条")])
def test_split_refuses_bad_k(ctx, k, message):
    with pytest.raises(ReviewError, match=message):
        decisions.split_theme(ctx.user, ctx.evaluation, ctx.tid("fund"), k)


def test_split_off_selected_as_new_theme(ctx):
    action = decisions.move_to_new_theme(ctx.user, ctx.evaluation, ctx.sid(1, 2), label="对接平台缺乏")
    ctx.commit_and_reload()
    theme = ctx.s(1).theme
    assert theme.id not in ctx.seeded.themes.values() and theme.label == "对接平台缺乏"
    assert theme.category == "transfer-channels" and theme.origin == "staff"
    assert ctx.s(2).theme_id == theme.id and ctx.s(1).status == "moved" and ctx.s(1).theme_pinned
    assert ctx.s(0).theme_id == ctx.tid("channel")
    assert action.kind == "new_theme"
    audit.undo(ctx.user, ctx.evaluation)
    ctx.commit_and_reload()
    assert ctx.s(1).theme_id == ctx.tid("channel") and ctx.s(1).status == "machine"
    assert ctx.s(1).reviewed_by_id is None and ctx.s(1).reviewed_at is None


def test_new_theme_needs_one_category(ctx):
    with pytest.raises(ReviewError, match="不同类别"):
        decisions.move_to_new_theme(ctx.user, ctx.evaluation, ctx.sid(0, 5))
    decisions.move_to_new_theme(ctx.user, ctx.evaluation, ctx.sid(0, 5), category="other")
    ctx.commit_and_reload()
    assert ctx.s(0).category == ctx.s(5).category == "other" and ctx.s(0).theme_id == ctx.s(5).theme_id


def test_move_to_theme_and_category(ctx):
    decisions.move_to_theme(ctx.user, ctx.evaluation, ctx.sid(8), ctx.tid("talent"))
    ctx.commit_and_reload()
    s = ctx.s(8)
    assert (s.category, s.theme_id, s.status, s.theme_pinned, s.reviewed_by_id) == (
        "service-talent", ctx.tid("talent"), "moved", True, ctx.user.id)

    action = decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(0, 3, 6), "other")
    ctx.commit_and_reload()
    assert [ctx.s(n).category for n in (0, 3, 6)] == ["other"] * 3
    # Never outside every theme: they join the nearest theme of that category (its only one here).
    assert [ctx.s(n).theme_id for n in (0, 3, 6)] == [ctx.tid("misc")] * 3
    assert ctx.s(0).theme_pinned and ctx.s(0).status == "moved"
    assert len(action.changes) == 3 and "未归类/新问题" in action.summary and "会议组织" in action.summary


def test_move_to_category_picks_the_nearest_theme_or_the_one_staff_chose(ctx):
    # "加大专利转化资金扶持力度" is about funds: of the two themes of transfer-channels, the fund one.
    decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(5), "transfer-channels")
    ctx.commit_and_reload()
    decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(9), "transfer-channels")
    ctx.commit_and_reload()
    assert ctx.s(5).category == ctx.s(9).category == "transfer-channels"
    assert {ctx.s(5).theme_id, ctx.s(9).theme_id} <= {ctx.tid("channel"), ctx.tid("fund")}
    decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(7), "transfer-channels", theme_id=ctx.tid("fund"))
    ctx.commit_and_reload()
    assert (ctx.s(7).category, ctx.s(7).theme_id, ctx.s(7).status) == ("transfer-channels", ctx.tid("fund"), "moved")
    with pytest.raises(ReviewError, match="不在类别"):
        decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(8), "other", theme_id=ctx.tid("fund"))


def test_move_to_a_category_without_themes_makes_one(ctx):
    decisions.move_to_theme(ctx.user, ctx.evaluation, ctx.sid(7), ctx.tid("talent"))  # empties enterprise-capability
    ctx.commit_and_reload()
    action = decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(8, 9), "enterprise-capability")
    ctx.commit_and_reload()
    theme = ctx.s(8).theme
    assert theme is not None and theme.category == "enterprise-capability" and theme.origin == "staff"
    assert ctx.s(9).theme_id == theme.id and "enterprise" not in action.summary


def test_messages_count_what_changed_and_what_already_was_so(ctx):
    decisions.move_to_theme(ctx.user, ctx.evaluation, ctx.sid(0), ctx.tid("fund"))
    decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(1))
    ctx.commit_and_reload()
    action = decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(0, 1, 2, 3))
    assert action.summary == "确认 2 条意见，另 1 条已确认过、1 条已调整过"
    ctx.commit_and_reload()
    action = decisions.exclude(ctx.user, ctx.evaluation, ctx.sid(2, 3), "duplicate")
    ctx.commit_and_reload()
    action = decisions.exclude(ctx.user, ctx.evaluation, ctx.sid(2, 3, 4), "duplicate")
    assert action.summary == "排除 1 条意见（重复），另 2 条已按此原因排除"


def test_move_to_its_own_category_confirms(ctx):
    action = decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(0), "transfer-channels")
    ctx.commit_and_reload()
    assert ctx.s(0).status == "confirmed" and ctx.s(0).theme_id == ctx.tid("channel")
    assert "确认" in action.summary
    with pytest.raises(ReviewError, match="已在"):
        decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(0), "transfer-channels")
    with pytest.raises(ReviewError, match="不在本规划"):
        decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(1), "no-such-category")


def test_confirm_bulk_and_undo(ctx):
    decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(0, 1, 2))
    ctx.commit_and_reload()
    assert [ctx.s(n).status for n in (0, 1, 2)] == ["confirmed"] * 3
    assert queries.progress(ctx.evaluation).text == "已审核 3 / 10"
    with pytest.raises(ReviewError, match="都已审核"):
        decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(0))
    audit.undo(ctx.user, ctx.evaluation)
    ctx.commit_and_reload()
    assert queries.progress(ctx.evaluation).reviewed == 0


def test_exclude_keeps_the_answer_and_include_brings_it_back(ctx):
    response_text = ctx.s(8).response.problems
    decisions.exclude(ctx.user, ctx.evaluation, ctx.sid(8, 9), "off_topic")
    ctx.commit_and_reload()
    assert [(ctx.s(n).status, ctx.s(n).exclude_reason) for n in (8, 9)] == [("excluded", "off_topic")] * 2
    assert ctx.s(8).response.problems == response_text  # never deleted
    with pytest.raises(ReviewError, match="排除原因"):
        decisions.exclude(ctx.user, ctx.evaluation, ctx.sid(0), "boring")
    with pytest.raises(ReviewError, match="请先恢复"):
        decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(8))
    with pytest.raises(ReviewError, match="请先恢复"):
        decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(8), "service-talent")

    decisions.include(ctx.user, ctx.evaluation, ctx.sid(8))
    ctx.commit_and_reload()
    assert (ctx.s(8).status, ctx.s(8).exclude_reason) == ("confirmed", None)
    with pytest.raises(ReviewError, match="没有被排除"):
        decisions.include(ctx.user, ctx.evaluation, ctx.sid(8))


def test_undo_goes_back_step_by_step_per_user(ctx):
    decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(0))
    decisions.confirm(ctx.other, ctx.evaluation, ctx.sid(1))
    decisions.exclude(ctx.user, ctx.evaluation, ctx.sid(2), "duplicate")
    ctx.commit_and_reload()
    assert audit.undo(ctx.user, ctx.evaluation).kind == "exclude"
    assert audit.undo(ctx.user, ctx.evaluation).kind == "confirm"  # its own, not the colleague's
    ctx.commit_and_reload()
    assert [ctx.s(n).status for n in (0, 1, 2)] == ["machine", "confirmed", "machine"]
    with pytest.raises(ReviewError, match="没有可以撤销"):
        audit.undo(ctx.user, ctx.evaluation)


def test_undo_refused_when_a_later_action_touched_the_same_rows(ctx):
    decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(0), "other")
    decisions.exclude(ctx.other, ctx.evaluation, ctx.sid(0), "duplicate")
    ctx.commit_and_reload()
    with pytest.raises(ReviewError, match="李同事之后的操作“排除 1 条意见（重复）”"):
        audit.undo(ctx.user, ctx.evaluation)
    assert ctx.s(0).status == "excluded"
    audit.undo(ctx.other, ctx.evaluation)
    audit.undo(ctx.user, ctx.evaluation)
    ctx.commit_and_reload()
    assert (ctx.s(0).category, ctx.s(0).status, ctx.s(0).theme_id) == ("transfer-channels", "machine",
                                                                        ctx.tid("channel"))


def test_undo_of_a_theme_action_refused_after_a_later_one_on_that_theme(ctx):
    decisions.merge_themes(ctx.user, ctx.evaluation, ctx.tid("channel"), [ctx.tid("fund")])
    decisions.move_to_theme(ctx.other, ctx.evaluation, ctx.sid(3), ctx.tid("talent"))
    ctx.commit_and_reload()
    with pytest.raises(ReviewError, match="无法撤销"):
        audit.undo(ctx.user, ctx.evaluation)


def test_actions_refuse_rows_of_another_evaluation(ctx, app):
    other = Evaluation(code="zzzzzzzz", plan_id=ctx.evaluation.plan_id, title="另一次评价")
    db.session.add(other)
    db.session.commit()
    with pytest.raises(ReviewError, match="不属于本次评价"):
        decisions.confirm(ctx.user, other, ctx.sid(0))
    with pytest.raises(ReviewError, match="找不到该主题"):
        decisions.rename_theme(ctx.user, other, ctx.tid("fund"), "新名称")
    with pytest.raises(ReviewError, match="请先选择"):
        decisions.confirm(ctx.user, ctx.evaluation, [])


def test_queue_follows_review_rank_over_unreviewed_statements(ctx):
    ranks = [s.review_rank for s in queries.queue(ctx.evaluation)]
    assert ranks == list(range(1, 11))
    decisions.confirm(ctx.user, ctx.evaluation, ctx.sid(8))  # rank 1
    ctx.commit_and_reload()
    queue = queries.queue(ctx.evaluation)
    assert queue[0].review_rank == 2 and len(queue) == 9
    assert [s.review_rank for s in queries.queue(ctx.evaluation, Filters(category="transfer-channels"))] == [2, 5, 6, 7, 8]


def test_filters(ctx):
    def texts(**kw):
        return {s.text for s in queries.find_statements(ctx.evaluation, Filters(**kw))}

    assert len(texts()) == 10
    assert texts(theme_id=ctx.tid("talent")) == {ctx.s(5).text, ctx.s(6).text}
    assert texts(organisation_type="服务机构") == {ctx.s(4).text, ctx.s(5).text}
    assert len(texts(field="suggestions")) == 4
    assert texts(text="对接 平台") == {ctx.s(1).text, ctx.s(2).text}
    assert texts(text="100%") == set()  # LIKE wildcards are literal
    assert texts(confidence_min=0.9) == {ctx.s(0).text, ctx.s(7).text}
    assert texts(confidence_max=0.5) == {ctx.s(8).text, ctx.s(9).text}
    decisions.exclude(ctx.user, ctx.evaluation, ctx.sid(9), "off_topic")
    ctx.commit_and_reload()
    assert texts(reviewed=True) == {ctx.s(9).text}
    assert len(texts(reviewed=False)) == 9
    assert len(texts(show_excluded=False)) == 9


def test_filters_from_query_string(ctx):
    f = Filters.from_args({"category": "other", "theme": "3", "org": "企业", "field": "problems", "q": " 专利 ",
                           "cmin": "20", "cmax": "bad", "reviewed": "no", "excluded": "0"})
    assert (f.category, f.theme_id, f.organisation_type, f.field, f.text) == ("other", 3, "企业", "problems", "专利")
    assert (f.confidence_min, f.confidence_max, f.reviewed, f.show_excluded) == (0.2, None, False, False)
    assert Filters.from_args({"field": "evil"}).field is None and not Filters.from_args({}).active


def test_history_shows_the_machine_then_each_change(ctx):
    decisions.move_to_category(ctx.user, ctx.evaluation, ctx.sid(4), "service-talent")
    decisions.exclude(ctx.other, ctx.evaluation, ctx.sid(4), "personal")
    audit.undo(ctx.other, ctx.evaluation)
    ctx.commit_and_reload()
    [machine, moved, excluded] = audit.history(ctx.evaluation, ctx.s(4))
    assert machine.who == "程序" and "校企专利信息沟通与转化渠道" in machine.summary and "62%" in machine.summary
    assert "专利转化资金支持不足" in machine.summary
    assert moved.who == "王审核" and moved.kind == "移动意见" and not moved.undone
    assert "类别：校企专利信息沟通与转化渠道 → 品牌服务机构和高端服务人才" in moved.details
    assert excluded.who == "李同事" and excluded.undone and "排除原因：（无） → 含个人信息" in excluded.details
