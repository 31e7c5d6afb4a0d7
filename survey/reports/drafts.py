"""The program's draft of each report block, written the way the published seed is written,
as claims (claims.py): every sentence with the statements it stands on and its figures.

Pure functions of `ReportData` (no query, no model). The occasion (occasion.py) chooses the
words: 座谈/参会代表 for a round-table, 征求意见/问卷/参与者 for a consultation.
（一） introduces the plan, says how many took part (the count 四 lists), then 一是… per goal:
the goal in the plan's words, its rating with the number of raters, how the plan's declared
respondent types agree or differ on it when they do (consensus_claims.py), the praise placed
under that goal; the office adds its own achievements after each. Praise placed under no goal closes
it. （二） a lead-in, then 一是… per plan category in plan order: the problem as the plan
states it and up to POINT_VOICES voices whose examples fit it, and a note when one declared
type raised it far beyond its share; then the new issues (themes outside the categories that
enough people raised, or that staff kept). （三） per plan measure
the measure as a commitment and the suggestion voices that fit it; the rest under 此外.
（四） a default paragraph. No quotation marks and no percentages: quotes go to the annexes.
A statement is used by its counted kind only: problems in （二）, suggestions in （三）, praise
in （一）, whatever its category.
"""
from __future__ import annotations

import re

from analysis.plan import OTHER

from ..review.models import is_new_issue
from .claims import Claim, Paragraph, block_text
from .consensus_claims import concern_claim, goal_claim
from .data import ReportData
from .figures import figure
from .speech import problem_sentence
from .voices import Group, groups_of, voice
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
POINT_VOICES = 2  # per problem category
NEW_ISSUES = 3
MEASURE_VOICES = 2  # per plan measure
OTHER_SUGGESTIONS = 3
GOAL_PRAISE = 2
OTHER_PRAISE = 3


# ---- small pieces ------------------------------------------------------------------------------

def issue_month(issue_date: str) -> str:
    """"2022-05" → 2022年5月, "2022-05-10" → 2022年5月10日."""
    parts = [int(p) for p in re.findall(r"\d+", issue_date or "")]
    return "".join(f"{n}{u}" for n, u in zip(parts, ("年", "月", "日")))


def sentence(text: str) -> str:
    """Text ending in one full stop."""
    text = (text or "").strip().rstrip("。.；;，,")
    return f"{text}。" if text else ""


def plan_reference(data: ReportData) -> str:
    """《title》（文号，以下简称《规划》）: the first mention, which defines the short title."""
    inside = "，".join(p for p in (data.document_number, f"以下简称{data.short_title}") if p)
    return f"《{data.plan_title}》（{inside}）"


def _fixed(key: str, text: str, basis: str = "plan", **kw) -> Claim:
    return Claim(key=key, text=text, basis=basis, **kw)


def _in_event(data: ReportData) -> str:
    o = data.occasion
    return "此外，" if o.kind == "mixed" else f"{o.event}中，"


# ---- （一） ------------------------------------------------------------------------------------

def _turnout(data: ReportData) -> Claim | None:
    """How many took part, counted as 四 lists them."""
    o, n = data.occasion, data.response_count
    if not n:
        return None
    answers = figure("responses", {}, data, "收回问卷{v}份")
    figures = [answers]
    if o.named and data.organisations:
        units = figure("organisations", {}, data, "{v}家单位")
        figures.append(units)
        text = f"本次{o.event}共有{units.text}{o.joined}，{answers.text}"
        if o.anonymous:
            anonymous = figure("anonymous_answers", {}, data, "匿名填写{v}份")
            figures.append(anonymous)
            text += f"（其中{anonymous.text}）"
    else:
        text = f"本次{o.event}共{answers.text}"
        parts = [figure("answers_of_type", {"type": t}, data, f"{'未填写类型' if t == '未填写' else t}{{v}}份")
                 for t in data.answers_by_type]
        if len(parts) > 1 or (parts and parts[0].args["type"] != "未填写"):
            figures += parts
            text += f"（{'、'.join(f.text for f in parts)}）"
    if any(g.overall.rated for g in data.goals):
        text += f"，{o.person}对各项目标的实施情况逐项打分（5分为最高）"
    return _fixed("turnout", text + "。", "ratings", figures=tuple(figures), droppable=True)


def _level(mean: float) -> str:
    return ("评价很高" if mean >= 4.5 else "评价较高" if mean >= 4.0 else "总体认可" if mean >= 3.5
            else "评价一般" if mean >= 3.0 else "评价偏低")


def _rating(data: ReportData, goal) -> Claim | None:
    o, person, args = goal.overall, data.occasion.person, {"goal": goal.id}
    if o.rated:
        rated = figure("goal_rated", args, data, f"{{v}}位{person}对此项打分")
        mean = figure("goal_mean", args, data, "平均{v}分")
        text, figures = f"{rated.text}，{mean.text}，{_level(o.mean)}", [rated, mean]
        if o.unknown:
            unknown = figure("goal_unknown", args, data, "另有{v}位表示不了解")
            text, figures = f"{text}；{unknown.text}", [*figures, unknown]
    elif o.unknown:
        unknown = figure("goal_unknown", args, data, f"{{v}}位{person}表示对此项不了解")
        text, figures = unknown.text, [unknown]
    else:
        return None
    decision = data.decisions.get(("achievements", f"rating:{goal.id}"))
    return _fixed(f"rating:{goal.id}", text + "。", "ratings", figures=tuple(figures), droppable=True,
                  dropped=bool(decision and decision.dropped), goal=goal.id)


def _praise(data: ReportData) -> tuple[dict[str, list[Claim]], list[Claim]]:
    """Praise voices: per goal (the goal most of a group's statements were placed under) and
    the rest."""
    goals = {g.id for g in data.goals}
    per_goal: dict[str, list[Claim]] = {}
    rest: list[Claim] = []
    for group in groups_of(data.statements, "praise"):
        goal = group.majority("goal", goals)
        into = per_goal.setdefault(goal, []) if goal else rest
        if sum(not c.dropped for c in into) >= (GOAL_PRAISE if goal else OTHER_PRAISE):
            continue
        lead = _in_event(data) if not goal and not any(not c.dropped for c in rest) else ""
        claim = voice("achievements", group, data, key=f"praise:{group.key}", lead=lead)
        if claim:
            into.append(claim)
    return per_goal, rest


def achievements(data: ReportData) -> list[Paragraph]:
    short, issued = data.short_title, issue_month(data.issue_date)
    by = f"由{data.issuing_body}" if data.issuing_body else ""
    goals = figure("goals", {}, data, "{v}项主要目标")
    body = data.implementing_body or data.organisers
    intro = (f"{plan_reference(data)}{by}{'于' + issued if issued else ''}印发实施。"
             f"{short}实施以来，{body}围绕{short}确定的{goals.text}推进各项工作。")
    first = [_fixed("intro", intro, figures=(goals,))]
    turnout = _turnout(data)
    if turnout:
        first.append(turnout)
    paragraphs = [first]
    praise, rest = _praise(data)
    for n, goal in enumerate(data.goals, 1):
        aim = (goal.description or "").strip().rstrip("。")
        text = f"{ordinal(n)}{goal.name}。" + (f"{short}在这方面的目标是：{aim}。" if aim else "")
        paragraph = [_fixed(f"goal:{goal.id}", text, goal=goal.id)]
        rating = _rating(data, goal)
        agreement = goal_claim(data, goal.id)  # how the declared types differ, if they do
        paragraphs.append(paragraph + [c for c in (rating, agreement) if c] + praise.get(goal.id, []))
    if rest:
        paragraphs.append(rest)
    return paragraphs


# ---- （二） ------------------------------------------------------------------------------------

def _voices(block: str, groups: list[Group], data, limit: int, *, first: dict | None = None,
            **kw) -> list[Claim]:
    """Up to `limit` voices staff have not dropped (a dropped one stays listed, for the editor);
    `first`: what the first sentence that stays begins with ("此外，……还……")."""
    out: list[Claim] = []
    for group in groups:
        opening = first if first and not any(not c.dropped for c in out) else {}
        claim = voice(block, group, data, key=f"{group.kind}:{group.key}", **kw, **opening)
        if claim:
            out.append(claim)
        if sum(not c.dropped for c in out) == limit:
            break
    return out


_NO_TOPIC = re.compile(r"^其他(?:问题|建议|肯定意见|意见)(?:（[^）]*）)?$")


def new_issue_groups(data: ReportData) -> list[Group]:
    """Problem groups of the themes outside the plan's categories that count as new issues:
    raised by enough statements or organisations (review.models.is_new_issue), or kept by
    staff (named, or a statement placed there)."""
    themes: dict[int, list] = {}
    for r in data.statements:
        if r.category == OTHER and r.theme_id is not None and r.kind in ("problem", "suggestion"):
            themes.setdefault(r.theme_id, []).append(r)
    kept = set()
    for theme, rows in themes.items():
        speakers = {r.organisation_key or f"#{r.response_id}" for r in rows}
        # the machine's 其他问题 (analysis.theme_names: its members share no words) is no issue: its
        # statements are fragments of different answers, and "4位参与者反映…等问题" would be untrue
        topicless = rows[0].theme_machine_label and _NO_TOPIC.match(rows[0].theme_label) is not None
        if (is_new_issue(len(rows), len(speakers)) and not topicless) or not rows[0].theme_machine_label \
                or any(r.reviewed for r in rows):
            kept.add(theme)
    return [g for g in groups_of([r for r in data.statements if r.category == OTHER], "problem") if g.theme in kept]


def problems(data: ReportData) -> list[Paragraph]:
    rows = [r for r in data.statements if r.kind == "problem" and r.category]
    points: list[list[Claim]] = []
    for category in data.categories:
        members = [r for r in rows if r.category == category.id]
        point = problem_sentence(category)
        voices = _voices("problems", groups_of(members, "problem"), data, POINT_VOICES,
                         fit={"category": category.id}, use_name=True)
        if voices:
            dropped = all(v.dropped for v in voices)
            concern = concern_claim(data, category.id, tuple(r.id for r in members), dropped=dropped)
            points.append([Claim(key=f"point:{category.id}", text=point, basis="plan",
                                 statements=tuple(i for v in voices if not v.dropped for i in v.statements),
                                 dropped=dropped), *voices, *([concern] if concern else [])])
    n = 0
    for point in points:
        if not point[0].dropped:
            n += 1
            point[0].text = ordinal(n) + point[0].text
    # "此外，5位参会代表还反映了……等问题。"
    fresh = _voices("problems", new_issue_groups(data), data, NEW_ISSUES, use_name=True,
                    first={"lead": "此外，", "also": True})
    used = [c for p in points for c in p[1:] if not c.dropped] + [c for c in fresh if not c.dropped]
    if not used:
        return [[c for p in points for c in p] + fresh] if points or fresh else []
    short, person = data.short_title, data.occasion.person
    lead = _fixed("lead", f"{short}实施以来，各项工作虽取得了一定成效，但对照{short}目标和{person}的反映，"
                          "还存在一些差距和不足。", "statements",
                  statements=tuple(i for c in used for i in c.statements))
    out = [[lead], [c for p in points for c in p]]
    return out + ([fresh] if fresh else [])


# ---- （三） ------------------------------------------------------------------------------------

def measures(data: ReportData) -> list[Paragraph]:
    by_id = {m.id: m for m in data.measures}
    placed: dict[str, list[Group]] = {}
    others: list[Group] = []
    for group in groups_of(data.statements, "suggestion"):
        # each suggestion under the measure the analysis found it fits (analysis.measures), the
        # rest among the others: a theme whose suggestions fit different measures, or some none,
        # is split (by statement ids), never placed whole by the vote of one of them
        parts: dict[str | None, list] = {}
        for r in group.rows:
            parts.setdefault(r.measure if r.measure in by_id else None, []).append(r)
        for target, rows in parts.items():
            part = group if len(parts) == 1 else Group(group.kind, None, rows)
            if target is None:  # fits no measure: 其他建议, never forced onto the nearest
                others.append(part)
            else:
                placed.setdefault(target, []).append(part)
    paragraphs = []
    for n, m in enumerate(data.measures, 1):
        claims: list[Claim] = []
        for group in placed.get(m.id, []):
            if sum(not c.dropped for c in claims) == MEASURE_VOICES:
                break
            claim = voice("measures", group, data, key=f"suggestion:{group.key}", fit={"measure": m.id})
            if claim:
                claims.append(claim)
            else:  # its words do not fit the measure: one of the others
                others.append(group)
        paragraphs.append([_fixed(f"measure:{m.id}", f"{ordinal(n)}{m.name}。{sentence(m.description)}"), *claims])
    others.sort(key=lambda g: (-len({r.response_id for r in g.rows}), -len(g.rows), min(r.id for r in g.rows)))
    first = {"lead": "此外，", "also": True} if data.measures else None
    rest = _voices("measures", others, data, OTHER_SUGGESTIONS, first=first)
    return paragraphs + ([rest] if rest else [])


# ---- the rest ------------------------------------------------------------------------------------

def application(data: ReportData) -> list[Paragraph]:
    body = data.implementing_body or data.organisers
    names = "、".join(m.name for m in data.measures[:4])
    focus = f"围绕{names}等重点任务，" if names else ""
    return [[_fixed("application", f"{body}将以此次评价为契机，认真吸纳{data.occasion.units}的意见建议，强化跟踪问效，"
                                   f"{focus}进一步细化措施，推动{data.short_title}各项目标任务落实落地。")]]


def _session_lines(key: str, lines: list[str]) -> list[Paragraph]:
    return [[_fixed(f"{key}:{i}", line, "session")] for i, line in enumerate(lines) if line]


def draft_claims(data: ReportData) -> dict[str, list[Paragraph]]:
    """Every block's draft as claims, keyed as in BLOCKS (computed once per ReportData)."""
    if data.claims is None:
        data.claims = {
            "forms": _session_lines("forms", [data.forms]),
            "organisers": _session_lines("organisers", [data.organisers]),
            "time_place": _session_lines("time_place", [place_line(s) for s in data.sessions]),
            "achievements": achievements(data),
            "problems": problems(data),
            "measures": measures(data),
            "application": application(data),
        }
    return data.claims


def draft_blocks(data: ReportData) -> dict[str, str]:
    """Every block's program draft as text, keyed as in BLOCKS."""
    return {key: block_text(paragraphs) for key, paragraphs in draft_claims(data).items()}
