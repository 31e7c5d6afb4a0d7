"""The wall's comments and the audit of every staff decision on them (SQLAlchemy 2 typed style).

A `WallComment` is one free-text field of one answer (取得成效, 存在问题 or 意见建议), its text masked
when the comment is made, so nothing unmasked is ever stored for the wall. It starts `pending`
and reaches the wall only once staff approve it; staff can hide it again and restore it. Each
decision is a `WallAction` (who, when, from which status to which): the audit log.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import WRITTEN_FIELDS, Response, StaffUser, utcnow

# pending: waiting in the staff queue; approved: on the wall; hidden: never on the wall.
COMMENT_STATUSES = {"pending": "待审核", "approved": "已上墙", "hidden": "已隐藏"}
# The action a key press or button asks for, and the status it leaves.
ACTIONS = {"approve": ("approved", "上墙"), "hide": ("hidden", "隐藏"), "restore": ("pending", "恢复待审")}
# Every written field of an answer is a comment: the answer's own list, so a new field reaches the wall.
COMMENT_FIELDS = WRITTEN_FIELDS


class WallComment(db.Model):
    __tablename__ = "wall_comment"
    __table_args__ = (UniqueConstraint("response_id", "field", name="uq_wall_comment_source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("evaluation_session.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(16))  # a key of COMMENT_FIELDS
    text: Mapped[str] = mapped_column(Text)  # masked (analysis.privacy) before it is stored
    organisation_type: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Optimistic concurrency: two staff deciding on the same comment at once, one is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    response: Mapped[Response] = relationship()
    decided_by: Mapped[StaffUser | None] = relationship()

    @property
    def status_label(self) -> str:
        return COMMENT_STATUSES.get(self.status, self.status)

    @property
    def field_label(self) -> str:
        return COMMENT_FIELDS.get(self.field, self.field)


class WallAction(db.Model):
    """One staff decision on one comment: the audit log (never edited, never deleted by the app)."""

    __tablename__ = "wall_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("wall_comment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # approve | hide | restore
    before: Mapped[str] = mapped_column(String(16))
    after: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    comment: Mapped[WallComment] = relationship()
    user: Mapped[StaffUser | None] = relationship()
