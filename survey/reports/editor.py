"""The report editor (staff, desk width): the report's text blocks, each prefilled with the
program's draft, saved per evaluation with who and when; restore, keep and undo. Beside each
block its drafted sentences with their evidence (click one): staff drop a sentence, put it
back or choose another statement as its example (claim_store.decide). Thin caller of
blocks.py and claim_store.py: a bad save comes back on the page with its reason and the text
as typed."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..extensions import csrf, db
from . import blocks as rules
from . import claim_store, wording
from .data import ReportError
from .drafts import HEADINGS
from .evidence import evidence_of
from .routes import bp

BODY_TARGET, PROBLEMS_TARGET = 6000, 1500
BLOCK_BODY_MAX = 12 * rules.TEXT_MAX + 64 * 1024
DONE = {"save": "已保存", "restore": "已恢复为程序草稿", "keep": "已保留您的文字", "undo": "已撤销上次修改"}
NOTHING = {"save": "没有修改，未保存。", "restore": "这一段本来就是程序草稿。", "keep": "这一段没有需要确认的新草稿。",
           "undo": "这一段没有可以撤销的修改。"}
NO_VERSION = ("页面缺少这一段的版本信息，无法确认您打开页面之后是否有人修改过，没有保存。"
              "您的文字仍在下面，请复制后刷新页面再保存。")
HISTORY = {**rules.KINDS, **{f"claim-{k}": v for k, v in claim_store.ACTIONS.items()}}


def _state(code: str):
    try:
        state = rules.editor_state(code)
    except ReportError:
        abort(404)
    db.session.commit()  # a session's first use records its Evaluation
    return state


def _notes(data) -> dict[str, str]:
    """What the app shows and the document never does: how much of the data is unreviewed."""
    unreviewed = data.counted - data.reviewed
    tail = f"，其中 {unreviewed} 条尚未审核，审核后草稿随之更新" if unreviewed else "，均已审核"
    kinds = {k: sum(1 for s in data.statements if s.kind == k) for k in ("problem", "suggestion", "praise")}
    machine = sorted({s.theme_label for s in data.statements if s.theme_label and s.theme_machine_label})
    named = f"；{len(machine)} 个主题的名称由程序归纳（草稿改用原话）" if machine else ""
    return {"problems": f"依据 {kinds['problem']} 条问题（全部 {data.counted} 条意见{tail}）{named}。"
                        "每句只计与本条要点相符的意见；点右侧句子可看依据、换例子或删去。",
            "measures": f"依据 {kinds['suggestion']} 条建议，按分析时归入的整改措施分组；与措施不相符的归入“此外”。",
            "achievements": f"每个“X是”之后请补充本项工作取得的成效和数据；打分情况见附件1；肯定的意见 {kinds['praise']} 条。"}


def _render(code: str, *, errors: dict | None = None, typed: dict | None = None, status: int = 200,
            theirs: frozenset = frozenset()):
    evaluation, data, views = _state(code)
    texts = {v.key: (typed or {}).get(v.key, v.text) for v in views}
    body = sum(len(t) for t in texts.values())
    # about 75 characters to a line at desk width
    rows = {k: min(22, max(2, sum(len(line) // 75 + 1 for line in t.split("\n")) + 1)) for k, t in texts.items()}
    evidence = {v.key: [evidence_of(c.claim, data, f"ev-{v.key}-{i}") for i, c in enumerate(v.claims, 1)]
                for v in views}
    page = render_template("reports/editor.html", evaluation=evaluation, data=data, views=views, texts=texts,
                           errors=errors or {}, notes=_notes(data), body_chars=body,
                           problems_chars=len(texts["problems"]), body_target=BODY_TARGET,
                           problems_target=PROBLEMS_TARGET, rows=rows, w=wording, kinds=HISTORY,
                           evidence=evidence, headings=HEADINGS, theirs=theirs)
    return page, status


@bp.route("/reports/<code>/edit")
def editor(code: str):
    return _render(code)


@bp.route("/reports/<code>/blocks/<key>", methods=["POST"])
@csrf.exempt  # checked below, once the larger size limit for a block is in place
def block_action(code: str, key: str):
    # The app-wide body limit is for phone forms; a block of TEXT_MAX Chinese characters,
    # form-encoded, is up to nine bytes a character.
    request.max_content_length = BLOCK_BODY_MAX
    csrf.protect()
    if key not in HEADINGS:
        abort(404)
    action = request.form.get("action", "save")
    if action not in DONE:
        abort(400)
    typed = request.form.get("text", "")
    try:
        version = int(request.form.get("version", ""))
    except ValueError:  # without it a save could not tell whether someone saved since
        return _render(code, errors={key: NO_VERSION}, typed={key: typed}, status=400)
    evaluation, data, views = _state(code)
    drafts = {v.key: v.draft for v in views}
    try:
        if action == "save":
            changed = rules.save_block(evaluation, key, typed, version, current_user, drafts)
        elif action == "restore":
            changed = rules.restore_block(evaluation, key, version, current_user)
        elif action == "keep":
            changed = rules.keep_block(evaluation, key, version, current_user, drafts)
        else:
            changed = rules.undo_block(evaluation, key, version, current_user)
        db.session.commit()
    except rules.BlockError as exc:
        db.session.rollback()
        conflict = isinstance(exc, rules.BlockConflict)
        return _render(code, errors={key: str(exc)}, typed={key: typed} if action == "save" else None,
                       status=409 if conflict else 400, theirs=frozenset({key}) if conflict else frozenset())
    except IntegrityError:  # two first saves of one block at once: the other one won
        db.session.rollback()
        return _render(code, errors={key: "这一段刚被别人保存过，您的修改没有保存。下面先列出对方保存的内容，"
                                          "输入框里仍是您的文字；请对照后再保存。"},
                       typed={key: typed}, status=409, theirs=frozenset({key}))
    flash(f"{HEADINGS[key]}：{DONE[action] if changed else NOTHING[action]}", "success" if changed else "info")
    return redirect(url_for("reports.editor", code=evaluation.code) + f"#block-{key}")


@bp.route("/reports/<code>/claims/<int:claim_id>", methods=["POST"])
def claim_action(code: str, claim_id: int):
    action = request.form.get("action", "")
    if action not in claim_store.ACTIONS:
        abort(400)
    try:
        version = int(request.form.get("version", ""))
        statement = int(request.form["statement_id"]) if request.form.get("statement_id") else None
    except ValueError:
        abort(400)
    evaluation, data, views = _state(code)
    view, current = next(((v, c) for v in views for c in v.claims if c.id == claim_id), (None, None))
    try:
        changed = claim_store.decide(evaluation, claim_id, action, version, current_user,
                                     current=current.claim if current else None,
                                     edited=bool(view and view.edited), statement_id=statement)
        db.session.commit()
    except claim_store.ClaimError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("reports.editor", code=evaluation.code) + (f"#block-{view.key}" if view else ""))
    label = claim_store.ACTIONS[action]
    flash(f"{HEADINGS[view.key]}：{'已' + label if changed else '没有变化'}。", "success" if changed else "info")
    return redirect(url_for("reports.editor", code=evaluation.code) + f"#claim-{claim_id}")
