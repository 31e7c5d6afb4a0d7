"""Plan definition files (`corpus/plans/*.toml`): one file per policy plan.

A plan names the goals participants rate, the problem categories the analysis maps
statements to, the measures the report cites and, optionally, who answers
(`[[respondent_types]]` with `name` and `aliases`; `DEFAULT_RESPONDENT_TYPES` otherwise) and the
plan's own words for the segmenter (`[dictionary]` with `words` and `stopwords`). Files are
edited by staff, so every problem is reported as `文件: 字段: 原因`.
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
TYPE_MAX = 32  # Response.organisation_type

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
class RespondentType:
    """Who answered, as the form offers it (企业), with the words people write for it
    (民营企业, 个体工商户) so imports and rosters map those to it."""

    name: str
    aliases: tuple[str, ...] = ()


# The types round-tables have used so far; a plan without [[respondent_types]] gets these.
OTHER_TYPE = "其他"
PUBLIC_TYPE = "个人/群众"
DEFAULT_RESPONDENT_TYPES = (
    RespondentType("高校/科研院所", ("高校", "大学", "学院", "科研院所", "科研", "研究院", "研究所", "院所",
                                "实验室", "高校科研院所")),
    RespondentType("企业", ("民营企业", "国有企业", "外资企业", "企业", "公司", "工厂", "个体工商户", "个体")),
    RespondentType("服务机构", ("服务机构", "机构", "代理机构", "代理", "事务所", "中介", "服务中心", "服务平台",
                              "评估机构")),
    RespondentType("政府部门", ("政府", "机关", "部门", "政府机关", "事业单位", "委员会", "管理局", "监管局",
                              "人民法院", "法院", "检察院")),
    RespondentType(OTHER_TYPE, ("其它", "协会", "商会", "学会", "社会组织", "行业协会", "个人")),  # 个人: 个人/群众 when anonymous
)
# Offered in anonymous sessions (public consultations), where most answers come from residents.
PUBLIC_RESPONDENT_TYPE = RespondentType(PUBLIC_TYPE, ("个人", "群众", "市民", "居民", "公众", "村民", "网民",
                                                      "学生", "退休人员", "自由职业"))


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
    respondent_types: tuple[RespondentType, ...] = ()  # as the file lists them; () = the defaults
    words: tuple[str, ...] = ()  # the plan's own dictionary words for the segmenter
    stopwords: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def short_name(self) -> str:
        """How pages refer to the plan: its short title (《方案》), else its title in 《》."""
        return self.short_title or f"《{self.title}》"

    def types_for(self, anonymous: bool = False) -> tuple[RespondentType, ...]:
        """The types a session offers: the plan's (or the defaults), 其他 always last-resort
        available, and 个人/群众 added for an anonymous session."""
        types = list(self.respondent_types or DEFAULT_RESPONDENT_TYPES)
        names = {t.name for t in types}
        if anonymous and PUBLIC_TYPE not in names:
            at = next((i for i, t in enumerate(types) if t.name == OTHER_TYPE), len(types))
            types.insert(at, PUBLIC_RESPONDENT_TYPE)
        if OTHER_TYPE not in names:
            types.append(RespondentType(OTHER_TYPE))
        return tuple(types)

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
        respondent_types=v.respondent_types(data),
        words=v.words(data, "words"),
        stopwords=v.words(data, "stopwords"),
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

    def respondent_types(self, data: dict) -> tuple[RespondentType, ...]:
        out: list[RespondentType] = []
        seen: dict[str, str] = {}  # a name or alias → the type it belongs to
        for i, t in enumerate(self.table_list(data, "respondent_types", required=False)):
            where = f"respondent_types[{i}]."
            name = self.text(t, "name", where=where, max_len=TYPE_MAX)
            aliases = self.strings(t, "aliases", where, required=False)
            for word in (name, *aliases):
                if word in seen and seen[word] != name:
                    raise self.fail(f"{where}{'name' if word == name else 'aliases'}",
                                    f"“{word}”已用于类型“{seen[word]}”，同一个词只能对应一个类型")
                seen[word] = name
            if any(x.name == name for x in out):
                raise self.fail(f"{where}name", f"类型“{name}”重复")
            out.append(RespondentType(name, aliases))
        return tuple(out)

    def words(self, data: dict, key: str) -> tuple[str, ...]:
        table = data.get("dictionary", {})
        if not isinstance(table, dict):
            raise self.fail("dictionary", "应写成 [dictionary] 表，含 words 和 stopwords 两个列表")
        values = self.strings(table, key, "dictionary.", required=False)
        for i, word in enumerate(values):
            if len(word.split()) > 1:
                raise self.fail(f"dictionary.{key}[{i}]", f"“{word}”含空格，每项只写一个词")
        return values

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
