"""Photos staff upload to a session, for the report's 五、政策评价现场图片."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import EvaluationSession, StaffUser, utcnow


class SessionPhoto(db.Model):
    """One photo, stored re-encoded (no EXIF) as instance/photos/<session id>/<filename>."""

    __tablename__ = "session_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("evaluation_session.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(64), unique=True)  # random; never the uploaded name
    original_name: Mapped[str] = mapped_column(String(255), default="")
    caption: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(32))  # image/jpeg | image/png
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[EvaluationSession] = relationship()
    uploaded_by: Mapped[StaffUser | None] = relationship()
