"""The report's words for consensus and divergence (analysis.consensus computes, this writes):
annex 1's table rows, one sentence per flagged goal for （一）, and the note for （二） when a
problem is one type's concern. Every figure in a sentence is a cell of `annex_rows` (or, for
"其他各类", the sum of the other declared types' rows), so a check can recompute it.

The wording follows the occasion (`Voice`): a round-table speaks of 参会代表 and 企业代表, an
anonymous or online consultation of 参与者 and 企业参与者. Types are the plan's declared
respondent types and the text says so (`annex_note`); no sentence calls them opinion groups.
Like the rest of the report's body: no quotation marks, no percentages, figures written
without spaces (10人中3人认可).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .consensus import (
    CONCERN,
    CONSENSUS,
    DIVERGENCE,
    LOW,
    MIN_TYPE_RATINGS,
    SHARED,
    TOO_FEW,
    UNCERTAIN,
    UNSTATED,
    GoalConsensus,
    Tally,
    TopicSpread,
    TypeTally,
    total,
)

# How a type is named in a sentence: 高校院所代表, 群众参与者 …
_SHORT = {"高校/科研院所": "高校院所", "个人/群众": "群众"}
_ROUND_TABLE_SHORT = {**_SHORT, "其他": "其他单位"}
MEETING_FORMS = ("专题座谈会", "专家论证会")  # people in a room: 参会代表


@dataclass(frozen=True)
class Voice:
    """How the text names the people who answered."""

    round_table: bool

    @property
    def everyone(self) -> str:
        return "参会代表" if self.round_table else "参与者"

    def short(self, kind: str) -> str:
        return (_ROUND_TABLE_SHORT if self.round_table else _SHORT).get(kind, kind)

    def who(self, kind: str) -> str:
        """企业代表 (round-table), 企业参与者 (consultation)."""
        return f"{self.short(kind)}{'代表' if self.round_table else '参与者'}"


ROUND_TABLE = Voice(True)
CONSULTATION = Voice(False)


def voice_for(sessions: Iterable[tuple[bool, str]]) -> Voice:
    """The voice for an evaluation's sessions, given as (anonymous, form): 参会代表 only when every
    session is a named meeting (a round-table pooled with an online questionnaire says 参与者)."""
    sessions = list(sessions)
    meeting = bool(sessions) and all(not anonymous and form in MEETING_FORMS for anonymous, form in sessions)
    return ROUND_TABLE if meeting else CONSULTATION


# ---- （一）: one sentence per flagged goal -------------------------------------------------------

def _of(n: int, agree: int) -> str:
    return f"{n}人中{agree}人认可"


def divergence_clauses(goal: GoalConsensus, voice: Voice, subject: str | None = None) -> list[str]:
    """"企业代表对知识产权服务能力评价偏低（10人中3人认可，其他各类22人中18人认可）" per divergent type."""
    out = []
    for i, d in enumerate(goal.divergences):
        about = (subject or goal.goal_name) if i == 0 else "此项"
        level = "偏低" if d.direction == LOW else "较高"
        also = "也" if i and d.direction == goal.divergences[0].direction else ""
        out.append(f"{voice.who(d.type)}对{about}评价{also}{level}"
                   f"（{_of(d.tally.n, d.tally.agree)}，其他各类{_of(d.rest.n, d.rest.agree)}）")
    return out


def consensus_clause(goal: GoalConsensus, voice: Voice, subject: str | None = None) -> str:
    """"各类参会代表普遍认可知识产权创造（高校院所代表9人中7人认可，企业代表24人中20人认可；服务机构、
    政府部门代表共4人中3人认可）": the compared types one by one, the types too small to compare together."""
    parts = [f"{voice.who(t.type)}{_of(t.tally.n, t.tally.agree)}" for t in goal.compared]
    small = [t for t in goal.types if t.declared and not t.compared and t.tally.n]
    tail = ""
    if len(small) == 1:
        tail = f"；{voice.who(small[0].type)}{_of(small[0].tally.n, small[0].tally.agree)}"
    elif small:  # named together: each alone is too few to compare
        rest = _uncompared(goal)
        names = "、".join(voice.short(t.type) for t in small)
        tail = f"；{names}{'代表' if voice.round_table else '参与者'}共{_of(rest.n, rest.agree)}"
    return f"各类{voice.everyone}普遍认可{subject or goal.goal_name}（{'，'.join(parts)}{tail}）"


def uncertain_clause(goal: GoalConsensus, voice: Voice, subject: str | None = None) -> str:
    """"参会代表对……的评价尚不明确（40人中14人评为3分，3人表示不了解）"."""
    o = goal.overall
    parts = [p for p in (f"{o.neutral}人评为3分" if o.neutral else "",
                         f"{o.unknown}人表示不了解" if o.unknown else "") if p]
    return f"{voice.everyone}对{subject or goal.goal_name}的评价尚不明确（{o.answered}人中{'，'.join(parts)}）"


def goal_sentence(goal: GoalConsensus, voice: Voice, subject: str | None = None) -> str:
    """One sentence for （一） about a flagged goal, or "" (no flag, or only 样本不足: nothing to
    say). `subject`: how the sentence names the goal (its name; "此项" inside the goal's own
    paragraph). 分歧 and 不确定 can both be said; 共识 and 分歧 never come together."""
    parts: list[str] = []
    if goal.has(CONSENSUS):
        parts.append(consensus_clause(goal, voice, subject))
    if goal.has(DIVERGENCE):
        parts.extend(divergence_clauses(goal, voice, subject))
    if goal.has(UNCERTAIN):
        parts.append(uncertain_clause(goal, voice, "此项" if parts else subject))
    return "；".join(parts) + "。" if parts else ""


def goal_sentences(goals: Sequence[GoalConsensus], voice: Voice) -> dict[str, str]:
    """goal id → its sentence, for the goals that have one."""
    return {g.goal_id: s for g in goals if (s := goal_sentence(g, voice))}


def _uncompared(goal: GoalConsensus) -> Tally:
    return total(t.tally for t in goal.types if t.declared and not t.compared)


# ---- （二）: a problem that is one type's concern ---------------------------------------------------

def problem_note(topic: TopicSpread, voice: Voice, *, shared: bool = False) -> str:
    """"此问题主要由企业代表反映（反映此问题的9人中7人为企业代表，企业代表占全部30名参会代表中的10名）。"
    for a topic that is one type's concern; with `shared`, also "各类参会代表均有反映（…）。";
    else ""."""
    if topic.flag == CONCERN:
        t = topic.of(topic.concern_type)
        who = voice.who(t.type)
        return (f"此问题主要由{who}反映（反映此问题的{topic.people}人中{t.people}人为{who}，"
                f"{who}占全部{topic.participants}名{voice.everyone}中的{t.participants}名）。")
    if shared and topic.flag == SHARED:
        named = "，".join(f"{voice.who(t.type)}{t.people}人" for t in topic.types if t.type != UNSTATED)
        return f"各类{voice.everyone}均有反映（{named}）。"
    return ""


def topic_mark(topic: TopicSpread) -> str:
    """The mark of a theme or category for staff: 主要为企业关注, 各类共同关注, or ""."""
    if topic.flag == CONCERN:
        return f"主要为{topic.concern_type}关注"
    return "各类共同关注" if topic.flag == SHARED else ""


# ---- annex 1: the table ---------------------------------------------------------------------------

ANNEX_HEADER = ["目标", "单位类型", "打分人数", "认可（4–5分）", "中立（3分）", "不认可（1–2分）", "不了解", "说明"]


def type_note(goal: GoalConsensus, t: TypeTally) -> str:
    """The 说明 of a type's row: 偏低/较高 with the rest's figures, or why it is not compared."""
    for d in goal.divergences:
        if d.type == t.type:
            return f"{'偏低' if d.direction == LOW else '较高'}（其他各类{_of(d.rest.n, d.rest.agree)}）"
    if not t.declared:
        return "未选类型，不参与比较"
    if t.tally.n < MIN_TYPE_RATINGS:
        return f"少于{MIN_TYPE_RATINGS}人打分，不单独比较"
    return ""


def goal_note(goal: GoalConsensus) -> str:
    """The 说明 of a goal's 全部 row: its flags, 分歧 naming the type."""
    parts = []
    for flag in goal.flags:
        if flag == DIVERGENCE:
            parts.extend(f"分歧：{d.type}{'偏低' if d.direction == LOW else '较高'}" for d in goal.divergences)
        else:
            parts.append(flag)
    return "；".join(parts)


def annex_rows(goals: Sequence[GoalConsensus]) -> list[list[str]]:
    """Per goal its 全部 row (说明: the flags) and a row per type that answered (说明: 偏低/较高
    with the rest's figures, or why the type is not compared)."""
    rows = []
    for g in goals:
        o = g.overall
        rows.append([g.goal_name, "全部", str(o.n), str(o.agree), str(o.neutral), str(o.disagree), str(o.unknown),
                     goal_note(g)])
        for t in g.types:
            c = t.tally
            rows.append([g.goal_name, t.type, str(c.n), str(c.agree), str(c.neutral), str(c.disagree), str(c.unknown),
                         type_note(g, t)])
    return rows


def annex_note() -> str:
    """The lines under annex 1's table: what the types are and what the marks mean."""
    return (f"注：单位类型为参与者填写时在规划所列类型中自选，按类型分别统计，不是程序划分的意见群体。"
            f"评4分或5分计为认可，3分为中立，1分或2分为不认可，不了解不计入打分人数。"
            f"{CONSENSUS}：打分不少于{MIN_TYPE_RATINGS}人的各类认可比例均较高；"
            f"{DIVERGENCE}：某一类与其他各类的认可比例差距明显且经检验不是偶然；"
            f"{UNCERTAIN}：评3分或表示不了解的人数超过三成；"
            f"{TOO_FEW}：打分不足10人或可比较的类型不足两类，不作判断。")
