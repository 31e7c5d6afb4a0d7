"""Consensus and divergence across a plan's declared respondent types: per goal (ratings) and
per theme or category (who raised it). Plain data in, frozen dataclasses out; no Flask, no
numpy, so a web request can call it (20,000 answers in well under a second: benchmarks/consensus.py).

The groups are the respondent types the plan declares (企业, 高校/科研院所 …), which each
participant chose on the form. They are not opinion groups found by the program, and no text
written from these results may call them that.

What was taken from whom, and what differs
-------------------------------------------
- Pol.is (compdemocracy/polis, math/src/polismath/math/conversation.clj `:group-aware-consensus`):
  consensus is the product over groups of a smoothed agree probability, (A + 1)/(S + 2) with S
  the votes seen (passes included). We take the smoothed per-group rate but with half the
  pseudo-count, (A + 0.5)/(n + 1), because a round-table type often has 3–10 people and +1/+2
  pulls those too hard towards ½; and we report the geometric mean instead of the product
  (the k-th root of it), so that a fifth type does not shrink the score of a goal four agree on.
- Pol.is repness.clj `add-comparitive-stats` / stats.clj `two-prop-test`: a group is compared
  with the rest pooled, by a two-proportion z statistic computed after adding a pseudo-count to
  every count; `z-sig-90?` is z > 1.2816 (one-sided 90%). We use the same comparison with our
  half count ((A + 0.5)/(n + 1) on each side, (A₁ + A₂ + 1)/(n₁ + n₂ + 2) pooled) and |z| ≥ 1.28,
  the direction read from the sign.
- Jigsaw sensemaking-tools (library/src/stats/group_informed.ts `GroupedSummaryStats`,
  stats_util.ts, summary_stats.ts): common ground when the *lowest* group agree rate is
  ≥ 0.6 (`minCommonGroundProb`); a difference of opinion when one group's rate differs from
  the rest of the conversation pooled (`getGroupAgreeProbDifference`) by ≥ 0.3
  (`minAgreeProbDifference`), only for comments that are not common ground; uncertain when the
  pass rate is above a threshold (0.2–0.3); nothing said about comments under 20 votes. We keep
  0.6 and 0.3 and the "not both" rule, add the z test (sensemaking has none: with 20 votes per
  comment it needs none, a 3-person type does), count 3分 and 不了解 as their "pass" with 30%,
  and lower the minimum to 10 ratings per goal and 3 per type, the size of a round-table.

The rules here (one home; the page, the sheet and the report sentences all read them)
-----------------------------------------------------------------------------------
Ratings 4–5 agree, 3 neutral, 1–2 disagree; 不了解 (None) is no rating (n leaves it out).
- A type is *compared* when it is a declared type with n ≥ 3. A type with fewer ratings is
  shown with its counts, is never named in a flag, and its ratings count in "the rest".
- 样本不足: fewer than 10 ratings, or fewer than two compared types. Then neither 共识 nor
  分歧: never a flag on too little data.
- 共识: every compared type has rate ≥ 0.6, and the goal is not 不确定 (sensemaking's
  ungrouped common ground also refuses a comment with many passes); score = geometric mean of
  the compared types' rates.
- 分歧 (only when not 共识): a compared type whose rate differs from the pooled other declared
  types (n ≥ 3) by ≥ 0.3, with |z| ≥ 1.28 in the same direction; each such type is listed,
  largest gap first.
- 不确定: more than 30% of the answers (ratings and 不了解) are 3 or 不了解; needs 10 answers.
- A theme (or category) is *one type's concern* when at least 3 people raised it, one type
  holds more than half of them, and that many or more from the type would happen with
  probability ≤ 0.10 if people raised it in proportion to the type's share of participants
  (binomial upper tail; 0.10 is the same one-sided 90% level as z ≥ 1.28). It is *shared*
  when at least 3 people from at least two declared types raised it and no type is its concern.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

PRIOR_AGREE, PRIOR_N = 0.5, 1.0
MIN_GOAL_RATINGS = 10
MIN_TYPE_RATINGS = 3
CONSENSUS_RATE = 0.6
DIVERGENCE_GAP = 0.3
Z_CRITICAL = 1.28
UNCERTAIN_SHARE = 0.3
CONCERN_P = 0.10
MIN_RAISERS = 3

UNSTATED = "未填写"  # an answer whose type was left empty (anonymous consultations)
# Catch-all types gather whoever fits no declared type: they count in "the rest" of every
# comparison but are never named as the divergent side ("其他代表评价偏高" tells the office nothing).
CATCH_ALL = frozenset({"其他", "其它", UNSTATED})
CONSENSUS, DIVERGENCE, UNCERTAIN, TOO_FEW = "共识", "分歧", "不确定", "样本不足"
FLAGS = (CONSENSUS, DIVERGENCE, UNCERTAIN, TOO_FEW)  # the order badges are shown in
CONCERN, SHARED = "一类关注", "共同关注"
LOW, HIGH = "low", "high"


# ---- tallies ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """How one group rated one goal: counts of agree (4–5), neutral (3), disagree (1–2) and 不了解."""

    agree: int = 0
    neutral: int = 0
    disagree: int = 0
    unknown: int = 0

    @property
    def n(self) -> int:
        """Ratings (不了解 is no rating)."""
        return self.agree + self.neutral + self.disagree

    @property
    def answered(self) -> int:
        return self.n + self.unknown

    @property
    def rate(self) -> float:
        """The smoothed agree rate (A + 0.5)/(n + 1): ½ with no data, never 0 or 1."""
        return (self.agree + PRIOR_AGREE) / (self.n + PRIOR_N)

    @property
    def unsure(self) -> int:
        """Answers that say neither yes nor no: 3分 and 不了解."""
        return self.neutral + self.unknown

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.agree + other.agree, self.neutral + other.neutral,
                     self.disagree + other.disagree, self.unknown + other.unknown)

    @classmethod
    def of(cls, scores: Iterable[int | None]) -> Tally:
        a = m = d = u = 0
        for s in scores:
            if s is None:
                u += 1
            elif s >= 4:
                a += 1
            elif s == 3:
                m += 1
            elif s >= 1:
                d += 1
        return cls(a, m, d, u)

    @classmethod
    def from_distribution(cls, distribution: Mapping[int, int], unknown: int = 0) -> Tally:
        """From counts per score {1: …, 5: …} (the report's ScoreSummary.distribution)."""
        get = distribution.get
        return cls(get(4, 0) + get(5, 0), get(3, 0), get(1, 0) + get(2, 0), unknown)


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        out = out + t
    return out


def two_proportion_z(group: Tally, rest: Tally) -> float:
    """z of group's agree rate against the rest's, both smoothed as `Tally.rate`."""
    p1, p2 = group.rate, rest.rate
    pooled = (group.agree + rest.agree + 2 * PRIOR_AGREE) / (group.n + rest.n + 2 * PRIOR_N)
    se = math.sqrt(pooled * (1 - pooled) * (1 / (group.n + PRIOR_N) + 1 / (rest.n + PRIOR_N)))
    return (p1 - p2) / se


# ---- goals ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TypeTally:
    type: str
    tally: Tally
    declared: bool  # one of the plan's types (False: 未填写, or a type the plan no longer lists)

    @property
    def compared(self) -> bool:
        return self.declared and self.tally.n >= MIN_TYPE_RATINGS


@dataclass(frozen=True)
class Divergence:
    type: str
    direction: str  # LOW or HIGH
    tally: Tally
    rest: Tally  # the other declared types pooled
    gap: float  # tally.rate - rest.rate
    z: float


@dataclass(frozen=True)
class GoalConsensus:
    goal_id: str
    goal_name: str
    overall: Tally
    types: tuple[TypeTally, ...]  # declared types in the plan's order (those with an answer), then others
    flags: tuple[str, ...]  # in FLAGS order
    score: float | None = None  # 共识: geometric mean of the compared types' rates
    divergences: tuple[Divergence, ...] = ()
    reasons: tuple[str, ...] = ()  # one line per flag, in Chinese, for staff

    @property
    def compared(self) -> tuple[TypeTally, ...]:
        return tuple(t for t in self.types if t.compared)

    @property
    def short(self) -> tuple[TypeTally, ...]:
        """Declared types with 1–2 ratings: shown, never compared on their own."""
        return tuple(t for t in self.types if t.declared and 0 < t.tally.n < MIN_TYPE_RATINGS)

    def has(self, flag: str) -> bool:
        return flag in self.flags


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def assess_goal(goal_id: str, goal_name: str, tallies: Mapping[str, Tally], declared: Sequence[str]) -> GoalConsensus:
    """The flags of one goal from its tallies per respondent type (`declared`: the plan's types in order)."""
    order = {name: i for i, name in enumerate(declared)}
    types = tuple(TypeTally(name, t, name in order)
                  for name, t in sorted(tallies.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
                  if t.answered)
    overall = total(t.tally for t in types)
    compared = [t for t in types if t.compared]
    flags: list[str] = []
    reasons: list[str] = []
    score = None
    divergences: tuple[Divergence, ...] = ()

    uncertain = overall.answered >= MIN_GOAL_RATINGS and overall.unsure > UNCERTAIN_SHARE * overall.answered
    if overall.n < MIN_GOAL_RATINGS or len(compared) < 2:
        flags.append(TOO_FEW)
        reasons.append(f"只有 {overall.n} 人打分（少于 {MIN_GOAL_RATINGS} 人），不判断共识或分歧"
                       if overall.n < MIN_GOAL_RATINGS else
                       f"达到 {MIN_TYPE_RATINGS} 人打分的参与者类型不足两类，无法比较各类的评价")
    elif all(t.tally.rate >= CONSENSUS_RATE for t in compared) and not uncertain:
        flags.append(CONSENSUS)
        score = math.exp(sum(math.log(t.tally.rate) for t in compared) / len(compared))
        reasons.append(f"参与比较的 {len(compared)} 类认可率均不低于 {_pct(CONSENSUS_RATE)}"
                       f"（最低 {_pct(min(t.tally.rate for t in compared))}，几何平均 {_pct(score)}）")
    else:
        divergences = _divergences(types)
        if divergences:
            flags.append(DIVERGENCE)
            reasons.extend(
                f"{d.type}认可率 {_pct(d.tally.rate)}，其他各类 {_pct(d.rest.rate)}，"
                f"{'低' if d.direction == LOW else '高'} {abs(d.gap) * 100:.0f} 个百分点（z = {d.z:.2f}）"
                for d in divergences)
    if uncertain:
        flags.append(UNCERTAIN)
        said = "、".join(p for p in (f"{overall.neutral} 人评 3 分" if overall.neutral else "",
                                     f"{overall.unknown} 人不了解" if overall.unknown else "") if p)
        reasons.append(f"{overall.answered} 人中 {said}，占 {_pct(overall.unsure / overall.answered)}"
                       f"（超过 {_pct(UNCERTAIN_SHARE)}）")
    short = [t for t in types if t.declared and 0 < t.tally.n < MIN_TYPE_RATINGS]
    if short and TOO_FEW not in flags:
        reasons.append("、".join(f"{t.type}（{t.tally.n} 人）" for t in short)
                       + f"打分少于 {MIN_TYPE_RATINGS} 人，不单独比较，计入其他各类")
    flags.sort(key=FLAGS.index)
    return GoalConsensus(goal_id, goal_name, overall, types, tuple(flags), score, divergences, tuple(reasons))


def _divergences(types: Sequence[TypeTally]) -> tuple[Divergence, ...]:
    declared = [t for t in types if t.declared]
    found = []
    for t in declared:
        if not t.compared or t.type in CATCH_ALL:
            continue
        rest = total(o.tally for o in declared if o is not t)
        if rest.n < MIN_TYPE_RATINGS:
            continue
        gap = t.tally.rate - rest.rate
        z = two_proportion_z(t.tally, rest)
        if abs(gap) >= DIVERGENCE_GAP and abs(z) >= Z_CRITICAL and (gap > 0) == (z > 0):
            found.append(Divergence(t.type, HIGH if gap > 0 else LOW, t.tally, rest, gap, z))
    return tuple(sorted(found, key=lambda d: (-abs(d.gap), -abs(d.z), d.type)))


def assess_goals(goals: Sequence[tuple[str, str]], ratings: Iterable[tuple[str, str | None, int | None]],
                 declared: Sequence[str], *, unstated: str = UNSTATED) -> list[GoalConsensus]:
    """Every goal's flags from (goal id, respondent type, score or None for 不了解) rows; a row
    with no type counts under `unstated`, a goal not in `goals` is ignored."""
    counted = Counter(ratings)  # counted in C: 140,000 rows in a few milliseconds
    return assess_counted(goals, ((g, k, s, n) for (g, k, s), n in counted.items()), declared, unstated=unstated)


def assess_counted(goals: Sequence[tuple[str, str]], counted: Iterable[tuple[str, str | None, int | None, int]],
                   declared: Sequence[str], *, unstated: str = UNSTATED) -> list[GoalConsensus]:
    """`assess_goals` from (goal id, type, score, how many) rows, as a GROUP BY query returns them."""
    counts: dict[str, dict[str, list[int]]] = {g: defaultdict(lambda: [0, 0, 0, 0]) for g, _ in goals}
    for goal_id, kind, score, many in counted:
        per_type = counts.get(goal_id)
        if per_type is None:
            continue
        c = per_type[kind or unstated]
        if score is None:
            c[3] += many
        elif score >= 4:
            c[0] += many
        elif score == 3:
            c[1] += many
        elif score >= 1:
            c[2] += many
    return [assess_goal(g, name, {k: Tally(*c) for k, c in counts[g].items()}, declared) for g, name in goals]


# ---- themes and categories: who raised it ---------------------------------------------------------

class Mention(NamedTuple):
    """One statement in a theme (or category): whose answer it came from. A tuple, not a
    dataclass: a large consultation makes tens of thousands of them per page."""

    topic: str
    respondent: object  # the answer's id: people are counted once per topic
    organisation: str
    type: str


@dataclass(frozen=True)
class TypeShare:
    type: str
    people: int  # answers of this type that raised the topic
    organisations: int  # distinct organisations among them (an answer with none counts as its own)
    statements: int
    participants: int  # answers of this type in the evaluation
    share: float  # participants / all participants


@dataclass(frozen=True)
class TopicSpread:
    key: str
    label: str
    people: int
    organisations: int
    statements: int
    participants: int  # all answers in the evaluation
    types: tuple[TypeShare, ...]  # most people first
    flag: str = ""  # CONCERN, SHARED or ""
    concern_type: str = ""
    p_value: float | None = None  # binomial upper tail for the top type
    reason: str = ""

    def of(self, kind: str) -> TypeShare | None:
        return next((t for t in self.types if t.type == kind), None)


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1 or k > n:
        return 1.0 if p >= 1 and k <= n else 0.0
    # the first term through log-gamma (no huge integers), the rest by the ratio of successive terms
    term = math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                    + k * math.log(p) + (n - k) * math.log1p(-p))
    odds, tail = p / (1 - p), 0.0
    for i in range(k, n + 1):
        tail += term
        if term < 1e-15 * tail:
            break
        term *= (n - i) / (i + 1) * odds
    return min(1.0, tail)


def spread(topics: Sequence[tuple[str, str]], mentions: Iterable[Mention], participants: Mapping[str, int],
           declared: Sequence[str]) -> list[TopicSpread]:
    """Per topic (theme or category: (key, label)), who raised it against each type's share of
    the participants (`participants`: answers per type, every answer of the evaluation)."""
    everyone = sum(participants.values())
    order = {name: i for i, name in enumerate(declared)}
    # topic → type → (people, organisations, statements); an answer with no organisation is its own
    seen: dict[str, dict[str, tuple[set, set, list[int]]]] = defaultdict(dict)
    for m in mentions:
        per_type = seen[m.topic]
        got = per_type.get(m.type)
        if got is None:
            got = per_type[m.type] = (set(), set(), [0])
        got[0].add(m.respondent)
        org = m.organisation.strip()
        got[1].add(("org", org) if org else ("answer", m.respondent))
        got[2][0] += 1
    out = []
    for key, label in topics:
        per_type = seen.get(key, {})
        types = tuple(sorted(
            (TypeShare(k, len(p), len(o), c[0], participants.get(k, 0),
                       participants.get(k, 0) / everyone if everyone else 0.0) for k, (p, o, c) in per_type.items()),
            key=lambda t: (-t.people, order.get(t.type, len(order)), t.type)))
        organisations = len(set().union(*(o for _, o, _ in per_type.values()))) if per_type else 0
        out.append(_judge(TopicSpread(key, label, sum(t.people for t in types), organisations,
                                      sum(t.statements for t in types), everyone, types), order))
    return out


def _judge(topic: TopicSpread, order: Mapping[str, int]) -> TopicSpread:
    declared = [t for t in topic.types if t.type in order]
    k = topic.people
    if k < MIN_RAISERS or not declared:
        return topic
    top = declared[0]
    p = binomial_upper_tail(top.people, k, top.share)
    if top.people * 2 > k and p <= CONCERN_P:
        reason = (f"提出的 {k} 人中 {top.people} 人为{top.type}，而{top.type}只占全部 {topic.participants} "
                  f"名参与者中的 {top.participants} 名（按此比例出现这么多的概率 {p:.3f} ≤ {CONCERN_P}）")
        return _with(topic, CONCERN, top.type, p, reason)
    if len(declared) >= 2:
        reason = "、".join(f"{t.type} {t.people} 人" for t in declared) + "提出，没有一类明显集中"
        return _with(topic, SHARED, "", p, reason)
    return _with(topic, "", "", p, "")


def _with(topic: TopicSpread, flag: str, kind: str, p: float, reason: str) -> TopicSpread:
    return replace(topic, flag=flag, concern_type=kind, p_value=p, reason=reason)


def mentions_from(rows: Iterable[object], topic: Callable[[object], str | None], *,
                  unstated: str = UNSTATED) -> list[Mention]:
    """Mentions from any rows with response_id, organisation and organisation_type (the report's
    StatementRow, a stored statement); `topic(row)` gives its theme or category key, None to skip."""
    out = []
    for r in rows:
        key = topic(r)
        if key is not None:
            out.append(Mention(str(key), r.response_id, getattr(r, "organisation", "") or "",
                               r.organisation_type or unstated))
    return out


@dataclass(frozen=True)
class EvaluationConsensus:
    """What the analysis page and the export show: per goal, per theme, and the wording to use."""

    goals: list[GoalConsensus]
    themes: list[TopicSpread] = field(default_factory=list)
    declared: tuple[str, ...] = ()
    participants: Mapping[str, int] = field(default_factory=dict)
