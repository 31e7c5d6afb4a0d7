"""The report's text blocks as staff finish them: the rules under the editor page.

Each block shows staff's stored text, or the program's draft written afresh from the current
data (drafts.py). Saving stores staff's words with the draft they were written against; a
re-analysis only changes the draft, so a block staff edited is never overwritten: when its
current draft differs from the one it was edited against, it is marked stale ("依据的数据已更新")
and the editor shows the new draft beside it. Every save, restore, keep and undo is a
`ReportBlockChange` (who, when, before, after); undo replays the latest one backwards.
`pingjia report`, the Word download and the HTML page all read `document_for`, which also
stores the draft's claims (claim_store.sync) and checks the figures of edited blocks
(`data.stale`); each view carries its block's claims with their evidence for the pages.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..cleaning import strip_invisible
from ..extensions import db
from ..models import Evaluation, StaffUser, utcnow
from .claim_store import claim_changes, snapshot, stale_figures, stored_claims, sync
from .claims import Claim, block_text, every
from .data import ReportData, build_report, evaluation_for_code
from .drafts import BLOCKS, HEADINGS, draft_claims
from .figures import StaleFigure
from .models import ReportBlock, ReportBlockChange
from .privacy import contact_spans

TEXT_MAX = 20_000
KINDS = {"save": "修改", "restore": "恢复为程序草稿", "keep": "保留修改（已看过新草稿）", "undo": "撤销"}


class BlockError(ValueError):
    """A save that cannot be made; the message is shown to staff as is, their text kept."""


class BlockConflict(BlockError):
    """Someone saved the block after this page was loaded."""


@dataclass
class ChangeView:
    kind: str
    who: str
    at: dt.datetime  # UTC
    undone: bool


@dataclass
class ClaimView:
    """A drafted sentence as a page shows it: the claim, its stored row (for decisions) and,
    in an edited block, whether staff's text still says it and which of its figures are stale."""

    claim: Claim
    id: int | None
    version: int
    in_text: bool
    stale: list[StaleFigure] = field(default_factory=list)


@dataclass
class BlockView:
    key: str
    heading: str
    text: str  # what the document says
    draft: str  # the program's draft from the current data
    edited: bool  # staff's own text
    stale: bool  # edited, and the draft has changed since
    edited_against: str | None
    edited_by: str
    edited_at: dt.datetime | None  # UTC
    version: int
    history: list[ChangeView] = field(default_factory=list)
    claims: list[ClaimView] = field(default_factory=list)
    stale_figures: list[StaleFigure] = field(default_factory=list)

    @property
    def can_undo(self) -> bool:
        return any(c.kind != "undo" and not c.undone for c in self.history)


def _who(user: StaffUser | None) -> str:
    return (user.display_name or user.username) if user else "（已删除的用户）"


def stored_blocks(evaluation: Evaluation) -> dict[str, ReportBlock]:
    return {b.key: b for b in db.session.scalars(select(ReportBlock).where(ReportBlock.evaluation_id == evaluation.id))}


def _changes(block: ReportBlock) -> list[ReportBlockChange]:
    return list(db.session.scalars(select(ReportBlockChange).where(ReportBlockChange.block_id == block.id)
                                   .order_by(ReportBlockChange.id.desc())))


def _squash(text: str) -> str:
    return "".join((text or "").split())


def _claim_views(view: BlockView, claims: list[Claim], stored: dict) -> list[ClaimView]:
    text = _squash(view.text)
    stale = {}
    for f in view.stale_figures:
        stale.setdefault(f.sentence, []).append(f)
    out = []
    for c in claims:
        row = stored.get((view.key, c.key))
        out.append(ClaimView(c, row.id if row is not None and row.id else None, row.version if row is not None else 0,
                             in_text=not c.dropped and _squash(c.text) in text, stale=stale.get(c.text, [])))
    return out


def block_views(evaluation: Evaluation, data: ReportData, *, history: bool = False, store: bool = True,
                check_data: ReportData | None = None) -> list[BlockView]:
    """Every block with its text, its draft and its claims. store: write the draft's claims
    to the database (the full, masked report only); check_data: the data figures are checked
    against (default `data`)."""
    drafts = draft_claims(data)
    stored = stored_blocks(evaluation)
    edited = {k for k, b in stored.items() if b.text is not None}
    rows_by_id = {r.id: r for r in data.statements}
    claims = sync(evaluation, drafts, rows_by_id, edited) if store else stored_claims(evaluation)
    changes = claim_changes(evaluation) if history else []
    key_of = {row.id: row.block for row in claims.values()}
    views = []
    for key, heading in BLOCKS:
        block, draft = stored.get(key), block_text(drafts.get(key, []))
        is_edited = key in edited
        view = BlockView(
            key=key, heading=heading, text=strip_invisible(block.text) if is_edited else draft, draft=draft, edited=is_edited,
            stale=is_edited and (block.draft_text or "") != draft, edited_against=block.draft_text if is_edited else None,
            edited_by=_who(block.edited_by) if block and block.edited_at else "", edited_at=block.edited_at if block else None,
            version=block.version if block else 0,
            history=[ChangeView(c.kind, _who(c.user), c.created_at, c.undone_by_change_id is not None)
                     for c in _changes(block)] if block and history else [])
        if history:
            view.history += [ChangeView(f"claim-{c.kind}", _who(c.user), c.created_at, False)
                             for c in changes if key_of.get(c.claim_id) == key]
            view.history.sort(key=lambda c: c.at, reverse=True)
        if is_edited:
            view.stale_figures = stale_figures(claims, {key: view.text}, {key}, check_data or data).get(key, [])
        view.claims = _claim_views(view, snapshot(claims, key) if is_edited else every(drafts.get(key, [])), claims)
        views.append(view)
    return views


def document_for(code: str, *, reviewed_only: bool = False, unmasked: bool = False,
                 theme_names: str = "mark") -> ReportData:
    """The report with every block's final text in `data.blocks` and the blocks whose text
    states stale figures in `data.stale`. Staff's text wherever they wrote one; elsewhere the
    draft from this report's data (so `reviewed_only` drafts count only reviewed statements).
    Figures are always checked against all counted statements, as staff wrote against them."""
    data = build_report(code, reviewed_only=reviewed_only, unmasked=unmasked, theme_names=theme_names)
    evaluation = evaluation_for_code(code)
    full = not reviewed_only and not unmasked
    edited = any(b.text is not None for b in stored_blocks(evaluation).values())
    views = block_views(evaluation, data, store=full, check_data=None if full or not edited else build_report(code))
    data.blocks = {v.key: v.text for v in views}
    data.stale = {v.key: v.stale_figures for v in views if v.stale_figures}
    data.views = {v.key: v for v in views}
    return data


def editor_state(code: str) -> tuple[Evaluation, ReportData, list[BlockView]]:
    """What the editor shows: masked data (what leaves the office), every block with its history."""
    data = build_report(code)
    evaluation = evaluation_for_code(code)
    views = block_views(evaluation, data, history=True)
    data.blocks = {v.key: v.text for v in views}
    data.stale = {v.key: v.stale_figures for v in views if v.stale_figures}
    return evaluation, data, views


# ---- changes -------------------------------------------------------------------------------------

def clean_text(text: str) -> str:
    """One line per paragraph, no blank lines, no invisible or direction-changing marks (they
    would reach the Word file: U+202E reverses what follows, U+200B hides inside a word)."""
    text = strip_invisible(text or "")
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def check_text(text: str) -> str:
    text = clean_text(text)
    if not text:
        raise BlockError("内容不能为空。要使用程序草稿，请点“恢复为程序草稿”。")
    if len(text) > TEXT_MAX:
        raise BlockError(f"内容太长：{len(text)} 字，一段最多 {TEXT_MAX} 字。")
    found = contact_spans(text)
    if found:
        raise BlockError(contact_message(text, found, "报告"))
    return text


def contact_message(text: str, spans: list[tuple[int, int]], where: str) -> str:
    """Why staff's text is refused, naming what was found (their own words, shown to them)."""
    shown = "、".join(f"“{text[s:e]}”" for s, e in spans[:3]) + ("等" if len(spans) > 3 else "")
    return (f"内容中有联系方式：{shown}（电话号码、邮箱、身份证号、QQ号、微信号或银行卡号，"
            f"含用汉字、[at] 等方式书写的）。{where}会交出本单位，请删去后再保存。")


def _block(evaluation: Evaluation, key: str, version: int) -> ReportBlock | None:
    """The stored block (None: never saved), refused when saved since `version` was shown."""
    if key not in HEADINGS:
        raise BlockError("没有这一段。")
    block = db.session.scalar(select(ReportBlock).where(ReportBlock.evaluation_id == evaluation.id,
                                                        ReportBlock.key == key).with_for_update())
    current = block.version if block else 0
    if version != current:
        raise _conflict(block)
    return block


def _new_block(evaluation: Evaluation, key: str) -> ReportBlock:
    block = ReportBlock(evaluation_id=evaluation.id, key=key, version=0)
    db.session.add(block)
    db.session.flush()  # a concurrent first save hits the unique constraint here
    return block


def _conflict(block: ReportBlock | None) -> BlockConflict:
    who = _who(block.edited_by) if block is not None and block.edited_by_id else "其他工作人员"
    return BlockConflict(f"这一段已被{who}在您打开页面之后修改过，您的修改没有保存。下面先列出对方保存的内容，"
                         "输入框里仍是您的文字；请对照后再保存。")


def _record(block: ReportBlock, user: StaffUser, kind: str, text: str | None, draft: str | None) -> ReportBlockChange:
    change = ReportBlockChange(block_id=block.id, user_id=user.id, kind=kind, created_at=utcnow(),
                               before_text=block.text, after_text=text, before_draft=block.draft_text, after_draft=draft)
    db.session.add(change)
    block.text, block.draft_text = text, draft
    block.edited_by_id, block.edited_at = user.id, change.created_at
    block.version += 1
    block_id = block.id
    try:
        # UPDATE … WHERE version = <read>: another save committed since we read it (SQLite
        # has no row lock) matches no row, and this one is refused instead of writing over it
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _conflict(db.session.get(ReportBlock, block_id)) from None
    return change


def save_block(evaluation: Evaluation, key: str, text: str, version: int, user: StaffUser,
               drafts: dict[str, str]) -> bool:
    """Store staff's text; False when it is what the block already says (nothing recorded)."""
    text = check_text(text)
    block = _block(evaluation, key, version)
    edited = block is not None and block.text is not None
    shown = block.text if edited else clean_text(drafts.get(key, ""))
    if text == shown:
        return False
    # edited against: the draft they saw (a stale block keeps the draft it was first written against)
    against = block.draft_text if edited else drafts.get(key, "")
    _record(block or _new_block(evaluation, key), user, "save", text, against)
    return True


def restore_block(evaluation: Evaluation, key: str, version: int, user: StaffUser) -> bool:
    """Follow the program's draft again (written from the current data each time)."""
    block = _block(evaluation, key, version)
    if block is None or block.text is None:
        return False
    _record(block, user, "restore", None, None)
    return True


def keep_block(evaluation: Evaluation, key: str, version: int, user: StaffUser, drafts: dict[str, str]) -> bool:
    """Staff saw the new draft and keep their text: it is now edited against that draft."""
    block = _block(evaluation, key, version)
    if block is None or block.text is None:
        return False
    _record(block, user, "keep", block.text, drafts.get(key, ""))
    return True


def undo_block(evaluation: Evaluation, key: str, version: int, user: StaffUser) -> bool:
    """Put back what the block was before its latest change not yet undone."""
    block = _block(evaluation, key, version)
    last = next((c for c in _changes(block) if c.kind != "undo" and c.undone_by_change_id is None), None) \
        if block is not None else None
    if last is None:
        return False
    undo = _record(block, user, "undo", last.before_text, last.before_draft)
    last.undone_by_change_id = undo.id
    return True
