"""Photos staff upload to a session (the report's 五、政策评价现场图片), and the report's text
blocks as staff finished them, with their audit log; the drafted sentences (claims) with
their evidence and staff's decisions on them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Evaluation, EvaluationSession, StaffUser, utcnow


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


class ReportBlock(db.Model):
    """One section of an evaluation's report as staff finished it (一 to 三, （一） to （四）).

    No row, or `text` None: the section follows the program's draft, written afresh from the
    current data each time. `text` set: staff's own words, which nothing but staff changes;
    `draft_text` is the program draft they edited against, so a later draft that differs
    (after a re-analysis or more answers) is shown beside it as "依据的数据已更新".
    `version` goes up with every save: a save made on an older version is refused, not merged,
    also when two saves read the same version at once (the UPDATE checks it).
    """

    __tablename__ = "report_block"
    __table_args__ = (UniqueConstraint("evaluation_id", "key", name="uq_report_block_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    draft_text: Mapped[str | None] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    edited_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=0)
    # Every UPDATE says "WHERE version = <the version read>" and fails when no row matches: a
    # row lock alone (SELECT … FOR UPDATE) is no lock on SQLite, where two saves read the same
    # version and both wrote (one text lost in 14 of 30, issue 21). blocks.py sets the new value.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    evaluation: Mapped[Evaluation] = relationship()
    edited_by: Mapped[StaffUser | None] = relationship()


class ReportBlockChange(db.Model):
    """The audit log of the report blocks: every save, restore, keep and undo (who, when,
    before, after); undo replays the latest change of a block backwards."""

    __tablename__ = "report_block_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("report_block.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))  # save | restore | keep | undo
    before_text: Mapped[str | None] = mapped_column(Text)
    after_text: Mapped[str | None] = mapped_column(Text)
    before_draft: Mapped[str | None] = mapped_column(Text)
    after_draft: Mapped[str | None] = mapped_column(Text)
    undone_by_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_block_change.id", ondelete="SET NULL"))

    block: Mapped[ReportBlock] = relationship()
    user: Mapped[StaffUser | None] = relationship()


class ReportClaim(db.Model):
    """One drafted sentence of a report block, with its evidence: the statements it stands on
    (ids, kinds, respondent types) and the figures it states (each with what it counts, so it
    can be recomputed), as the draft last wrote it (claims.py).

    The rows of a block that follows the draft are rewritten whenever the draft is written
    from the data; a block staff edited keeps the rows of the draft it was written against,
    which is what its figures are checked with. Staff decisions live on the row and are kept
    across drafts: `dropped` (the sentence is left out) and `staff_example_id` (the statement
    whose words the sentence carries). `version` goes up with each decision: a decision made on
    an older version is refused.
    """

    __tablename__ = "report_claim"
    __table_args__ = (UniqueConstraint("evaluation_id", "block", "key", name="uq_report_claim_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    block: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column(default=0)
    in_draft: Mapped[bool] = mapped_column(default=True)  # False: the current draft no longer writes it
    text: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(String(16), default="plan")  # statements | ratings | plan | session
    statements: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "kind", "type"}]
    figures: Mapped[list] = mapped_column(JSON, default=list)  # [{"name", "args", "value", "fmt"}]
    example_id: Mapped[int | None]  # the statement the draft quotes (the machine's or staff's choice)
    dropped: Mapped[bool] = mapped_column(default=False)
    staff_example_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    drafted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=0)

    evaluation: Mapped[Evaluation] = relationship()
    decided_by: Mapped[StaffUser | None] = relationship()


class ReportClaimChange(db.Model):
    """The audit log of staff decisions on claims: drop, keep (put back), example (another
    statement chosen), machine (the program's example again); who, when, before, after."""

    __tablename__ = "report_claim_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("report_claim.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)

    claim: Mapped[ReportClaim] = relationship()
    user: Mapped[StaffUser | None] = relationship()
