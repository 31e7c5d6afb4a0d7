"""The report's Chinese wording shared by the Word and HTML renderers, so both say the same:
numbering, 四's tables, the annexes' tables and lines, and the staff-only scope note (shown in
the app, never written into the document). Theme names the program made are marked with "*"
in the annexes (and a note says so), or left out when staff chose to list only their own names
(`data.theme_names == "confirmed"`)."""
from __future__ import annotations

from analysis.consensus import TOO_FEW, GoalConsensus
from analysis.consensus_text import ANNEX_HEADER, annex_note, annex_rows

from .data import SCORES, CategorySection, GoalSection, Quote, ReportData, ThemeSection

_DIGITS = "零一二三四五六七八九"
ANNEXES = ("评分统计", "意见摘编", "意见明细表")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def ordinal(n: int) -> str:
    """一是, 二是 … (n from 1)."""
    return f"{cn_number(n)}是"


def place_line(session) -> str:
    return f"{session.date}{session.place}组织开展" if session.place else f"{session.date}组织开展"


def scope_note(data: ReportData) -> str:
    """For staff, beside the report in the app: what the figures rest on."""
    basis = "仅统计工作人员已审核的意见" if data.reviewed_only else "统计全部意见（含尚未审核的程序归类）"
    masked = "个人信息已遮盖" if data.masked else "未遮盖个人信息，仅供内部查看"
    note = (f"依据 {data.response_count} 份问卷、{data.counted} 条意见，其中已审核 {data.reviewed} 条；"
            f"{basis}；{masked}；生成于 {data.generated_at:%Y-%m-%d %H:%M}。")
    if data.reviewed_only and not data.reviewed:
        # before any review this report has no participant's statement at all: say so, not an empty （二）
        note += "还没有已审核的意见，存在问题等段落中没有参与者的意见；请先审核意见，或统计全部意见。"
    return note


# ---- 附件1 评分统计 -----------------------------------------------------------------------------

RATING_HEADER = ["目标", "打分人数", "平均分", *[f"{s}分" for s in reversed(SCORES)], "不了解"]


def rating_rows(goals: list[GoalSection]) -> list[list[str]]:
    return [[g.name, str(g.overall.rated), g.overall.mean_text,
             *[str(g.overall.distribution[s]) for s in reversed(SCORES)], str(g.overall.unknown)] for g in goals]


def type_table(goals: list[GoalSection]) -> tuple[list[str], list[list[str]]]:
    """Mean score per goal and organisation type ("4.20（5）": mean and raters)."""
    kinds = list(dict.fromkeys(k for g in goals for k in g.by_type))
    rows = [[g.name, *[f"{g.by_type[k].mean_text}（{g.by_type[k].rated}）" if k in g.by_type and g.by_type[k].rated
                       else "—" for k in kinds]] for g in goals]
    return ["目标", *kinds], rows


# 附件1's part on the respondent types (analysis.consensus_text writes the rows and the note)
CONSENSUS_HEAD = "各类参与者对各项目标的评价（按规划确定的参与者类型）："
CONSENSUS_HEADER = ANNEX_HEADER
CONSENSUS_WIDTHS = [2.4, 2.0, 1.5, 1.6, 1.4, 1.6, 1.3, 3.8]  # cm, 15.6 in all


def consensus_goals(data: ReportData) -> list[GoalConsensus]:
    """The goals annex 1's table lists: those anyone answered."""
    return [g for g in data.consensus.goals if g.overall.answered] if data.consensus else []


def consensus_rows(data: ReportData) -> list[list[str]]:
    """annex_rows with the goal named once, on its 全部 row."""
    rows = annex_rows(consensus_goals(data))
    return [row if row[1] == "全部" else ["", *row[1:]] for row in rows]


def consensus_note() -> str:
    return annex_note()


def charted_goals(data: ReportData) -> list[GoalConsensus]:
    """Goals with a chart by type: those compared (样本不足 has only the table)."""
    return [g for g in consensus_goals(data) if not g.has(TOO_FEW)]


# ---- 附件2 意见摘编 -----------------------------------------------------------------------------

THEME_NAMES = {"mark": "标注自动归纳的主题名称", "confirmed": "只列工作人员确认的主题名称"}
MACHINE_MARK = "*"
MACHINE_NOTE = "主题名称后标“*”的，系根据意见内容自动归纳，未经人工确认。"
OTHER_OPINIONS = "其他意见"


def annex_categories(data: ReportData) -> list[CategorySection]:
    found = [c for c in data.categories if c.count]
    return found + ([data.new_issues] if data.new_issues and data.new_issues.count else [])


def _machine(theme: ThemeSection) -> bool:
    return theme.machine_label and theme.id is not None


def theme_line(theme: ThemeSection, *, mark: bool = False) -> str:
    return f"{theme.label}{MACHINE_MARK if mark and _machine(theme) else ''}（{theme.count}条）"


def annex_themes(category: CategorySection, mode: str = "mark") -> list[tuple[str, list[Quote]]]:
    """附件2's lines of one category: (lead, quotes). In "confirmed" mode the themes no one on
    staff named are listed together as 其他意见, with quotes from the largest."""
    if mode != "confirmed":
        return [(theme_line(t, mark=True), t.quotes) for t in category.themes]
    named = [t for t in category.themes if not _machine(t)]
    rest = [t for t in category.themes if _machine(t)]
    out = [(theme_line(t), t.quotes) for t in named]
    if rest:
        quotes = [q for t in rest for q in t.quotes[:1]][:3]
        out.append((f"{OTHER_OPINIONS}（{sum(t.count for t in rest)}条）", quotes))
    return out


def machine_names_shown(data: ReportData) -> bool:
    """The annexes print a theme name the program made (and so carry MACHINE_NOTE)."""
    return data.theme_names != "confirmed" and any(_machine(t) for c in annex_categories(data) for t in c.themes)


# ---- 四、参与人员 ------------------------------------------------------------------------------

PARTICIPANT_HEADER = ["序号", "单位", "人员"]
ANSWER_TYPE_HEADER = ["类型", "问卷数"]


def participant_rows(data: ReportData) -> list[list[str]]:
    return [[str(i), p.organisation, p.person] for i, p in enumerate(data.participants, 1)]


def answer_type_rows(data: ReportData) -> list[list[str]]:
    """An anonymous consultation's 四: answers per respondent type, no names, and the total."""
    if not data.answers_by_type:
        return []
    rows = [["未填写类型" if kind == "未填写" else kind, str(n)] for kind, n in data.answers_by_type.items()]
    return rows + [["合计", str(sum(data.answers_by_type.values()))]]


def ratings_intro(data: ReportData) -> str:
    if data.goals and not any(g.overall.rated or g.overall.unknown for g in data.goals):
        # messages imported as text alone rate nothing: the sentence must not say they did
        return (f"本次评价共收到问卷{data.response_count}份，均未对{data.short_title}确定的"
                f"{len(data.goals)}项主要目标打分，下表各项为0。")
    return (f"本次评价共收到问卷{data.response_count}份，{data.occasion.person}对{data.short_title}确定的"
            f"{len(data.goals)}项主要目标逐项打分（1分最低，5分最高，也可选择“不了解”）。")


def quote_text(q: Quote) -> str:
    # An anonymous answer may carry no type: no empty "（）" after its quote.
    return f"“{q.text}”（{q.organisation_type}）" if q.organisation_type else f"“{q.text}”"


def quotes_text(quotes: list[Quote]) -> str:
    return "；".join(quote_text(q) for q in quotes)


# ---- 附件3 意见明细表 ---------------------------------------------------------------------------

STATEMENT_HEADER = ["序号", "意见", "单位类型", "类别", "主题"]


def statement_rows(data: ReportData) -> list[list[str]]:
    """Every counted statement; contact details cut out, and left out when little else is said."""
    rows = []
    for s in data.statements:
        if s.outside_text:
            theme = s.theme_label
            if theme and s.theme_machine_label:
                theme = "" if data.theme_names == "confirmed" else theme + MACHINE_MARK
            rows.append([str(len(rows) + 1), s.outside_text, s.organisation_type, s.category_name, theme])
    return rows
