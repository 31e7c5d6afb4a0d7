"""analysis.consensus and analysis.consensus_text with hand-computed examples (issue 22)."""
from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.consensus import (
    CONCERN,
    CONSENSUS,
    DIVERGENCE,
    HIGH,
    LOW,
    SHARED,
    TOO_FEW,
    UNCERTAIN,
    Mention,
    Tally,
    assess_goal,
    assess_goals,
    binomial_upper_tail,
    mentions_from,
    spread,
    two_proportion_z,
)
from analysis.consensus_text import (
    ANNEX_HEADER,
    CONSULTATION,
    ROUND_TABLE,
    annex_note,
    annex_rows,
    goal_sentence,
    goal_sentences,
    problem_note,
    voice_for,
)

TYPES = ("高校/科研院所", "企业", "服务机构", "政府部门", "其他")


def tally(agree: int, n: int, unknown: int = 0, disagree: int = 0) -> Tally:
    """n ratings, `agree` of them 4–5, `disagree` 1–2, the rest 3."""
    return Tally(agree, n - agree - disagree, disagree, unknown)


# The issue's example: agree rates 0.70 / 0.33 / 0.75 / 0.80 over four types.
FOUR = {"高校/科研院所": tally(7, 10, disagree=1), "企业": tally(3, 9, disagree=3),
        "服务机构": tally(6, 8, disagree=1), "政府部门": tally(4, 5)}


def test_the_issue_example_flags_enterprises_as_divergent_low():
    g = assess_goal("creation", "知识产权创造", FOUR, TYPES)
    assert [t.tally.agree / t.tally.n for t in g.types] == pytest.approx([0.70, 1 / 3, 0.75, 0.80])
    assert g.flags == (DIVERGENCE,)
    [d] = g.divergences  # the three others stay within 0.3 of the rest
    assert (d.type, d.direction) == ("企业", LOW)
    # by hand: 企业 (3 + .5)/(9 + 1) = .35; the rest 17 of 23 → 17.5/24 = .72917; gap −.37917
    assert d.tally.rate == pytest.approx(0.35)
    assert (d.rest.agree, d.rest.n) == (17, 23)
    assert d.rest.rate == pytest.approx(17.5 / 24)
    assert d.gap == pytest.approx(0.35 - 17.5 / 24)
    # pooled (3 + 17 + 1)/(9 + 23 + 2) = 21/34; se = √(21/34 · 13/34 · (1/10 + 1/24)) = .18291
    assert d.z == pytest.approx(-2.0730, abs=1e-4)
    assert g.score is None
    assert goal_sentence(g, ROUND_TABLE) == "企业代表对知识产权创造评价偏低（9人中3人认可，其他各类23人中17人认可）。"
    assert goal_sentence(g, CONSULTATION, "此项") == "企业参与者对此项评价偏低（9人中3人认可，其他各类23人中17人认可）。"


def test_the_catch_all_type_is_never_named_as_divergent_but_counts_in_the_rest():
    ratings = {"高校/科研院所": tally(5, 10), "企业": tally(6, 12), "其他": tally(10, 10)}
    g = assess_goal("g", "知识产权服务能力", ratings, TYPES)
    assert DIVERGENCE not in g.flags and not g.divergences
    # the same figures under a declared type are a divergence
    named = assess_goal("g", "知识产权服务能力", {**ratings, "政府部门": ratings["其他"], "其他": tally(0, 0)}, TYPES)
    assert [(d.type, d.direction) for d in named.divergences] == [("政府部门", HIGH)]


def test_equal_high_rates_are_consensus_with_the_geometric_mean_as_score():
    g = assess_goal("g", "知识产权发展环境", {k: tally(8, 10) for k in TYPES[:3]}, TYPES)
    assert g.flags == (CONSENSUS,)
    assert g.score == pytest.approx(8.5 / 11)  # every rate (8 + .5)/(10 + 1): the mean of equals is that
    # a fourth type that agrees as much leaves the score where it was (a product would shrink it)
    more = assess_goal("g", "知识产权发展环境", {k: tally(8, 10) for k in TYPES[:4]}, TYPES)
    assert more.score == pytest.approx(g.score)
    assert goal_sentence(g, ROUND_TABLE) == (
        "各类参会代表普遍认可知识产权发展环境（高校院所代表10人中8人认可，企业代表10人中8人认可，"
        "服务机构代表10人中8人认可）。")


@pytest.mark.parametrize("tallies", [
    {"企业": tally(2, 2)},  # 2 ratings
    {"企业": tally(0, 2, disagree=2)},
    {"企业": tally(1, 1), "高校/科研院所": tally(0, 1, disagree=1)},
])
def test_two_ratings_are_too_few_and_never_a_flag(tallies):
    g = assess_goal("g", "目标", tallies, TYPES)
    assert g.flags == (TOO_FEW,)
    assert g.divergences == () and g.score is None
    assert goal_sentence(g, ROUND_TABLE) == ""


def test_one_type_with_enough_ratings_cannot_be_compared():
    g = assess_goal("g", "目标", {"企业": tally(20, 20), "政府部门": tally(0, 2, disagree=2)}, TYPES)
    assert g.flags == (TOO_FEW,) and not g.divergences


def test_a_small_type_is_never_named_but_counts_in_the_rest():
    # 政府部门 2 of 2 disagree: too few to name; 企业 and 高校 agree, so 共识 over the two compared
    g = assess_goal("g", "目标", {"企业": tally(9, 10), "高校/科研院所": tally(8, 10),
                                "政府部门": tally(0, 2, disagree=2)}, TYPES)
    assert g.flags == (CONSENSUS,)
    assert [t.type for t in g.short] == ["政府部门"]
    assert goal_sentence(g, ROUND_TABLE).endswith("企业代表10人中9人认可；政府部门代表2人中0人认可）。")
    g = assess_goal("g", "目标", {"企业": tally(9, 10), "高校/科研院所": tally(8, 10), "服务机构": tally(1, 2),
                                "政府部门": tally(0, 2, disagree=2)}, TYPES)
    assert goal_sentence(g, CONSULTATION).endswith("企业参与者10人中9人认可；服务机构、政府部门参与者共4人中1人认可）。")
    assert any("政府部门（2 人）" in r for r in g.reasons)


def test_a_large_gap_that_chance_explains_is_no_divergence():
    # 高校 3 of 3 vs 企业 4 of 7: (3.5/4) − (4.5/8) = .3125 ≥ .3, but pooled 8/12,
    # se = √(2/3 · 1/3 · (1/4 + 1/8)) = .28868, z = 1.0825 < 1.28
    g = assess_goal("g", "目标", {"高校/科研院所": tally(3, 3), "企业": tally(4, 7, disagree=3)}, TYPES)
    a, b = (t.tally for t in g.types)
    assert a.rate - b.rate == pytest.approx(0.3125)
    assert two_proportion_z(a, b) == pytest.approx(1.0825, abs=1e-4)
    assert g.flags == ()
    assert goal_sentence(g, ROUND_TABLE) == ""


def test_a_type_rating_higher_than_the_rest_is_named_high():
    g = assess_goal("g", "目标", {"企业": tally(9, 10), "高校/科研院所": tally(3, 10, disagree=5),
                                "服务机构": tally(3, 10, disagree=5)}, TYPES)
    assert g.flags == (DIVERGENCE,)
    assert [(d.type, d.direction) for d in g.divergences] == [("企业", HIGH)]
    assert goal_sentence(g, ROUND_TABLE) == "企业代表对目标评价较高（10人中9人认可，其他各类20人中6人认可）。"


def test_two_types_apart_from_the_rest_are_both_named():
    g = assess_goal("g", "目标", {"企业": tally(1, 10, disagree=6), "服务机构": tally(1, 10, disagree=6),
                                "高校/科研院所": tally(10, 10), "政府部门": tally(9, 10)}, TYPES)
    assert [d.direction for d in g.divergences] and len(g.divergences) >= 2
    sentence = goal_sentence(g, ROUND_TABLE)
    assert sentence.count("（") == len(g.divergences) and "此项" in sentence


def test_many_threes_or_unknowns_are_uncertain_and_not_consensus():
    # 30 answers: 12 threes and 3 不了解 = 15 > 9 (30%), though every type rates ≥ .6 smoothed
    g = assess_goal("g", "知识产权服务能力", {"企业": Tally(8, 6, 0, 2), "高校/科研院所": Tally(7, 6, 0, 1)}, TYPES)
    assert g.flags == (UNCERTAIN,)
    assert goal_sentence(g, ROUND_TABLE) == "参会代表对知识产权服务能力的评价尚不明确（30人中12人评为3分，3人表示不了解）。"
    # exactly 30% is not more than 30%
    assert assess_goal("g", "g", {"企业": Tally(7, 3, 0, 0)}, TYPES).flags == (TOO_FEW,)
    edge = assess_goal("g", "g", {"企业": Tally(4, 2, 0, 1), "高校/科研院所": Tally(3, 0, 0, 0)}, TYPES)
    assert edge.overall.answered == 10 and edge.overall.unsure == 3 and UNCERTAIN not in edge.flags


def test_many_unknowns_with_too_few_ratings_are_uncertain_and_too_few():
    g = assess_goal("g", "g", {"企业": Tally(3, 0, 0, 6), "高校/科研院所": Tally(3, 0, 0, 6)}, TYPES)
    assert g.flags == (UNCERTAIN, TOO_FEW)


def test_unstated_and_unknown_types_are_shown_but_not_compared():
    g = assess_goal("g", "g", {"企业": tally(9, 10), "高校/科研院所": tally(9, 10), "未填写": tally(0, 10, disagree=10)},
                    TYPES)
    assert g.flags == (CONSENSUS,)
    assert [t.type for t in g.types] == ["高校/科研院所", "企业", "未填写"]
    assert not g.types[-1].compared and g.overall.n == 30


def test_assess_goals_reads_rows_and_ignores_other_goals():
    rows = [("a", "企业", 5), ("a", "企业", 3), ("a", None, 1), ("a", "企业", None), ("zz", "企业", 5)]
    [g] = assess_goals([("a", "目标A")], rows, TYPES)
    assert {t.type: t.tally for t in g.types} == {"企业": Tally(1, 1, 0, 1), "未填写": Tally(0, 0, 1, 0)}


def test_tally_from_a_score_distribution():
    assert Tally.from_distribution({1: 1, 2: 2, 3: 3, 4: 4, 5: 5}, 6) == Tally(9, 3, 3, 6)
    assert Tally.of([1, 2, 3, 4, 5, None]) == Tally(2, 1, 2, 1)


# ---- themes ---------------------------------------------------------------------------------------

PARTICIPANTS = {"企业": 10, "高校/科研院所": 10, "服务机构": 10}


def mentions(topic: str, *people: tuple[str, str, int]) -> list[Mention]:
    """(type, organisation, statements) per person."""
    out = []
    for i, (kind, org, n) in enumerate(people):
        out += [Mention(topic, f"{topic}-{i}", org, kind)] * n
    return out


def test_a_theme_raised_mostly_by_one_type_is_its_concern():
    rows = mentions("a", *[("企业", f"公司{i}", 1) for i in range(4)], ("企业", "公司0", 2), ("高校/科研院所", "大学", 1))
    [a] = spread([("a", "融资难")], rows, PARTICIPANTS, TYPES)
    # 6 people, 5 of them 企业, who are 10 of 30: P(X ≥ 5 | 6, 1/3) = (6·2 + 1)/3⁶ = 13/729
    assert a.p_value == pytest.approx(13 / 729)
    assert (a.flag, a.concern_type) == (CONCERN, "企业")
    e = a.of("企业")
    assert (e.people, e.organisations, e.statements, e.participants) == (5, 4, 6, 10)
    assert (a.people, a.organisations, a.statements) == (6, 5, 7)
    assert problem_note(a, ROUND_TABLE) == (
        "此问题主要由企业代表反映（反映此问题的6人中5人为企业代表，企业代表占全部30名参会代表中的10名）。")
    assert problem_note(a, CONSULTATION).startswith("此问题主要由企业参与者反映")


def test_a_theme_raised_across_types_is_shared():
    rows = mentions("b", ("企业", "甲", 1), ("企业", "乙", 1), ("高校/科研院所", "大学", 1), ("服务机构", "所", 1))
    [b] = spread([("b", "人才不足")], rows, PARTICIPANTS, TYPES)
    assert b.flag == SHARED and b.concern_type == ""
    assert problem_note(b, ROUND_TABLE) == ""
    assert problem_note(b, ROUND_TABLE, shared=True) == "各类参会代表均有反映（企业代表2人，高校院所代表1人，服务机构代表1人）。"


def test_a_majority_that_matches_the_type_share_is_no_concern():
    # 企业 are 80 of 100 participants: 3 of 4 raisers being 企业 is what one expects
    rows = mentions("c", ("企业", "甲", 1), ("企业", "乙", 1), ("企业", "丙", 1), ("高校/科研院所", "大学", 1))
    [c] = spread([("c", "x")], rows, {"企业": 80, "高校/科研院所": 20}, TYPES)
    assert c.p_value == pytest.approx(binomial_upper_tail(3, 4, 0.8))
    assert c.flag == SHARED


def test_too_few_raisers_or_a_single_type_gives_no_mark():
    [d] = spread([("d", "x")], mentions("d", ("企业", "甲", 3), ("企业", "乙", 1)), PARTICIPANTS, TYPES)
    assert d.flag == "" and d.people == 2
    [e] = spread([("e", "x")], mentions("e", *[("个人/群众", "", 1)] * 5), {"个人/群众": 50},
                 (*TYPES, "个人/群众"))
    assert e.flag == "" and e.organisations == 5  # no organisation: each answer counts as its own


def test_binomial_upper_tail():
    assert binomial_upper_tail(0, 5, 0.3) == 1.0
    assert binomial_upper_tail(3, 3, 1 / 3) == pytest.approx(1 / 27)
    assert binomial_upper_tail(2, 4, 0.5) == pytest.approx(11 / 16)
    for n in (5, 30, 200):
        for k in range(0, n + 1, max(1, n // 10)):
            for p in (0.05, 1 / 3, 0.8):
                exact = sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))
                assert binomial_upper_tail(k, n, p) == pytest.approx(exact, rel=1e-9, abs=1e-300)
    assert 0 <= binomial_upper_tail(1200, 5000, 0.2) < 1e-6  # no huge integers, no overflow


def test_mentions_from_report_rows():
    class Row:
        def __init__(self, response_id, category, kind):
            self.response_id, self.category, self.organisation_type, self.organisation = response_id, category, kind, ""
    rows = [Row(1, "a", "企业"), Row(2, None, "企业"), Row(3, "a", "")]
    assert mentions_from(rows, lambda r: r.category) == [Mention("a", 1, "", "企业"), Mention("a", 3, "", "未填写")]


# ---- wording ----------------------------------------------------------------------------------------

def test_the_occasion_decides_the_voice():
    assert voice_for([(False, "专题座谈会")]) is ROUND_TABLE
    assert voice_for([(False, "专家论证会"), (False, "专题座谈会")]) is ROUND_TABLE
    assert voice_for([(True, "专题座谈会")]) is CONSULTATION
    assert voice_for([(False, "问卷调查")]) is CONSULTATION
    assert voice_for([(False, "专题座谈会"), (True, "问卷调查")]) is CONSULTATION  # pooled with a questionnaire
    assert voice_for([]) is CONSULTATION
    assert (ROUND_TABLE.who("高校/科研院所"), ROUND_TABLE.who("其他"), CONSULTATION.who("个人/群众")) == (
        "高校院所代表", "其他单位代表", "群众参与者")


_FIGURES = re.compile(r"(\d+)人中(\d+)人认可")


def check_figures_against_the_table(goals, voice) -> int:
    """Every 'N人中A人认可' of a sentence is one type's row of the annex table, or (其他各类, ……共)
    the sum of rows of that goal; returns how many figures were checked."""
    table = annex_rows(goals)
    checked = 0
    for g in goals:
        rows = [r for r in table if r[0] == g.goal_name and r[1] != "全部"]
        by_type = {r[1]: (int(r[2]), int(r[3])) for r in rows}
        sentence = goal_sentence(g, voice)
        for clause in re.split(r"[，；]", sentence):
            for n, a in _FIGURES.findall(clause):
                pair = (int(n), int(a))
                if "其他各类" in clause:
                    d = next(d for d in g.divergences if (d.rest.n, d.rest.agree) == pair)
                    others = [by_type[t.type] for t in g.types if t.declared and t.type != d.type]
                    assert pair == tuple(map(sum, zip(*others)))
                elif "共" in clause:
                    small = [by_type[t.type] for t in g.types if t.declared and not t.compared]
                    assert pair == tuple(map(sum, zip(*small)))
                else:
                    named = [(clause.rfind(voice.who(t.type)), t.type) for t in g.types if voice.who(t.type) in clause]
                    kind = max(named)[1]  # the type named last before the figure
                    assert by_type[kind] == pair
                checked += 1
        if TOO_FEW in g.flags and UNCERTAIN not in g.flags:
            assert sentence == ""
    return checked


def test_figures_in_the_sentences_equal_the_annex_table():
    goals = [assess_goal("a", "知识产权创造", FOUR, TYPES),
             assess_goal("b", "知识产权发展环境", {**{k: tally(8, 10) for k in TYPES[:3]}, "其他": tally(1, 2)}, TYPES),
             assess_goal("c", "知识产权政策体系", {"企业": tally(2, 2)}, TYPES)]
    assert check_figures_against_the_table(goals, ROUND_TABLE) == 2 + 4
    assert set(goal_sentences(goals, ROUND_TABLE)) == {"a", "b"}
    table = annex_rows(goals)
    assert all(len(r) == len(ANNEX_HEADER) for r in table)
    assert table[0] == ["知识产权创造", "全部", "32", "20", "7", "5", "0", "分歧：企业偏低"]
    assert ["知识产权创造", "企业", "9", "3", "3", "3", "0", "偏低（其他各类23人中17人认可）"] in table
    assert ["知识产权发展环境", "其他", "2", "1", "1", "0", "0", "少于3人打分，不单独比较"] in table
    assert "不是程序划分的意见群体" in annex_note()


def test_no_sentence_calls_the_types_opinion_groups_or_uses_percentages():
    goals = [assess_goal("a", "知识产权创造", FOUR, TYPES)]
    for voice in (ROUND_TABLE, CONSULTATION):
        text = goal_sentence(goals[0], voice)
        assert "群体" not in text and "%" not in text and "“" not in text


def test_annex_chart_is_a_png():
    pytest.importorskip("matplotlib")
    from analysis.clouds import FontNotFoundError, find_cjk_font
    from analysis.consensus_chart import goal_chart

    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font")
    png = goal_chart(assess_goal("a", "知识产权创造", FOUR, TYPES))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


# ---- properties --------------------------------------------------------------------------------------

tallies = st.builds(Tally, *[st.integers(0, 12)] * 4)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(TYPES), tallies, max_size=5))
def test_flags_never_contradict_and_never_rest_on_too_little(data):
    g = assess_goal("g", "目标", data, TYPES)
    assert not (g.has(CONSENSUS) and g.has(DIVERGENCE))
    assert not (g.has(CONSENSUS) and g.has(UNCERTAIN))
    if g.overall.n < 10 or len(g.compared) < 2:
        assert not g.has(CONSENSUS) and not g.has(DIVERGENCE)
    for d in g.divergences:
        assert d.tally.n >= 3 and d.rest.n >= 3 and abs(d.gap) >= 0.3 and abs(d.z) >= 1.28
    if g.score is not None:
        rates = [t.tally.rate for t in g.compared]
        assert min(rates) - 1e-12 <= g.score <= max(rates) + 1e-12
        assert math.isclose(g.score ** len(rates), math.prod(rates))
    assert check_figures_against_the_table([g], ROUND_TABLE) >= 0
