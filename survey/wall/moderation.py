"""Moderation rules: which answers become comments, the staff queue, and approve / hide /
restore, each audited as a `WallAction`. The wall reads `approved_comments` only, so a hidden
comment can never reach it, on a live update or after a reload.

Comments are made from answers lazily (`sync_comments`, when the queue or the wall is read),
so answers from phones, imports and paper forms alike become comments, and the phone's submit
does no extra work. Their text is masked first (analysis.privacy, the same rules as the
reports, with the session roster's names).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from analysis.privacy import Masker

from ..extensions import db
from ..models import EvaluationSession, Response, StaffUser, utcnow
from .models import ACTIONS, COMMENT_FIELDS, WallAction, WallComment

WALL_COMMENTS_MAX = 30  # the wall shows the latest approved ones; older ones scroll off
QUEUE_MAX = 200


class ModerationError(ValueError):
    """A refused decision; the message is shown to staff as is (Chinese)."""


def sync_comments(session: EvaluationSession) -> int:
    """Make the comments of answers that have none yet; returns how many were made. Two pages
    doing it at once: the unique (response, field) constraint keeps one of each, the other
    page's insert is rolled back and it reads what the first made."""
    last = db.session.scalar(select(func.max(WallComment.response_id))
                             .where(WallComment.session_id == session.id)) or 0
    answers = db.session.scalars(select(Response).where(Response.session_id == session.id,
                                                        Response.id > last).order_by(Response.id)).all()
    if not answers:
        return 0
    mask = Masker.for_people(entry.person for entry in session.roster)
    made = 0
    for answer in answers:
        for field in COMMENT_FIELDS:
            text = mask((getattr(answer, field) or "").strip())
            if text:
                db.session.add(WallComment(session_id=session.id, response_id=answer.id, field=field,
                                           text=text, organisation_type=answer.organisation_type or ""))
                made += 1
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    return made


def queue(session: EvaluationSession, status: str = "pending") -> list[WallComment]:
    query = select(WallComment).where(WallComment.session_id == session.id)
    if status in ("pending", "approved", "hidden"):
        query = query.where(WallComment.status == status)
    order = WallComment.id if status == "pending" else WallComment.decided_at.desc()
    return list(db.session.scalars(query.order_by(order).limit(QUEUE_MAX)))


def status_counts(session: EvaluationSession) -> dict[str, int]:
    rows = db.session.execute(select(WallComment.status, func.count()).where(WallComment.session_id == session.id)
                              .group_by(WallComment.status))
    counts = {"pending": 0, "approved": 0, "hidden": 0}
    counts.update({status: n for status, n in rows})
    return counts


def approved_comments(session: EvaluationSession, limit: int = WALL_COMMENTS_MAX) -> list[WallComment]:
    """What the wall shows: approved comments, latest decision first. The one rule the wall,
    its JSON and its stream all go through."""
    return list(db.session.scalars(select(WallComment).where(WallComment.session_id == session.id,
                                                             WallComment.status == "approved")
                                   .order_by(WallComment.decided_at.desc(), WallComment.id.desc())
                                   .limit(limit)))


def decide(session: EvaluationSession, comment_id: int, action: str, user: StaffUser,
           version: int | None = None) -> WallComment:
    """Approve, hide or restore one comment, audited. `version` (the page's) refuses a decision
    on a comment another member of staff changed since the page was drawn."""
    if action not in ACTIONS:
        raise ModerationError("未知的操作")
    comment = db.session.get(WallComment, comment_id)
    if comment is None or comment.session_id != session.id:
        raise ModerationError("找不到这条意见")
    if version is not None and comment.version != version:
        raise ModerationError(f"这条意见刚被其他工作人员处理过（现为“{comment.status_label}”），页面已更新")
    after, label = ACTIONS[action]
    if comment.status == after:
        raise ModerationError(f"这条意见已经是“{comment.status_label}”")
    db.session.add(WallAction(comment_id=comment.id, user_id=user.id, kind=action,
                              before=comment.status, after=after))
    comment.status = after
    comment.decided_by_id, comment.decided_at = user.id, utcnow()
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise ModerationError("这条意见刚被其他工作人员处理过，页面已更新") from exc
    return comment


def actions_of(comment: WallComment) -> list[WallAction]:
    return list(db.session.scalars(select(WallAction).where(WallAction.comment_id == comment.id)
                                   .order_by(WallAction.id)))
