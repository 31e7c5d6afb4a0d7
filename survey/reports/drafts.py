"""The program's draft of each report block, written the way the published seed is written.

Pure functions of `ReportData` (no query, no model): 一 to 三 from the session records;
（一） introduces the plan from its metadata, then 一是… per goal with one clause on how
participants rated it (the office adds its own achievements), closing with what participants
praised; （二） a lead-in, then 一是… per
problem category in plan order: the problem as a sentence and one sentence built from its
themes (staff's names, else a clause of the theme's most telling statement), then problems
staff kept from 未归类/新问题; （三） per plan measure the measure as a commitment and the
suggestions mapped to it as clauses, the rest in a closing sentence; （四） a default paragraph.
No quotation marks and no percentages in any of them: quotes and figures go to the annexes.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from analysis.plan import OTHER

from .data import CategorySection, GoalSection, ReportData, StatementRow
from .wording import ordinal, place_line

# (key, heading) in document order: the blocks staff can edit.
BLOCKS = (
    ("forms", "一、政策评价形式"),
    ("organisers", "二、组织实施单位"),
    ("time_place", "三、时间地点"),
    ("achievements", "（一）政策实施情况及取得成效"),
    ("problems", "（二）存在问题"),
    ("measures", "（三）整改措施"),
    ("application", "（四）政策评价运用情况"),
)
HEADINGS = dict(BLOCKS)
THEMES_PER_POINT = 3
OTHER_SUGGESTIONS = 4
CLAUSE_MIN, CLAUSE_MAX = 10, 32  # a short opening clause takes the next one with it
# How a group of participants is named: "多位企业代表反映……".
_WHO = {"高校/科研院所": "高校院所", "企业": "企业", "服务机构": "服务机构", "政府部门": "部门"}
_VERBS = ("反映", "提到", "认为")
_TURNS = ("但", "却", "可是", "然而")
_CUES = ("建议", "希望", "应当", "应该", "要")
_SPLIT = re.compile(r"(?<=[，,；;])|(?=[。！？!?\n])")
_PRAISE_VERBS = ("认为", "提到", "表示")
_PRAISE_FILLERS = re.compile(r"^(?:总的来说|总的来看|总体来说|总体来看|总体上|整体上|总体|整体|感觉|我觉得|觉得)+[，,]?")
_LEAD_FILLERS = re.compile(r"^(?:另一方面|一方面|其实|感觉|目前|现在|我们|我|但是|但|而且|另外|此外|建议|希望|能不能|可以|最好|尽量)+")


# ---- what a statement is -------------------------------------------------------------------------
# A statement's kind (problem / suggestion / praise / none, analysis.kinds) says where it goes:
# problems feed （二）, suggestions （三）, praise （一）. Rows stored before kinds existed fall back
# to the answer's field (存在问题 / 意见建议).

def _kind(row: StatementRow) -> str | None:
    return getattr(row, "kind", None) or None


def is_problem(row: StatementRow) -> bool:
    kind = _kind(row)
    return kind == "problem" if kind else row.field == "problems"


def is_suggestion(row: StatementRow) -> bool:
    kind = _kind(row)
    return kind == "suggestion" if kind else row.field == "suggestions"


def is_praise(row: StatementRow) -> bool:
    return _kind(row) == "praise"


# ---- small pieces ------------------------------------------------------------------------------

def issue_month(issue_date: str) -> str:
    """"2022-05" → 2022年5月, "2022-05-10" → 2022年5月10日."""
    parts = [int(p) for p in re.findall(r"\d+", issue_date or "")]
    units = ("年", "月", "日")
    return "".join(f"{n}{u}" for n, u in zip(parts, units))


def sentence(text: str) -> str:
    """Text ending in one full stop."""
    text = (text or "").strip().rstrip("。.；;，,")
    return f"{text}。" if text else ""


def clause(text: str, *, suggestion: bool = False) -> str:
    """The opening of a statement as a clause (the next one too while it is short or turns with
    "但", up to CLAUSE_MAX characters), without a leading "我们/建议/希望" and without the
    closing punctuation; a suggestion starts at its cue ("……不错，建议……")."""
    text = re.sub(r"\s+", "", text or "")
    pieces = [p for p in _SPLIT.split(text) if p]
    if suggestion:  # "宣传做得不错，建议……": the suggestion starts at its cue
        cue = next((i for i, p in enumerate(pieces[:4]) if p.startswith(_CUES)), 0)
        pieces = pieces[cue:]
    if pieces:
        pieces[0] = _LEAD_FILLERS.sub("", pieces[0])
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if piece[0] in "。！？!?":
            break
        turn = piece.startswith(_TURNS)  # "……不少，但……": the problem is after the turn
        if out and (len(out) + len(piece) > CLAUSE_MAX or (len(out) >= CLAUSE_MIN and not turn)):
            break
        out += piece
    out = out.strip("，,；;、：: ")
    return out


def ranked(rows: list[StatementRow]) -> list[StatementRow]:
    """Statements staff placed first, then the machine's most confident; none with contact details."""
    return sorted((r for r in rows if not r.has_contact),
                  key=lambda r: (not r.reviewed, -r.confidence, r.id))


def who(rows: list[StatementRow]) -> str:
    """多位企业代表 / 有参会代表 …: how many answers, and their organisation type when one dominates."""
    people = {r.response_id: r.organisation_type for r in rows}
    kind, n = Counter(people.values()).most_common(1)[0] if people else ("", 0)
    noun = _WHO.get(kind, "参会") if n * 3 >= len(people) * 2 else "参会"
    return f"多位{noun}代表" if len(people) > 1 else f"有{noun}代表"


def theme_groups(rows: list[StatementRow], *, singles: bool = False) -> list[list[StatementRow]]:
    """Rows grouped by theme, the groups most people spoke to first. singles: a row with no
    theme stands alone (praise has none until staff group it) instead of joining the others."""
    groups: dict[object, list[StatementRow]] = defaultdict(list)
    for r in rows:
        groups[r.theme_id if r.theme_id is not None or not singles else ("row", r.id)].append(r)
    return sorted(groups.values(), key=lambda g: (-len({r.response_id for r in g}), -len(g), g[0].id))


def group_clause(group: list[StatementRow], *, use_staff_name: bool = True, suggestion: bool = False) -> str:
    """A theme's name when staff gave it, else a clause of its most telling statement."""
    first = group[0]
    if use_staff_name and first.theme_id is not None and not first.theme_machine_label and first.theme_label:
        return first.theme_label.strip().rstrip("。")
    for r in ranked(group):
        c = clause(r.text, suggestion=suggestion)
        if len(c) >= 4:
            return c
    return ""


def voices(groups: list[list[StatementRow]], limit: int = THEMES_PER_POINT, *, verbs=_VERBS,
           clause_of=group_clause) -> str:
    """"多位企业代表反映……；有高校院所代表提到……。" from the largest groups (a group whose
    clause is empty is skipped)."""
    parts, seen = [], set()
    for group in groups:
        c = clause_of(group)
        if not c or c in seen:
            continue
        seen.add(c)
        parts.append(f"{who(group)}{verbs[len(parts) % len(verbs)]}{c}")
        if len(parts) == limit:
            break
    return sentence("；".join(parts))


def problem_sentence(category: CategorySection) -> str:
    """The plan's wording of the problem: its description up to the colon, else its first sentence."""
    text = (category.description or "").strip()
    head = re.split(r"[：:。]", text, maxsplit=1)[0] if text else ""
    return sentence(head or f"{category.name}方面还存在不足")


def rating_clause(goal: GoalSection) -> str:
    o = goal.overall
    if o.mean is None:
        return "参会人员对此项未打分" if not o.unknown else "参会人员多表示对此项不了解"
    mean = o.mean
    level = ("评价很高" if mean >= 4.5 else "评价较高" if mean >= 4.0 else "总体认可" if mean >= 3.5
             else "评价一般" if mean >= 3.0 else "评价偏低")
    text = f"参会人员对此项{level}，平均{mean:.1f}分"
    if o.unknown * 2 >= o.rated + o.unknown:
        text += f"，另有{o.unknown}人表示不了解"
    return text


# ---- the blocks ----------------------------------------------------------------------------------

def plan_reference(data: ReportData) -> str:
    """《title》（文号，以下简称《规划》）: the first mention, which defines the short title."""
    inside = "，".join(p for p in (data.document_number, f"以下简称{data.short_title}") if p)
    return f"《{data.plan_title}》（{inside}）"


def achievements(data: ReportData) -> str:
    short = data.short_title
    issued = issue_month(data.issue_date)
    by = f"由{data.issuing_body}" if data.issuing_body else ""
    intro = f"{plan_reference(data)}{by}{'于' + issued if issued else ''}印发实施。"
    body = data.implementing_body or data.organisers
    intro += f"{short}实施以来，{body}围绕{short}确定的{len(data.goals)}项主要目标推进各项工作。"
    if data.response_count:
        intro += f"本次评价中，{data.response_count}位参会代表对各项目标的实施情况逐项打分（5分为最高）。"
    lines = [intro]
    for n, goal in enumerate(data.goals, 1):
        aim = (goal.description or "").strip().rstrip("。")
        text = f"{ordinal(n)}{goal.name}。" + (f"围绕{aim}推进各项工作，" if aim else "")
        lines.append(text + sentence(rating_clause(goal)))
    acknowledged = acknowledgements(data)
    if acknowledged:
        lines.append(acknowledged)
    return "\n".join(lines)


def acknowledgements(data: ReportData) -> str:
    """What participants praised, as one closing paragraph of （一）: "座谈中，参会代表对《规划》
    实施以来的工作给予肯定：多位企业代表认为……；有高校院所代表提到……。" """
    said = voices(theme_groups([r for r in data.statements if is_praise(r)], singles=True),
                  verbs=_PRAISE_VERBS, clause_of=_praise_clause)
    return f"座谈中，参会代表对{data.short_title}实施以来的工作给予肯定：{said}" if said else ""


def _praise_clause(group: list[StatementRow]) -> str:
    """The group's clause without its opening "总体感觉…", or "" when too little is left."""
    c = _PRAISE_FILLERS.sub("", group_clause(group))
    return c if len(c) >= 4 else ""


def _kept_new_issues(rows: list[StatementRow]) -> list[list[StatementRow]]:
    """Themes of 未归类/新问题 that staff kept: named, or with a statement staff placed there."""
    kept = []
    for group in theme_groups(rows):
        first = group[0]
        named = first.theme_id is not None and not first.theme_machine_label
        if named or any(r.reviewed for r in group):
            kept.append(group)
    return kept


def problems(data: ReportData) -> str:
    rows = [r for r in data.statements if is_problem(r)]
    per_category: dict[str, list[StatementRow]] = defaultdict(list)
    for r in rows:
        per_category[r.category].append(r)
    points = []
    for category in data.categories:
        members = per_category.get(category.id)
        if members:
            points.append(problem_sentence(category) + voices(theme_groups(members)))
    for group in _kept_new_issues(per_category.get(OTHER, [])):
        head = group_clause(group)
        if head:
            detail = group_clause(group, use_staff_name=False)
            tail = f"{who(group)}反映{detail}。" if detail and detail != head else f"{who(group)}反映了这方面的问题。"
            points.append(sentence(head) + tail)
    if not points:
        return "本次评价中，参会人员未集中反映问题。"
    lead = (f"{data.short_title}实施以来，各项工作虽取得了一定成效，但对照{data.short_title}目标和参会人员的反映，"
            "还存在一些差距和不足。")
    return "\n".join([lead, "".join(f"{ordinal(n)}{p}" for n, p in enumerate(points, 1))])


def measures(data: ReportData) -> str:
    rows = [r for r in data.statements if is_suggestion(r)]
    ids = {m.id for m in data.measures}
    per_measure: dict[str | None, list[StatementRow]] = defaultdict(list)
    for r in rows:
        per_measure[r.measure if r.measure in ids else None].append(r)
    lines = []
    for n, measure in enumerate(data.measures, 1):
        text = f"{ordinal(n)}{measure.name}。{sentence(measure.description)}"
        clauses = _clauses(per_measure.get(measure.id, []), THEMES_PER_POINT)
        if clauses:
            text += f"结合参会人员建议，{sentence('；'.join(clauses))}"
        lines.append(text)
    others = _clauses(per_measure.get(None, []), OTHER_SUGGESTIONS)
    if others:
        lines.append(f"此外，参会人员还建议{sentence('；'.join(others))}")
    if not lines:
        lines.append("结合参会人员的意见建议，进一步完善相关措施。")
    return "\n".join(lines)


def _clauses(rows: list[StatementRow], limit: int) -> list[str]:
    out: list[str] = []
    for group in theme_groups(rows):
        c = group_clause(group, use_staff_name=False, suggestion=True)
        if c and c not in out:
            out.append(c)
        if len(out) == limit:
            break
    return out


def application(data: ReportData) -> str:
    body = data.implementing_body or data.organisers
    names = "、".join(m.name for m in data.measures[:4])
    focus = f"围绕{names}等重点任务，" if names else ""
    return (f"{body}将以此次评价为契机，认真吸纳参会单位的意见建议，强化跟踪问效，{focus}"
            f"进一步细化措施，推动{data.short_title}各项目标任务落实落地。")


def draft_blocks(data: ReportData) -> dict[str, str]:
    """Every block's program draft, keyed as in BLOCKS."""
    return {
        "forms": data.forms,
        "organisers": data.organisers,
        "time_place": "\n".join(place_line(s) for s in data.sessions) or "—",
        "achievements": achievements(data),
        "problems": problems(data),
        "measures": measures(data),
        "application": application(data),
    }
