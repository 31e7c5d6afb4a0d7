"""The report's Chinese sentences, shared by the Word and HTML renderers so both say the same."""
from __future__ import annotations

from .data import SCORES, CategorySection, GoalSection, Quote, ReportData, ThemeSection

_DIGITS = "零一二三四五六七八九"
MACHINE_MARK = "〔主题名称由程序归纳，未经审核〕"
UNREVIEWED_QUOTE_MARK = "〔未审核〕"
MAX_SUGGESTIONS = 8


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def ordinal(n: int) -> str:
    """一是, 二是 … (n from 1)."""
    return f"{cn_number(n)}是"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def scope_note(data: ReportData) -> str:
    basis = "仅统计工作人员已审核的意见" if data.reviewed_only else "统计全部意见（含尚未审核的程序归类）"
    masked = "个人信息已遮盖" if data.masked else "未遮盖个人信息，仅供内部使用"
    return (f"（草稿：依据 {data.response_count} 份问卷、{data.counted} 条意见生成，其中已审核 {data.reviewed} 条；"
            f"{basis}；{masked}；生成于 {data.generated_at:%Y-%m-%d %H:%M}。）")


def place_line(session) -> str:
    return f"{session.date}{session.place}组织开展" if session.place else f"{session.date}组织开展"


def goals_intro(data: ReportData) -> str:
    return (f"{data.short_title}实施以来的进展情况，由参会人员对{data.short_title}确定的 {len(data.goals)} 项主要目标"
            f"逐项打分（1 分最低，5 分最高，也可选择“不了解”）。本次评价共收到问卷 {data.response_count} 份，各项目标得分情况如下。")


def goal_sentences(goal: GoalSection) -> str:
    o = goal.overall
    if not (o.rated or o.unknown):
        return "本项尚无打分。"
    parts = [f"共 {o.rated} 人打分，平均 {o.mean_text} 分"]
    if o.unknown:
        parts.append(f"{o.unknown} 人表示不了解")
    dist = "，".join(f"{s} 分 {o.distribution[s]} 人" for s in reversed(SCORES) if o.distribution[s])
    text = "，".join(parts) + (f"；其中{dist}" if dist else "") + "。"
    if len(goal.by_type) > 1:
        by = "，".join(f"{kind}平均 {s.mean_text} 分（{s.rated} 人打分）" for kind, s in goal.by_type.items()
                      if s.rated)
        if by:
            text += f"分单位类型看，{by}。"
    return text


def by_type_text(by_type: dict[str, int]) -> str:
    return "，".join(f"{kind} {n} 条" for kind, n in by_type.items())


def category_lead(n: int | None, category: CategorySection) -> str:
    head = f"{ordinal(n)}{category.name}。" if n else f"{category.name}。"
    if not category.count:
        return head + "本次评价中未收到此类意见。"
    text = head + f"共 {category.count} 条意见，占全部意见的 {percent(category.share)}（{by_type_text(category.by_type)}）"
    if category.unreviewed:
        text += f"，其中 {category.unreviewed} 条尚未经工作人员审核"
    return text + "。"


def theme_head(theme: ThemeSection) -> str:
    mark = MACHINE_MARK if theme.machine_label else ""
    return f"{theme.label}{mark}（{theme.count} 条：{by_type_text(theme.by_type)}）"


def quote_text(q: Quote) -> str:
    return f"“{q.text}”（{q.organisation_type}）" + ("" if q.reviewed else UNREVIEWED_QUOTE_MARK)


def quotes_text(quotes: list[Quote]) -> str:
    return "；".join(quote_text(q) for q in quotes)


def suggestions_text(quotes: list[Quote], limit: int = MAX_SUGGESTIONS) -> str:
    shown = quotes_text(quotes[:limit])
    if len(quotes) > limit:
        shown += f"等 {len(quotes)} 条"
    return shown


def problems_intro(data: ReportData) -> str:
    if not data.counted:
        return "尚无可统计的意见（尚未分析，或在“仅已审核意见”口径下还没有审核过的意见）。"
    return (f"对参会人员在“存在问题”“意见建议”中提出的 {data.counted} 条意见进行归类，按{data.short_title}"
            f"梳理的问题类别统计如下；每类之下按主题列出，原话只注明单位类型，不注明个人。")
