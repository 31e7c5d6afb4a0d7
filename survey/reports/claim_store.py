"""Claims in the database (`ReportClaim`): the drafted sentences with their evidence, staff's
decisions on them (drop, keep, choose the example), audited in `ReportClaimChange`.

`sync` stores the current draft's claims whenever the draft is written for the document (the
editor, the report page, the Word and HTML downloads, `pingjia report`). A block staff edited
keeps the claims of the draft it was written against: `stale_figures` recomputes their figures
from the current data and says which of them staff's text still states although the data no
longer bears them out. Decisions are refused on a claim changed since the page was loaded
(its `version`), on a block staff rewrote, and for a statement that cannot be the example.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Evaluation, StaffUser, utcnow
from .claims import Claim, Decision, Figure, Paragraph, every
from .figures import StaleFigure, stale_in_text
from .models import ReportClaim, ReportClaimChange

ACTIONS = {"drop": "删去此句", "keep": "恢复此句", "example": "换用例子", "machine": "恢复程序选择的例子"}


class ClaimError(ValueError):
    """A decision that cannot be made; the message is shown to staff as is."""


class ClaimConflict(ClaimError):
    """Someone decided on the claim after this page was loaded."""


def decisions_of(evaluation: Evaluation) -> dict[tuple[str, str], Decision]:
    """Staff's decisions on the drafted sentences, by (block, claim key)."""
    rows = db.session.execute(select(ReportClaim.block, ReportClaim.key, ReportClaim.dropped,
                                     ReportClaim.staff_example_id)
                              .where(ReportClaim.evaluation_id == evaluation.id, ReportClaim.decided_at.is_not(None)))
    return {(b, k): Decision(bool(d), e) for b, k, d, e in rows if d or e}


def stored_claims(evaluation: Evaluation) -> dict[tuple[str, str], ReportClaim]:
    return {(c.block, c.key): c for c in db.session.scalars(
        select(ReportClaim).where(ReportClaim.evaluation_id == evaluation.id).order_by(ReportClaim.position))}


def evidence(claim: Claim, rows_by_id: dict) -> list[dict]:
    """The statements a claim stands on, as stored: id, kind and respondent type."""
    return [{"id": i, "kind": rows_by_id[i].kind, "type": rows_by_id[i].organisation_type}
            for i in claim.statements if i in rows_by_id]


def as_claim(row: ReportClaim) -> Claim:
    return Claim(key=row.key, text=row.text, basis=row.basis,
                 statements=tuple(s["id"] for s in row.statements or []),
                 figures=tuple(Figure.from_json(f) for f in row.figures or []), example_id=row.example_id,
                 dropped=row.dropped)


def snapshot(stored: dict[tuple[str, str], ReportClaim], block: str) -> list[Claim]:
    """The claims stored for a block, in order (for an edited block: its draft's)."""
    rows = sorted((r for (b, _), r in stored.items() if b == block and r.in_draft), key=lambda r: r.position)
    return [as_claim(r) for r in rows]


def _payload(claim: Claim, position: int, rows_by_id: dict) -> dict:
    return {"position": position, "in_draft": True, "text": claim.text, "basis": claim.basis,
            "statements": evidence(claim, rows_by_id), "figures": [f.to_json() for f in claim.figures],
            "example_id": claim.example_id}


def sync(evaluation: Evaluation, drafts: dict[str, list[Paragraph]], rows_by_id: dict,
         edited: set[str]) -> dict[tuple[str, str], ReportClaim]:
    """Store the drafts' claims (see module note); returns the stored claims by (block, key)."""
    stored = stored_claims(evaluation)
    fresh: list[ReportClaim] = []
    for block, paragraphs in drafts.items():
        has_rows = any(b == block for b, _ in stored)
        if block in edited and has_rows:
            continue  # the draft staff's text was written against
        keys = set()
        for position, claim in enumerate(every(paragraphs)):
            keys.add(claim.key)
            payload = _payload(claim, position, rows_by_id)
            row = stored.get((block, claim.key))
            if row is None:
                row = ReportClaim(evaluation_id=evaluation.id, block=block, key=claim.key, drafted_at=utcnow(),
                                  version=0, dropped=False, **payload)
                fresh.append(row)
                stored[(block, claim.key)] = row
            elif any(getattr(row, k) != v for k, v in payload.items()):
                for k, v in payload.items():
                    setattr(row, k, v)
                row.drafted_at = utcnow()
        for (b, k), row in list(stored.items()):
            if b == block and k not in keys and row.in_draft:
                if row.decided_at is None and row.id is not None:
                    db.session.delete(row)
                    del stored[(b, k)]
                else:
                    row.in_draft = False
    if fresh:
        try:
            with db.session.begin_nested():  # another request storing the same draft at once
                db.session.add_all(fresh)
        except IntegrityError:
            return stored_claims(evaluation)
    db.session.flush()
    return stored


def stale_figures(stored: dict[tuple[str, str], ReportClaim], texts: dict[str, str], edited: set[str],
                  data) -> dict[str, list[StaleFigure]]:
    """Per edited block, the figures of its draft that its text still states and the data no
    longer bears out (a block that follows the draft is written from the data: never stale)."""
    out = {}
    for block in edited:
        found = stale_in_text(block, texts.get(block, ""), snapshot(stored, block), data)
        if found:
            out[block] = found
    return out


# ---- decisions --------------------------------------------------------------------------------

def _who(user: StaffUser | None) -> str:
    return (user.display_name or user.username) if user else "其他工作人员"


def decide(evaluation: Evaluation, claim_id: int, action: str, version: int, user: StaffUser, *,
           current: Claim | None, edited: bool, statement_id: int | None = None) -> bool:
    """Apply one staff decision to a claim; False when it changes nothing. `current`: the claim
    as the current draft writes it (None: no longer drafted)."""
    if action not in ACTIONS:
        raise ClaimError("没有这种操作。")
    row = db.session.scalar(select(ReportClaim).where(ReportClaim.id == claim_id,
                                                      ReportClaim.evaluation_id == evaluation.id).with_for_update())
    if row is None:
        raise ClaimError("这一句已不在草稿中，页面已更新。")
    if row.version != version:
        raise ClaimConflict(f"这一句已被{_who(row.decided_by)}在您打开页面之后处理过，页面已更新，请看过再操作。")
    if edited:
        raise ClaimError("这一段已由工作人员改写，句子以您的文字为准；请直接修改文字。")
    if current is None:
        raise ClaimError("这一句已不在当前草稿中，页面已更新。")
    before = {"dropped": row.dropped, "staff_example_id": row.staff_example_id}
    if action == "drop":
        if not current.droppable:
            raise ClaimError("这一句是规划或活动信息，不能删去；如需改动，请直接修改文字。")
        row.dropped = True
    elif action == "keep":
        row.dropped = False
    elif action == "example":
        if statement_id not in current.candidates:
            raise ClaimError("这条意见不能用作这一句的例子：它不是这一句的依据，或改写成第三人称后仍不通顺。")
        row.staff_example_id = statement_id
    else:
        row.staff_example_id = None
    after = {"dropped": row.dropped, "staff_example_id": row.staff_example_id}
    if after == before:
        return False
    row.version += 1
    row.decided_by_id, row.decided_at = user.id, utcnow()
    db.session.add(ReportClaimChange(claim_id=row.id, user_id=user.id, created_at=row.decided_at, kind=action,
                                     before=before, after=after))
    db.session.flush()
    return True


def claim_changes(evaluation: Evaluation) -> list[ReportClaimChange]:
    """Every decision on the evaluation's claims, newest first (for the blocks' 修改记录)."""
    return list(db.session.scalars(
        select(ReportClaimChange).join(ReportClaim).where(ReportClaim.evaluation_id == evaluation.id)
        .order_by(ReportClaimChange.id.desc())))
