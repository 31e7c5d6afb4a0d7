"""Reading an evaluation's review state: categories, statements and themes by id, the filters,
the review queue (most informative first), progress and the themes in force.

Every check that refuses a request raises `ReviewError` with a Chinese message shown to
staff as is; decisions (survey.review.decisions) and the audit (survey.review.audit) use it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Evaluation, Response
from .models import FIELDS, Statement, Theme


class ReviewError(ValueError):
    """A request the review rules refuse; the message is shown to staff as is."""


STALE = "这些意见刚被其他工作人员修改，页面已更新，请重新操作"
STALE_THEME = "这个主题刚被其他工作人员修改，页面已更新，请重新操作"


class StaleError(ReviewError):
    """The rows changed since the page showed them (another member of staff, or a run that
    moved a statement still in the machine's hands): refused, the page shows the current state."""

    def __init__(self, message: str = STALE):
        super().__init__(message)

def categories(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(id, name) in the plan's order, 未归类/新问题 last: keys 1–9 and 0 on the page."""
    return evaluation.plan.definition.category_choices()


def category_name(evaluation: Evaluation, category: str) -> str:
    return dict(categories(evaluation)).get(category, category)


def check_category(evaluation: Evaluation, category: str) -> str:
    if category not in dict(categories(evaluation)):
        raise ReviewError(f"类别“{category}”不在本规划的问题类别中")
    return category

def statements_by_id(evaluation: Evaluation, ids: Iterable[int],
                     versions: Mapping[int, int] | None = None) -> list[Statement]:
    """The statements, in the order asked; `versions` (id → the version the page showed):
    refused with `StaleError` when any of them changed since."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ReviewError("请先选择意见")
    rows = []
    for start in range(0, len(ids), 900):  # bound the IN list (SQLite's variable limit)
        rows += db.session.scalars(select(Statement).where(Statement.evaluation_id == evaluation.id,
                                                           Statement.id.in_(ids[start:start + 900]))).all()
    if len(rows) != len(ids):
        raise ReviewError("有意见不属于本次评价或已不存在，请刷新页面")
    if versions and any(s.id in versions and versions[s.id] != s.version for s in rows):
        raise StaleError()
    order = {i: n for n, i in enumerate(ids)}
    return sorted(rows, key=lambda s: order[s.id])


def theme_by_id(evaluation: Evaluation, theme_id: int, version: int | None = None) -> Theme:
    theme = db.session.get(Theme, int(theme_id))
    if theme is None or theme.evaluation_id != evaluation.id:
        raise ReviewError("找不到该主题，请刷新页面")
    if version is not None and version != theme.version:
        raise StaleError(STALE_THEME)
    if not theme.in_force:
        raise ReviewError(f"主题“{theme.label}”已合并到其他主题")
    return theme

def theme_statements(theme: Theme) -> list[Statement]:
    return list(db.session.scalars(select(Statement).where(Statement.theme_id == theme.id)
                                   .order_by(Statement.id)))

@dataclass
class Filters:
    category: str | None = None
    theme_id: int | None = None
    organisation_type: str | None = None
    field: str | None = None
    text: str | None = None
    confidence_min: float | None = None
    confidence_max: float | None = None
    reviewed: bool | None = None  # None: both
    show_excluded: bool = True

    @classmethod
    def from_args(cls, args) -> Filters:
        """From a query string (request.args); bad values are ignored, not errors."""
        def number(name):
            try:
                value = float(args.get(name, ""))
            except ValueError:
                return None
            return value / 100  # the page speaks in percent
        def integer(name):
            try:
                return int(args.get(name, ""))
            except ValueError:
                return None
        reviewed = {"yes": True, "no": False}.get(args.get("reviewed", ""))
        return cls(category=args.get("category") or None, theme_id=integer("theme"),
                   organisation_type=args.get("org") or None,
                   field=args.get("field") if args.get("field") in FIELDS else None,
                   text=(args.get("q") or "").strip() or None,
                   confidence_min=number("cmin"), confidence_max=number("cmax"), reviewed=reviewed,
                   show_excluded=args.get("excluded", "1") != "0")

    @property
    def active(self) -> bool:
        return any(v is not None for k, v in vars(self).items() if k != "show_excluded") or not self.show_excluded


def find_statements(evaluation: Evaluation, filters: Filters | None = None) -> list[Statement]:
    """The evaluation's statements that pass the filters, with their responses loaded."""
    f = filters or Filters()
    query = (select(Statement).join(Response, Statement.response_id == Response.id)
             .where(Statement.evaluation_id == evaluation.id)
             .options(joinedload(Statement.response)))
    if f.category:
        query = query.where(Statement.category == f.category)
    if f.theme_id is not None:
        query = query.where(Statement.theme_id == f.theme_id)
    if f.organisation_type:
        query = query.where(Response.organisation_type == f.organisation_type)
    if f.field:
        query = query.where(Statement.field == f.field)
    if f.text:
        for word in f.text.split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(or_(Statement.text.like(f"%{escaped}%", escape="\\"),
                                    Response.organisation.like(f"%{escaped}%", escape="\\")))
    if f.confidence_min is not None:
        query = query.where(Statement.machine_confidence >= f.confidence_min)
    if f.confidence_max is not None:
        query = query.where(Statement.machine_confidence <= f.confidence_max)
    if f.reviewed is True:
        query = query.where(Statement.status != "machine")
    elif f.reviewed is False:
        query = query.where(Statement.status == "machine")
    if not f.show_excluded:
        query = query.where(Statement.status != "excluded")
    return list(db.session.scalars(query.order_by(Statement.id)).unique())


def queue(evaluation: Evaluation, filters: Filters | None = None) -> list[Statement]:
    """Unreviewed statements, the one the model learns most from (review_rank 1) first."""
    f = Filters(**{**vars(filters or Filters()), "reviewed": False})
    rows = find_statements(evaluation, f)
    return sorted(rows, key=lambda s: (s.review_rank is None, s.review_rank or 0, s.id))


@dataclass
class Progress:
    reviewed: int
    total: int

    @property
    def text(self) -> str:
        return f"已审核 {self.reviewed} / {self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.total) if self.total else 0


def progress(evaluation: Evaluation) -> Progress:
    rows = db.session.execute(select(Statement.status, func.count()).where(
        Statement.evaluation_id == evaluation.id).group_by(Statement.status)).all()
    counts = Counter(dict(rows))
    total = sum(counts.values())
    return Progress(total - counts.get("machine", 0), total)


def live_themes(evaluation: Evaluation) -> list[Theme]:
    """Themes in force: not merged away and holding at least one statement (a theme whose
    creation was undone stays in the table for the audit log, empty), in creation order."""
    has_statements = select(Statement.id).where(Statement.theme_id == Theme.id).exists()
    return list(db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id,
                                                       Theme.in_force, has_statements)
                                   .order_by(Theme.id)))
