"""Everything the report shows, assembled from the database into plain dataclasses.

`build_report(code)` reads one evaluation (a session's own, or a group of sessions of one
plan): the session records (一 to 四), photos (五), ratings per plan goal, problems per plan
category with their themes, suggestions per plan measure, and the statement table. The Word
and HTML renderers and the exports only read `ReportData`; they never query.

Statements come from the review tables: excluded ones never count; with `reviewed_only`
only statements staff confirmed or moved count. A statement's counted kind (`counted_kind`)
decides where the report uses it, its category where the annexes list it (a kind is a label:
praise and suggestions may have a category and a theme too; only "none" stays out). Theme
names are `Theme.label` (staff's name, else the machine's), and a label no one on staff has
named is marked as the machine's. Free text goes through a `Masker` (see privacy.py) unless
staff asked for unmasked text. Who took part (四) comes from people.py, the words for the
occasion from occasion.py, staff's decisions on drafted sentences from `ReportClaim`.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.consensus import EvaluationConsensus
from analysis.kind_names import placed_kind
from analysis.plan import OTHER
from analysis.plan import Plan as PlanDefinition

from ..consensus import report_consensus
from ..extensions import db
from ..models import ORG_TYPES, Evaluation, Response
from ..review.models import (
    EXCLUDE_REASONS,
    FIELDS,
    KINDS,
    PLACED_BY_STAFF,
    STATEMENT_STATUSES,
    Statement,
    Theme,
)
from ..timefmt import format_chinese_datetime, utc_to_local
from .claim_store import decisions_of
from .claims import Decision
from .contacts import has_contact, outside_text
from .occasion import Occasion, occasion_for
from .people import UNSTATED_TYPE, Participant, answers_by_type, mask_unlisted, organisations_of, participants_of
from .photos import PhotoItem, photos_for
from .plan_names import generic_short_title
from .privacy import Masker, NoMasking

SCORES = (1, 2, 3, 4, 5)
UNKNOWN = "不了解"
NEW_ISSUES = "新发现的问题"
QUOTES_PER_THEME = 3


class ReportError(LookupError):
    """No session or evaluation with that code; the message is shown as is."""


# ---- which evaluation ------------------------------------------------------------------------

def evaluation_for_code(code: str) -> Evaluation:
    """The evaluation with this code: a group's, or a session's own (made on first use)."""
    from ..evaluations import find_by_code

    evaluation = find_by_code(code)
    if evaluation is None:
        raise ReportError(f"找不到代码为 {(code or '').strip().lower()} 的评价活动或合并评价")
    return evaluation


# ---- the data ----------------------------------------------------------------------------------

@dataclass
class SessionRecord:
    code: str
    title: str
    form: str
    organiser: str
    starts_at: dt.datetime | None  # local wall-clock time, as staff typed it
    place: str

    @property
    def when(self) -> str:
        return format_chinese_datetime(self.starts_at)

    @property
    def date(self) -> str:
        s = self.starts_at
        return f"{s.year}年{s.month}月{s.day}日" if s else "时间待定"


@dataclass
class ScoreSummary:
    rated: int = 0
    unknown: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))

    @property
    def mean(self) -> float | None:
        if not self.rated:
            return None
        return sum(s * n for s, n in self.distribution.items()) / self.rated

    @property
    def mean_text(self) -> str:
        return "—" if self.mean is None else f"{self.mean:.2f}"

    def add(self, score: int | None) -> None:
        if score is None:
            self.unknown += 1
        elif score in self.distribution:
            self.distribution[score] += 1
            self.rated += 1


@dataclass
class Quote:
    text: str
    organisation_type: str
    reviewed: bool
    field: str = "problems"


@dataclass
class GoalSection:
    id: str
    name: str
    description: str
    overall: ScoreSummary
    by_type: dict[str, ScoreSummary]  # organisation types in ORG_TYPES order, only those who answered
    chart_png: bytes | None = None  # filled by the renderer (charts.py)


@dataclass
class ThemeSection:
    id: int | None
    label: str
    machine_label: bool  # True: no one on staff has named it yet
    count: int
    by_type: dict[str, int]
    quotes: list[Quote]
    unreviewed: int


@dataclass
class CategorySection:
    id: str
    name: str
    description: str
    count: int
    share: float  # of all counted statements
    unreviewed: int
    themes: list[ThemeSection]
    by_type: dict[str, int]
    keywords: tuple[str, ...] = ()


@dataclass
class MeasureSection:
    id: str
    name: str
    description: str
    suggestions: list[Quote]


@dataclass
class StatementRow:
    id: int
    response_id: int
    field: str
    field_label: str
    text: str
    organisation: str
    organisation_type: str
    category: str
    category_name: str
    theme_id: int | None  # after merges
    theme_label: str
    theme_machine_label: bool
    confidence: float
    status: str
    status_label: str
    reviewed_by: str
    reviewed_at: dt.datetime | None  # UTC
    excluded: bool
    exclude_reason: str
    has_contact: bool = False  # a phone number, e-mail or ID number in the original text
    measure: str | None = None  # the plan measure a suggestion supports (stored by the analysis job)
    kind: str | None = None  # problem, suggestion, praise or none (analysis.kinds), as counted
    goal: str | None = None  # the plan goal it speaks of (praise; set by the analysis job)
    # The text fit to leave the office: masked, contact details cut out; None: leave it out
    outside_text: str | None = None
    # Who answered, for counting distinct organisations only (never printed): `organisation` is
    # masked like the text (people without an organisation write their own name and number)
    organisation_key: str = ""

    @property
    def reviewed(self) -> bool:
        return self.status in PLACED_BY_STAFF


@dataclass
class ReportData:
    code: str
    is_group: bool
    plan_title: str
    short_title: str
    document_number: str
    issue_date: str
    implementing_body: str
    issuing_body: str
    sessions: list[SessionRecord]
    participants: list[Participant]
    photos: list[PhotoItem]
    response_count: int
    goals: list[GoalSection]
    categories: list[CategorySection]  # plan order, without "other"
    new_issues: CategorySection | None  # the "other" category, when it has statements
    measures: list[MeasureSection]
    unmatched_suggestions: list[Quote]
    statements: list[StatementRow]  # the annex: the statements the report counts
    counted: int
    reviewed: int
    reviewed_only: bool
    masked: bool
    generated_at: dt.datetime  # local time
    occasion: Occasion = field(default_factory=lambda: occasion_for([]))
    organisations: list[str] = field(default_factory=list)  # the distinct organisations 四 lists
    answers_by_type: dict[str, int] = field(default_factory=dict)  # anonymous answers per type (四)
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)  # (block, claim key)
    theme_names: str = "mark"  # annexes: mark the machine's theme names, or "confirmed": staff's only
    # Each block's final text (staff's, else the program's draft), filled by blocks.document_for
    blocks: dict[str, str] = field(default_factory=dict)
    claims: dict | None = None  # the drafts as claims (drafts.draft_claims), computed once
    # Blocks whose staff text states figures the data no longer bears out (figures.StaleFigure)
    stale: dict[str, list] = field(default_factory=dict)
    views: dict = field(default_factory=dict)  # blocks.BlockView per block, with its claims
    # Per goal and per problem category, how the plan's declared respondent types rated and
    # raised it (survey/consensus.py): annex 1's table, （一）'s and （二）'s sentences
    consensus: EvaluationConsensus | None = None

    @property
    def title(self) -> str:
        return f"关于《{self.plan_title}》的政策评价情况"

    @property
    def forms(self) -> str:
        return "、".join(dict.fromkeys(s.form for s in self.sessions if s.form)) or "—"

    @property
    def organisers(self) -> str:
        return "、".join(dict.fromkeys(s.organiser for s in self.sessions if s.organiser)) or "—"

    @property
    def has_statements(self) -> bool:
        return bool(self.statements)


# ---- assembling ------------------------------------------------------------------------------

def statements_of(evaluation: Evaluation) -> list[Statement]:
    """Every statement of the evaluation (excluded ones too), in answer order."""
    return list(db.session.scalars(
        select(Statement).where(Statement.evaluation_id == evaluation.id)
        .options(selectinload(Statement.response), selectinload(Statement.theme),
                 selectinload(Statement.reviewed_by))
        .order_by(Statement.response_id, Statement.field, Statement.position)))


def responses_of(evaluation: Evaluation) -> list[Response]:
    ids = [s.id for s in evaluation.sessions]
    return list(db.session.scalars(
        select(Response).where(Response.session_id.in_(ids))
        .options(selectinload(Response.ratings)).order_by(Response.created_at, Response.id)))


def themes_of(evaluation: Evaluation) -> dict[int, Theme]:
    return {t.id: t for t in db.session.scalars(select(Theme).where(Theme.evaluation_id == evaluation.id))}


def masker_for(evaluation: Evaluation, *, unmasked: bool = False):
    if unmasked:
        return NoMasking()
    return Masker.for_people(evaluation.roster_people)


def category_names(plan: PlanDefinition) -> dict[str, str]:
    return dict(plan.category_choices())


def statement_rows(evaluation: Evaluation, statements: list[Statement], mask) -> list[StatementRow]:
    names = category_names(evaluation.plan.definition)
    themes = themes_of(evaluation)
    rows = []
    for s in statements:
        theme = Theme.follow_merges(s.theme, themes)
        rows.append(StatementRow(
            id=s.id, response_id=s.response_id, field=s.field, field_label=FIELDS.get(s.field, s.field),
            text=mask(s.text), organisation=mask.organisation(s.response.organisation),
            organisation_key=(s.response.organisation or "").strip(),
            organisation_type=s.response.organisation_type, category=s.category,
            category_name=names.get(s.category, s.category) if s.category else f"不计入（{KINDS.get(s.kind, s.kind)}）",
            theme_id=theme.id if theme else None, theme_label=mask(theme.label) if theme else "", theme_machine_label=bool(theme and not theme.staff_label),
            confidence=round(float(s.machine_confidence or 0.0), 4), status=s.status,
            status_label=STATEMENT_STATUSES.get(s.status, s.status),
            reviewed_by=(s.reviewed_by.display_name or s.reviewed_by.username) if s.reviewed_by else "",
            reviewed_at=s.reviewed_at, excluded=s.status == "excluded",
            exclude_reason=EXCLUDE_REASONS.get(s.exclude_reason or "", s.exclude_reason or ""),
            has_contact=has_contact(s.text), measure=s.measure, outside_text=outside_text(s.text, mask),
            kind=counted_kind(s), goal=s.goal,
        ))
    return rows


def counted_kind(s: Statement) -> str | None:
    """The kind the report goes by: staff's as set; a "none" staff placed in a category: the kind the
    next run will write (`placed_kind`: the field's); else the machine's (praise stays praise)."""
    placed = not s.kind_by_staff and s.kind == "none" and s.status in PLACED_BY_STAFF and s.category is not None
    return placed_kind(s.kind, s.field) if placed else s.kind


def _ratings(plan: PlanDefinition, responses: list[Response]) -> list[GoalSection]:
    overall = {g.id: ScoreSummary() for g in plan.goals}
    by_type: dict[str, dict[str, ScoreSummary]] = {g.id: defaultdict(ScoreSummary) for g in plan.goals}
    for r in responses:
        for rating in r.ratings:
            if rating.goal_id in overall:
                overall[rating.goal_id].add(rating.score)
                by_type[rating.goal_id][r.organisation_type or UNSTATED_TYPE].add(rating.score)
    order = {t.name: i for i, t in enumerate(plan.types_for(anonymous=True))}
    return [GoalSection(id=g.id, name=g.name, description=g.description, overall=overall[g.id],
                        by_type=dict(sorted(by_type[g.id].items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))))
            for g in plan.goals]


def _by_type(rows: list[StatementRow]) -> dict[str, int]:
    order = {t: i for i, t in enumerate(ORG_TYPES)}
    tally = Counter(r.organisation_type or UNSTATED_TYPE for r in rows)
    return dict(sorted(tally.items(), key=lambda kv: (-kv[1], order.get(kv[0], 99), kv[0])))


def pick_quotes(rows: list[StatementRow], k: int = QUOTES_PER_THEME) -> list[Quote]:
    """Up to k quotes, one per organisation type first: reviewed before machine-only,
    answers to 存在问题 before suggestions, then the machine's most confident."""
    ranked = sorted(rows, key=lambda r: (not r.reviewed, r.field != "problems", -r.confidence, r.id))
    chosen: list[StatementRow] = []
    for r in ranked:  # a sentence two letters share (or one letter repeats) is quoted once
        if len(chosen) < k and r.organisation_type not in {c.organisation_type for c in chosen} \
                and r.text not in {c.text for c in chosen}:
            chosen.append(r)
    for r in ranked:
        if len(chosen) < k and r.text not in {c.text for c in chosen}:
            chosen.append(r)
    return [Quote(r.text, r.organisation_type, r.reviewed, r.field) for r in chosen]


def _category_section(ident: str, name: str, description: str, rows: list[StatementRow], total: int,
                      theme_of: dict[int, Theme | None], keywords: tuple[str, ...] = ()) -> CategorySection:
    groups: dict[int | None, list[StatementRow]] = defaultdict(list)
    for r in rows:
        theme = theme_of.get(r.id)
        groups[theme.id if theme else None].append(r)
    themes = []
    for theme_id, members in groups.items():
        theme = theme_of[members[0].id]
        themes.append(ThemeSection(
            id=theme_id, label=members[0].theme_label if theme else "其他意见",
            machine_label=bool(theme and not theme.staff_label), count=len(members), by_type=_by_type(members),
            quotes=pick_quotes([m for m in members if not m.has_contact]), unreviewed=sum(not m.reviewed for m in members)))
    # largest first; statements in no theme last
    themes.sort(key=lambda t: (t.id is None, -t.count, t.label))
    return CategorySection(id=ident, name=name, description=description, count=len(rows),
                           share=len(rows) / total if total else 0.0,
                           unreviewed=sum(not r.reviewed for r in rows), themes=themes, by_type=_by_type(rows),
                           keywords=keywords)


def build_report(code: str, *, reviewed_only: bool = False, unmasked: bool = False,
                 photos_dir: Path | None = None, theme_names: str = "mark") -> ReportData:
    """The report of the evaluation with this code (session code or group code): a read of the
    database (the analysis job stored each suggestion's measure), no model is run."""

    evaluation = evaluation_for_code(code)
    plan = evaluation.plan.definition
    mask = masker_for(evaluation, unmasked=unmasked)
    statements = statements_of(evaluation)
    all_rows = statement_rows(evaluation, statements, mask)
    counted = [r for r in all_rows if not r.excluded and (r.reviewed or not reviewed_only)]
    themes = themes_of(evaluation)
    by_id = {s.id: s for s in statements}
    theme_of = {r.id: Theme.follow_merges(by_id[r.id].theme, themes) for r in counted}

    total = len(counted)
    per_category: dict[str, list[StatementRow]] = defaultdict(list)
    for r in counted:
        if r.category is None or r.kind in ("none", "praise"):
            continue  # nothing to act on, or praise (（一）'s, by its goal): in no problem category
        per_category[r.category if r.category in {c.id for c in plan.categories} else OTHER].append(r)
    categories = [_category_section(c.id, c.name, c.description, per_category.get(c.id, []), total, theme_of,
                                    c.keywords) for c in plan.categories]
    new_issues = (_category_section(OTHER, NEW_ISSUES, "", per_category[OTHER], total, theme_of)
                  if per_category.get(OTHER) else None)

    suggestions = [r for r in counted if (r.kind == "suggestion" if r.kind else r.field == "suggestions")]
    measures = [MeasureSection(m.id, m.name, m.description, []) for m in plan.measures]
    unmatched: list[Quote] = []
    if suggestions and measures:
        sections = {m.id: m for m in measures}
        for r in suggestions:
            target = by_id[r.id].measure
            quote = Quote(r.text, r.organisation_type, r.reviewed, r.field)
            (sections[target].suggestions if target in sections else unmatched).append(quote)
    elif suggestions:
        unmatched = [Quote(r.text, r.organisation_type, r.reviewed, r.field) for r in suggestions]

    responses = responses_of(evaluation)
    goals = _ratings(plan, responses)

    sessions = list(evaluation.sessions)
    participants = participants_of(sessions, responses)
    organisations = organisations_of(participants)  # counted before masking can merge two
    mask_unlisted(participants, mask)
    # who raised each problem category: the counted problems, as （二） uses them
    consensus = report_consensus(evaluation, [r for r in counted if r.kind == "problem" and r.category])
    types = [t.name for t in plan.types_for(anonymous=True)]
    return ReportData(
        code=evaluation.code, is_group=evaluation.is_group, plan_title=evaluation.plan.title,
        short_title=plan.short_title or generic_short_title(plan.title), document_number=plan.document_number,
        issue_date=plan.issue_date, implementing_body=plan.implementing_body, issuing_body=plan.issuing_body,
        sessions=[SessionRecord(s.code, s.title, s.form, s.organiser, s.starts_at, s.place) for s in sessions],
        participants=participants, photos=photos_for(sessions, photos_dir), response_count=len(responses),
        goals=goals, categories=categories, new_issues=new_issues, measures=measures,
        unmatched_suggestions=unmatched, statements=counted, counted=total,
        reviewed=sum(r.reviewed for r in counted), reviewed_only=reviewed_only,
        masked=not unmasked, generated_at=utc_to_local(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)),
        occasion=occasion_for(sessions), organisations=organisations,
        answers_by_type=answers_by_type(sessions, responses, types), decisions=decisions_of(evaluation),
        theme_names=theme_names, consensus=consensus,
    )

