"""The import rules, shared by `pingjia import` and the staff pages: read a file, propose a
column mapping, check every row the way the phone form checks an answer, and store the good
rows once.

- Each row is validated by the participant form class itself (its filters clean the text, its
  validators hold the length limits), so a fix to the phone form's checks applies here too.
- A row's fingerprint (its non-empty cells under their headers) is stored as the submission
  id `import:<fingerprint>`; the (session, submission id) unique constraint, through
  INSERT … ON CONFLICT DO NOTHING, is what makes a second import of the same file add nothing.
- A file with bad rows stores nothing unless the caller asks for the good rows only; either
  way the import is one transaction, and it never takes a session past its answer cap.
- Rows are not refused for what staff decide in bulk: each rating column's answers go through
  a value mapping shown on the preview; a type the session does not list becomes 其他; a
  missing organisation is fine in an anonymous session or when staff choose so.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, insert, select
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from analysis.plan import OTHER_TYPE, Item

from ..answers import UNKNOWN, SurveyFormBase, rating_field_name, survey_form_class
from ..extensions import db
from ..models import ORG_TYPES, RESPONSE_SOURCES, SOURCE_PHONE, EvaluationSession, Rating, Response, utcnow
from ..sessions import response_count
from ..timefmt import local_to_utc
from . import columns, platforms, values
from .readers import ImportFileError, Sheet, parse_time, read_sheet

IMPORT_PREFIX = "import:"
IMPORT_SOURCES = tuple(s for s in RESPONSE_SOURCES if s != SOURCE_PHONE)
NO_CONTENT = "这份答卷既没有评分，也没有填写取得成效、存在问题或意见建议"
STORE_BATCH = 500  # rows per INSERT: a few statements per file instead of two per row


class ImportRefused(ValueError):
    """The file has bad rows and the caller did not choose to import only the good ones, or the
    rows would take the session past its answer cap; nothing was stored."""


def transcribed_form_class(goals: Sequence[Item], types: Sequence[str] = ORG_TYPES, *,
                           anonymous: bool = False) -> type[SurveyFormBase]:
    """The phone form for answers written elsewhere (a file row, a paper form): the same fields,
    cleaning and limits. Only the rule that asks the participant to write something is eased:
    nobody can be asked any more, and a row with ratings but no text still counts.
    `anonymous`: no organisation needed (an anonymous session, or staff chose so)."""
    base = survey_form_class(goals, types, anonymous=anonymous)

    def validate_problems(form, field) -> None:
        if field.data or form.suggestions.data or form.achievements.data:
            return
        rated = any(f.data not in (None, "", UNKNOWN) for _, f in form.rating_fields())
        if not rated:
            raise ValidationError(NO_CONTENT)

    return type("TranscribedForm", (base,), {"validate_problems": validate_problems})


@dataclass
class RowResult:
    number: int  # as Excel shows it
    fingerprint: str
    answer: dict | None = None  # organisation, organisation_type, achievements, problems, suggestions, scores, submitted_at
    errors: list[str] = field(default_factory=list)

    @property
    def submission_id(self) -> str:
        return IMPORT_PREFIX + self.fingerprint

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Checked:
    sheet: Sheet
    platform: str
    numbered: bool  # a 问卷星 download 按序号
    mapping: dict[int, str]
    goals: tuple[Item, ...]
    rows: list[RowResult]
    notes: list[str]  # about the mapping: missing columns, goals without a rating column
    scales: dict[int, dict[str, str]] = field(default_factory=dict)  # rating column → answer → score
    types: Counter = field(default_factory=Counter)  # (type as written, type stored) → rows
    anonymous: bool = False  # the session asks no organisation
    allow_missing: bool = False  # staff chose to import rows without an organisation

    def option_counts(self, index: int) -> Counter:
        return values.column_options(self.sheet.column(index))

    @property
    def good(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def kind(self) -> str:
        if self.platform == platforms.WJX:
            return f"{self.platform}（{'按序号' if self.numbered else '按文本'}）"
        return self.platform

    def field_of(self, index: int) -> str:
        return self.mapping.get(index, columns.IGNORE)

    def mapped_goals(self) -> list[Item]:
        wanted = {f for f in self.mapping.values() if f.startswith(columns.GOAL_PREFIX)}
        return [g for g in self.goals if columns.goal_field(g.id) in wanted]


@dataclass
class ImportReport:
    added: int
    already: int  # rows imported before (same fingerprint), not stored again
    skipped_bad: int
    source: str


def fingerprint(sheet: Sheet, cells: list[str], occurrence: int = 1) -> str:
    """The row's non-empty cells under their headers (column order and blank columns do not
    matter); a row repeated word for word in one file counts each time it appears."""
    pairs = sorted((h, c) for h, c in zip(sheet.header, cells) if c)
    text = json.dumps(pairs, ensure_ascii=False) + (f"#{occurrence}" if occurrence > 1 else "")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def open_file(path: str | Path, name: str | None = None) -> tuple[Sheet, str]:
    sheet = read_sheet(path, name)
    return sheet, platforms.detect(sheet)


def is_numbered(sheet: Sheet, platform: str, goals: Sequence[Item]) -> bool:
    """按序号 is a 问卷星 download choice; its choice columns hold option numbers only."""
    if platform != platforms.WJX:
        return False
    guess = columns.suggest(sheet, goals, numbered=True)
    choice_columns = [i for i, f in guess.items()
                      if f == columns.ORG_TYPE or f.startswith(columns.GOAL_PREFIX)]
    return platforms.numbered_download(sheet, choice_columns)


def apply_overrides(sheet: Sheet, goals: Sequence[Item], mapping: dict[int, str],
                    overrides: Sequence[str]) -> dict[int, str]:
    """`列名=字段` pairs (the CLI's --map) on top of a mapping; a field moves to its new column."""
    mapping = dict(mapping)
    for pair in overrides:
        name, sep, target = pair.rpartition("=")
        if not sep or not name.strip():
            raise ImportFileError(f"--map {pair}：应写成 列名=字段，例如 “单位=单位名称”")
        index = columns.find_column(sheet, name)
        if index is None:
            raise ImportFileError(f"--map {pair}：{sheet.name} 中找不到列“{name.strip()}”")
        chosen = columns.parse_field(target, goals)
        if chosen is None:
            names = "、".join(label for f, label in columns.field_choices(goals))
            raise ImportFileError(f"--map {pair}：不认识字段“{target.strip()}”（可用：{names}）")
        if chosen:
            mapping = {i: f for i, f in mapping.items() if f != chosen}
        mapping[index] = chosen
    return {i: f for i, f in mapping.items() if f}


def mapping_problems(mapping: Mapping[int, str], goals: Sequence[Item]) -> list[str]:
    """A field given to two columns cannot be imported; say which."""
    counts = Counter(f for f in mapping.values() if f)
    return [f"“{columns.field_label(f, goals)}”对应了 {n} 列，每项只能对应一列"
            for f, n in counts.items() if n > 1]


def check(session: EvaluationSession, sheet: Sheet, platform: str, mapping: Mapping[int, str],
          *, numbered: bool = False, scales: Mapping[int, Mapping[str, str]] | None = None,
          allow_missing: bool = False, type_choices: Mapping[str, str] | None = None) -> Checked:
    """Every row as it would be stored, or the reasons it cannot be (nothing is written).
    `scales`: staff's value mapping per rating column (answer → score) over the guessed one;
    `allow_missing`: rows without an organisation are imported (type 其他 unless known);
    `type_choices`: staff's type for a written type (as the preview shows it) over the guess."""
    goals = tuple(session.plan.definition.goals)
    mapping = {i: f for i, f in mapping.items() if f}
    notes = mapping_problems(mapping, goals)
    if notes:
        raise ImportFileError("；".join(notes))
    by_field = {f: i for i, f in mapping.items()}
    checked = Checked(sheet, platform, numbered, mapping, goals, [], [], anonymous=session.anonymous,
                      allow_missing=allow_missing and not session.anonymous)
    rated = checked.mapped_goals()
    for goal in rated:
        index = by_field[columns.goal_field(goal.id)]
        checked.scales[index] = values.column_scale(sheet.column(index), numbered=numbered,
                                                    overrides=(scales or {}).get(index))
    types = session.respondent_types
    form_class = transcribed_form_class(rated, [t.name for t in types],
                                        anonymous=session.anonymous or allow_missing)
    roster = {e.organisation.strip(): e.organisation_type for e in session.roster}
    missing = "" if session.anonymous else OTHER_TYPE if allow_missing else None
    if session.anonymous:
        pass  # an anonymous session asks no organisation: nothing to say about its column
    elif columns.ORGANISATION not in by_field and not allow_missing:
        checked.notes.append("没有对应“单位名称”的列：每一行都会因缺少单位名称而无法导入。请在下方指定，"
                             "或选择“缺少单位名称的行照样导入”。")
    if columns.ORG_TYPE not in by_field and not session.anonymous:
        checked.notes.append("没有对应“单位类型”的列：单位类型将按参会名单补全"
                             + ("，名单中没有的记为“其他”。" if allow_missing else "，名单中没有的单位无法导入。"))
    unrated = [g.name for g in goals if g not in rated]
    if unrated:
        checked.notes.append(f"以下目标没有对应的评分列，导入的答卷在这些目标下没有评分：{'、'.join(unrated)}。")
    if not {columns.ACHIEVEMENTS, columns.PROBLEMS, columns.SUGGESTIONS} & set(by_field):
        checked.notes.append("没有对应“取得成效”“存在问题”或“意见建议”的列：导入的答卷没有文字意见，不参与意见分析。")

    seen: Counter[str] = Counter()
    for number, cells in sheet.rows:
        base = fingerprint(sheet, cells)
        seen[base] += 1
        result = RowResult(number, fingerprint(sheet, cells, seen[base]))
        _check_row(result, cells, by_field, rated, form_class, roster, numbered, checked, types, missing,
                   {w: k for w, k in (type_choices or {}).items() if k in {t.name for t in types}})
        checked.rows.append(result)
    return checked


def _cell(cells: list[str], by_field: Mapping[str, int], name: str) -> str:
    index = by_field.get(name)
    return cells[index] if index is not None else ""


def _check_row(result: RowResult, cells: list[str], by_field: Mapping[str, int], rated: list[Item],
               form_class: type[SurveyFormBase], roster: Mapping[str, str], numbered: bool,
               checked: Checked, types, missing: str | None, type_choices: Mapping[str, str]) -> None:
    organisation = platforms.as_text(_cell(cells, by_field, columns.ORGANISATION))
    data = MultiDict({
        "submission_id": result.fingerprint[:32],  # a well-formed id for the form; stored as import:…
        "organisation": organisation,
        "achievements": platforms.as_text(_cell(cells, by_field, columns.ACHIEVEMENTS)),
        "problems": platforms.as_text(_cell(cells, by_field, columns.PROBLEMS)),
        "suggestions": platforms.as_text(_cell(cells, by_field, columns.SUGGESTIONS)),
    })
    explained = set()  # fields whose cell could not be read: the form's own error would repeat it
    written = _cell(cells, by_field, columns.ORG_TYPE)
    try:
        kind = type_choices.get(platforms.as_text(written)) or values.organisation_type(
            written, organisation, roster, numbered=numbered, types=types, missing=missing)
        data["organisation_type"] = kind
        checked.types[(platforms.as_text(written), kind)] += 1
    except values.ValueProblem as exc:
        result.errors.append(f"单位类型：{exc}")
        explained.add("organisation_type")
    for goal in rated:
        name = rating_field_name(goal.id)
        try:
            index = by_field[columns.goal_field(goal.id)]
            data[name] = values.rating(cells[index], numbered=numbered, scale=checked.scales[index])
        except values.ValueProblem as exc:
            result.errors.append(f"{goal.name}：{exc}")
            explained.add(name)
    if any(name.startswith("goal_") for name in explained):
        result.errors.append(f"评分应为{values.RATING_HELP}，或在预览中指定该值对应的分数")  # said once
    form = form_class(formdata=data, meta={"csrf": False})
    if not form.validate():
        for name, errors in form.errors.items():
            if name not in explained:
                result.errors.extend(f"{form[name].label.text}：{e}" for e in errors)
    if result.errors:
        return
    submitted = parse_time(_cell(cells, by_field, columns.SUBMITTED_AT))
    result.answer = {
        "organisation": form.organisation.data or "", "organisation_type": form.organisation_type.data or "",
        "achievements": form.achievements.data or "",
        "problems": form.problems.data or "", "suggestions": form.suggestions.data or "",
        "scores": form.scores(), "submitted_at": local_to_utc(submitted) if submitted else None,
    }


def already_imported(session: EvaluationSession, checked: Checked) -> int:
    """How many of the good rows this session already holds; shown on the preview only (the
    unique constraint, not this count, keeps them from being stored twice)."""
    ids = [r.submission_id for r in checked.good]
    found = 0
    for start in range(0, len(ids), 500):
        found += db.session.scalar(select(func.count()).select_from(Response).where(
            Response.session_id == session.id, Response.submission_id.in_(ids[start:start + 500]))) or 0
    return found


def store(session: EvaluationSession, checked: Checked, source: str, *, only_good: bool = False) -> ImportReport:
    """Insert the good rows in one transaction and commit; rows stored by an earlier import
    are skipped by the database. Raises ImportRefused (nothing stored) if any row is bad and
    `only_good` is not set."""
    if source not in IMPORT_SOURCES:
        raise ImportFileError(f"来源“{source}”不在可选范围内（{'、'.join(IMPORT_SOURCES)}）")
    bad = checked.bad
    if bad and not only_good:
        raise ImportRefused(f"{checked.sheet.name} 有 {len(bad)} 行有问题，未导入任何数据")
    _within_cap(session, checked)
    insert_response = _insert_ignoring_duplicates()
    added = 0
    now = utcnow()
    good = checked.good
    try:
        for start in range(0, len(good), STORE_BATCH):
            batch = {row.submission_id: row.answer for row in good[start:start + STORE_BATCH]}
            inserted = db.session.execute(insert_response, [
                {"session_id": session.id, "submission_id": submission_id,
                 "organisation": a["organisation"], "organisation_type": a["organisation_type"],
                 "achievements": a["achievements"], "problems": a["problems"], "suggestions": a["suggestions"],
                 "source": source,
                 "is_demo": session.is_demo, "created_at": a["submitted_at"] or now, "updated_at": now}
                for submission_id, a in batch.items()
            ]).all()
            # Rows the constraint turned away are in the session already: not returned, not counted.
            added += len(inserted)
            ratings = [{"response_id": response_id, "goal_id": goal_id, "score": score}
                       for response_id, submission_id in inserted
                       for goal_id, score in batch[submission_id]["scores"].items()]
            if ratings:
                db.session.execute(insert(Rating.__table__), ratings)  # Core executemany, no ORM bookkeeping
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expire(session)  # its responses list changed underneath the ORM
    return ImportReport(added, len(good) - added, len(bad), source)


def _within_cap(session: EvaluationSession, checked: Checked) -> None:
    """The session's answer cap (SESSION_RESPONSE_MAX) holds for imports as for the phone form;
    rows imported before do not count again. Raises ImportRefused: nothing is stored."""
    cap = current_app.config.get("SESSION_RESPONSE_MAX")
    if not cap:
        return
    have = response_count(session)
    new = len(checked.good) - already_imported(session, checked)
    if have + new > cap:
        room = max(cap - have, 0)
        raise ImportRefused(f"本活动最多接收 {cap} 份答卷，已有 {have} 份，{checked.sheet.name} 将新增 {new} 份，"
                            f"超出 {have + new - cap} 份，未导入任何数据。"
                            + (f"请把文件分开，本活动只能再导入 {room} 份" if room else "本活动已收满")
                            + "，或请管理员调高上限（PINGJIA_SESSION_RESPONSE_MAX）")


def _insert_ignoring_duplicates():
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - the app supports SQLite and PostgreSQL
        raise RuntimeError(f"不支持的数据库：{dialect}")
    table = Response.__table__
    return (dialect_insert(table).on_conflict_do_nothing(index_elements=["session_id", "submission_id"])
            .returning(table.c.id, table.c.submission_id))


def default_source(platform: str) -> str:
    return platform if platform in IMPORT_SOURCES else platforms.SPREADSHEET


def scale_overrides(sheet: Sheet, mapping: Mapping[int, str], texts: Sequence[str]) -> dict[int, dict[str, str]]:
    """The CLI's --values: `列名=值:分,值:分` for one column, or `值:分,…` for every rating column."""
    out: dict[int, dict[str, str]] = {}
    rated = [i for i, f in mapping.items() if f.startswith(columns.GOAL_PREFIX)]
    for text in texts:
        name, sep, pairs = text.partition("=")
        targets = rated
        if sep:
            index = columns.find_column(sheet, name)
            if index is None:
                raise ImportFileError(f"--values {text}：{sheet.name} 中找不到列“{name.strip()}”")
            if index not in rated:
                raise ImportFileError(f"--values {text}：“{sheet.header[index]}”不是评分列")
            targets = [index]
        else:
            pairs = text
        try:
            scale = values.parse_scale_text(pairs)
        except values.ValueProblem as exc:
            raise ImportFileError(f"--values {text}：{exc}") from exc
        for index in targets:
            out.setdefault(index, {}).update(scale)
    return out


def prepare(session: EvaluationSession, path: str | Path, name: str | None = None,
            overrides: Sequence[str] = (), value_texts: Sequence[str] = (), *,
            allow_missing: bool = False, type_texts: Sequence[str] = ()) -> Checked:
    """Read, map (automatically, then `列名=字段` overrides), apply `--values` and check a file."""
    sheet, platform = open_file(path, name)
    goals = session.plan.definition.goals
    numbered = is_numbered(sheet, platform, goals)
    mapping = columns.suggest(sheet, goals, numbered=numbered)
    mapping = apply_overrides(sheet, goals, mapping, overrides)
    names = session.type_names
    type_choices = {}
    for text in type_texts:
        written, sep, kind = text.rpartition("=")
        if not sep or not written.strip() or kind.strip() not in names:
            raise ImportFileError(f"--type {text}：应写成 文件中的写法=类型，类型为{'、'.join(names)}之一")
        type_choices[written.strip()] = kind.strip()
    return check(session, sheet, platform, mapping, numbered=numbered,
                 scales=scale_overrides(sheet, mapping, value_texts), allow_missing=allow_missing,
                 type_choices=type_choices)

