"""Participant lists ("roster"): typed in the staff form one organisation a line, or given to
`create-session --roster` as a CSV or TOML file. Both end up as the same RosterRow list."""
from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .cleaning import clean_text
from .limits import ORGANISATION_MAX, PERSON_MAX
from .models import ORG_TYPES

# Everyday names staff type for the fixed categories.
_TYPE_ALIASES = {
    "高校": "高校/科研院所", "大学": "高校/科研院所", "科研院所": "高校/科研院所",
    "科研": "高校/科研院所", "高校科研院所": "高校/科研院所",
    "机构": "服务机构", "政府": "政府部门", "部门": "政府部门",
}
_SEPARATORS = re.compile(r"\s*[,，、\t]\s*")


class RosterError(ValueError):
    """A roster line or entry that can't be used; the message says where (第 n 行) and why."""


@dataclass(frozen=True)
class RosterRow:
    organisation: str
    person: str
    organisation_type: str


def org_type(value: str, where: str) -> str:
    value = value.strip()
    value = _TYPE_ALIASES.get(value, value)
    if value not in ORG_TYPES:
        raise RosterError(f"{where}：类型“{value}”不在可选范围内（{'、'.join(ORG_TYPES)}）")
    return value


def _row(fields: list[str], where: str) -> RosterRow:
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
    return RosterRow(organisation, person, org_type(kind, where))


def parse_lines(text: str) -> list[RosterRow]:
    """One organisation a line: "单位, 姓名, 类型" or "单位, 类型"; blank lines are skipped.
    Chinese commas (，、) and tabs (pasted from a spreadsheet) separate fields too."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            rows.append(_row(_SEPARATORS.split(line.strip()), f"第 {n} 行"))
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
