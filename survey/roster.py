"""Participant lists ("roster"): typed in the staff form one organisation a line, or given to
`create-session --roster` as a CSV or TOML file. Both end up as the same RosterRow list."""
from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.plan import DEFAULT_RESPONDENT_TYPES, RespondentType

from .cleaning import clean_text
from .limits import ORGANISATION_MAX, PERSON_MAX

_TYPE_NOISE = re.compile(r"[\s　]+")
_SEPARATORS = re.compile(r"\s*[,，、\t]\s*")


class RosterError(ValueError):
    """A roster line or entry that can't be used; the message says where (第 n 行) and why."""


@dataclass(frozen=True)
class RosterRow:
    organisation: str
    person: str
    organisation_type: str


def match_org_type(value: str, types: Sequence[RespondentType] = DEFAULT_RESPONDENT_TYPES) -> str | None:
    """The type (a name in `types`, the session's or the plan's list) a written type names,
    or None if it names none: the name itself, one of its aliases, else the longest alias or
    name found inside it ("民营科技企业" → 企业; "企业服务机构" → 服务机构)."""
    value = _TYPE_NOISE.sub("", value or "").replace("／", "/")
    if not value:
        return None
    for kind in types:
        if value == kind.name or value in kind.aliases:
            return kind.name
    best, length = None, 0
    for kind in types:
        for word in (kind.name, *kind.aliases):
            if len(word) > length and word in value:
                best, length = kind.name, len(word)
    return best


def org_type(value: str, where: str, types: Sequence[RespondentType] = DEFAULT_RESPONDENT_TYPES) -> str:
    kind = match_org_type(value, types)
    if kind is None:
        names = "、".join(t.name for t in types)
        raise RosterError(f"{where}：类型“{value.strip()}”不在可选范围内（{names}）")
    return kind


def _row(fields: list[str], where: str, types: Sequence[RespondentType] = DEFAULT_RESPONDENT_TYPES) -> RosterRow:
    fields = [clean_text(f).strip() for f in fields]  # roster files come from outside too
    if len(fields) == 2:  # 单位, 类型
        fields = [fields[0], "", fields[1]]
    if len(fields) != 3:
        raise RosterError(f"{where}：应写成“单位, 姓名, 类型”或“单位, 类型”")
    organisation, person, kind = fields
    if not organisation:
        raise RosterError(f"{where}：缺少单位名称")
    if len(organisation) > ORGANISATION_MAX:
        raise RosterError(f"{where}：单位名称不超过 {ORGANISATION_MAX} 字")
    if len(person) > PERSON_MAX:
        raise RosterError(f"{where}：姓名不超过 {PERSON_MAX} 字")
    return RosterRow(organisation, person, org_type(kind, where, types))


def parse_lines(text: str, types: Sequence[RespondentType] = DEFAULT_RESPONDENT_TYPES) -> list[RosterRow]:
    """One organisation a line: "单位, 姓名, 类型" or "单位, 类型"; blank lines are skipped.
    Chinese commas (，、) and tabs (pasted from a spreadsheet) separate fields too."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            rows.append(_row(_SEPARATORS.split(line.strip()), f"第 {n} 行", types))
    return rows


def parse_csv(text: str) -> list[RosterRow]:
    """A CSV export (columns 单位, 姓名, 类型); a header row naming 单位 is skipped."""
    rows = []
    for n, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(f.strip() for f in fields):
            continue
        if n == 1 and fields[0].strip() in ("单位", "organisation"):
            continue
        rows.append(_row(fields, f"第 {n} 行"))
    return rows


def parse_toml_tables(tables: object, where: str = "roster") -> list[RosterRow]:
    """[[roster]] tables with organisation, person (optional) and organisation_type."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RosterError(f"{where}：应写成 [[roster]] 表数组")
    rows = []
    for i, t in enumerate(tables):
        at = f"{where}[{i}]"
        fields = [t.get("organisation", ""), t.get("person", ""), t.get("organisation_type", "")]
        if not all(isinstance(f, str) for f in fields):
            raise RosterError(f"{at}：organisation、person、organisation_type 应为字符串")
        rows.append(_row(fields, at))
    return rows


def load_file(path: str | Path) -> list[RosterRow]:
    """A .csv or .toml roster file; errors start with the file name."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Excel writes a BOM
        if path.suffix.lower() == ".toml":
            return parse_toml_tables(tomllib.loads(text).get("roster", []))
        return parse_csv(text)
    except (RosterError, tomllib.TOMLDecodeError) as exc:
        raise RosterError(f"{path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path}: 不是 UTF-8 编码") from exc
