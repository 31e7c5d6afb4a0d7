"""Plan definition files (`corpus/plans/*.toml`): one file per policy plan.

A plan names the goals participants rate, the problem categories the analysis maps
statements to, and the measures the report cites. Files are edited by staff, so every
problem is reported as `文件: 字段: 原因`.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# The category id reserved for statements that fit no plan category (new issues).
OTHER = "other"
OTHER_NAME = "未归类/新问题"

# Lengths of the fields the web app keeps in columns of these sizes (survey/models.py uses
# them), checked here so a plan file that loads also fits the database.
ID_MAX = 64
TITLE_MAX = 200
DOCUMENT_NUMBER_MAX = 100

# TOML escapes (\u0000) can put characters into a value that the file itself may not contain;
# PostgreSQL refuses NUL, and none of them belongs in a title or a keyword.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MONTH_OR_DAY = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class PlanError(ValueError):
    """A plan file that cannot be used; the message names file, field and reason."""

    def __init__(self, source: str, field_name: str, reason: str):
        self.source, self.field, self.reason = source, field_name, reason
        super().__init__(f"{source}: {field_name}: {reason}")


@dataclass(frozen=True)
class Item:
    """A goal or a measure."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    description: str
    keywords: tuple[str, ...]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    document_number: str = ""
    issue_date: str = ""  # "2022-05" or "2022-05-10": documents often give only the month
    issuing_body: str = ""
    implementing_body: str = ""
    short_title: str = ""
    goals: tuple[Item, ...] = ()
    categories: tuple[Category, ...] = ()
    measures: tuple[Item, ...] = ()
    source: str = field(default="", compare=False)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def category_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every category in the plan's order, 未归类/新问题 last: the list pages,
        reports and keys 1–9, 0 show."""
        return [(c.id, c.name) for c in self.categories if c.id != OTHER] + [(OTHER, OTHER_NAME)]


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError(str(path), "(文件)", f"无法读取：{exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(str(path), "(文件)", "不是 UTF-8 编码") from exc
    return parse_plan(text, source=str(path))


def parse_plan(text: str, source: str = "<plan>") -> Plan:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(source, "(TOML)", f"格式错误：{exc}") from exc
    v = _Validator(source)
    return Plan(
        id=v.slug(data, "id"),
        title=v.text(data, "title", max_len=TITLE_MAX),
        document_number=v.text(data, "document_number", required=False, max_len=DOCUMENT_NUMBER_MAX),
        issue_date=v.date(data, "issue_date"),
        issuing_body=v.text(data, "issuing_body", required=False),
        implementing_body=v.text(data, "implementing_body", required=False),
        short_title=v.text(data, "short_title", required=False),
        goals=v.items(data, "goals"),
        categories=v.categories(data),
        measures=v.items(data, "measures", required=False),
        source=source,
    )


class _Validator:
    def __init__(self, source: str):
        self.source = source

    def fail(self, field_name: str, reason: str) -> PlanError:
        return PlanError(self.source, field_name, reason)

    def text(self, table: dict, key: str, *, where: str = "", required: bool = True,
             max_len: int | None = None) -> str:
        name = f"{where}{key}"
        if key not in table:
            if required:
                raise self.fail(name, "缺少必填字段")
            return ""
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(name, f"应为字符串，实际为 {type(value).__name__}")
        value = value.strip()
        self.no_control(name, value)
        if required and not value:
            raise self.fail(name, "不能为空")
        if max_len is not None and len(value) > max_len:
            raise self.fail(name, f"过长（{len(value)} 字），不超过 {max_len} 字")
        return value

    def no_control(self, name: str, value: str) -> None:
        match = _CONTROL.search(value)
        if match:
            raise self.fail(name, f"含有控制字符 U+{ord(match.group()):04X}，请删除")

    def slug(self, table: dict, key: str, *, where: str = "") -> str:
        value = self.text(table, key, where=where, max_len=ID_MAX)
        if not _SLUG.match(value):
            raise self.fail(f"{where}{key}", f"“{value}”应只含小写字母、数字和连字符")
        return value

    def date(self, table: dict, key: str) -> str:
        value = table.get(key)
        if value is None:
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        if isinstance(value, str) and _MONTH_OR_DAY.match(value.strip()):
            value = value.strip()
            try:  # the pattern alone would accept "2022-13"
                dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
            except ValueError:
                raise self.fail(key, f"“{value}”不是有效日期") from None
            return value
        raise self.fail(key, "应为日期，例如 \"2022-05\" 或 2022-05-10")

    def table_list(self, data: dict, key: str, *, required: bool = True) -> list[dict]:
        if key not in data:
            if required:
                raise self.fail(key, "缺少必填字段")
            return []
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise self.fail(key, f"应写成 [[{key}]] 表数组")
        if required and not value:
            raise self.fail(key, "列表不能为空")
        return value

    def unique(self, key: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                raise self.fail(f"{key}[{i}].id", f"编号“{ident}”重复")
            seen.add(ident)

    def items(self, data: dict, key: str, *, required: bool = True) -> tuple[Item, ...]:
        out = []
        for i, t in enumerate(self.table_list(data, key, required=required)):
            where = f"{key}[{i}]."
            out.append(Item(self.slug(t, "id", where=where), self.text(t, "name", where=where),
                            self.text(t, "description", where=where, required=False)))
        self.unique(key, [x.id for x in out])
        return tuple(out)

    def strings(self, table: dict, key: str, where: str, *, required: bool) -> tuple[str, ...]:
        name = f"{where}{key}"
        if key not in table:
            if required:
                raise self.fail(name, "缺少必填字段")
            return ()
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self.fail(name, "应为字符串列表")
        value = [x.strip() for x in value if x.strip()]
        for i, x in enumerate(value):
            self.no_control(f"{name}[{i}]", x)
        if required and not value:
            raise self.fail(name, "列表不能为空")
        return tuple(value)

    def categories(self, data: dict) -> tuple[Category, ...]:
        out = []
        for i, t in enumerate(self.table_list(data, "categories")):
            where = f"categories[{i}]."
            ident = self.slug(t, "id", where=where)
            if ident == OTHER:
                raise self.fail(f"{where}id", "“other”保留给未归类/新问题，请换一个编号")
            out.append(Category(
                id=ident,
                name=self.text(t, "name", where=where),
                description=self.text(t, "description", where=where),
                keywords=self.strings(t, "keywords", where, required=True),
                examples=self.strings(t, "examples", where, required=False),
            ))
        self.unique("categories", [c.id for c in out])
        return tuple(out)
