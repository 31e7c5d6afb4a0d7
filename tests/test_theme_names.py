"""Theme names are true of their members (issue 24 item 4): analysis.theme_names and the rubric
in benchmarks/theme_names.py."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from analysis.theme_names import SHARE, complete, key_words, support, theme_name
from analysis.themes import ThemeClusterer
from analysis.tokenize import ChineseTokenizer

CUT = ChineseTokenizer().cut


def rubric():
    path = Path(__file__).parents[1] / "benchmarks" / "theme_names.py"
    spec = importlib.util.spec_from_file_location("theme_names_rubric", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# a theme about inspections; its most central statement is one member's own story
INSPECTIONS = [
    "我们去年出台专利开放许可6条，企业反映执法检查太多。",
    "消防检查和卫生检查一个月来好几次，查的内容差不多。",
    "一个月来了四拨检查，影响正常营业。",
    "环保、安监轮流来检查，正常生产都受影响。",
    "城管和市场监管都来检查门头招牌，重复检查。",
    "检查太多了，小店应付不过来。",
]


@pytest.mark.parametrize("fragment", ["能及时反馈", "专利还没", "专利能走", "和企业对接", "审批流程的", "去年办了专利"])
def test_a_fragment_is_no_name(fragment):
    assert not complete(fragment, CUT)
    assert "fragment" in rubric().judge(fragment, [fragment + "。"] * 3, CUT)


def test_a_name_cut_inside_a_compound_is_no_name():
    members = INSPECTIONS[1:3]
    assert not complete("消防检查和卫生", CUT, members)  # …卫生|检查
    assert rubric().judge("消防检查和卫生", members, CUT)
    assert complete("检查太多", CUT, INSPECTIONS)


def test_the_name_is_said_by_two_thirds_of_the_members_and_not_one_members_incident():
    name, words = theme_name(INSPECTIONS, ["检查", "专利", "开放许可"], CUT, kind="problem")
    assert words and support(words, INSPECTIONS) >= SHARE
    assert "专利" not in name and "许可" not in name and "消防" not in name
    assert "检查" in name
    assert rubric().judge(name, INSPECTIONS, CUT) == []
    # the rubric fails the central member's incident over these members
    faults = rubric().judge("出台专利开放许可", INSPECTIONS, CUT)
    assert any(f.startswith("shared by") for f in faults) and any(f.startswith("one member") for f in faults)


def test_a_shared_phrase_of_the_members_is_kept():
    members = ["停车位太少，来开会找不到地方。", "停车位太少。", "附近停车位太少，只能停路边。", "食堂太远"]
    name, _ = theme_name(members, ["停车位"], CUT, kind="problem")
    assert name == "停车位太少"


def test_without_a_shared_phrase_the_name_is_composed_from_the_shared_words():
    members = ["贷款利率太高。", "银行贷款要房产抵押。", "续贷要先还款，只能借过桥资金。", "贷款审批慢。"]
    name, words = theme_name(members, ["贷款", "抵押"], CUT, kind="problem")
    assert name == "贷款方面的问题" and words == ["贷款"]
    assert theme_name(members, ["贷款"], CUT, kind="suggestion")[0] == "贷款方面的建议"
    assert rubric().judge(name, members, CUT) == []


def test_names_are_distinct_within_a_category():
    members = ["停车位太少。", "停车位太少，找不到地方。", "停车位太少了。"]
    first, _ = theme_name(members, ["停车位"], CUT, kind="problem")
    second, _ = theme_name(members, ["停车位"], CUT, kind="problem", avoid=[first])
    assert second != first and first not in second


def test_key_words_leave_out_generic_words():
    assert key_words("加强检查工作", CUT) == ["检查"]
    assert support([], ["检查"]) == 0.0


def test_the_clusterer_names_each_theme_from_its_members():
    rng = np.random.default_rng(0)
    texts = [f"停车位太少{'，' + '找不到地方' if i % 2 else ''}。" for i in range(8)] + \
            [f"食堂饭菜太咸{'，' + '价格偏高' if i % 2 else ''}。" for i in range(8)]
    X = np.vstack([np.eye(2, 8)[i // 8] * 4 + rng.normal(scale=0.3, size=8) for i in range(16)])
    model = ThemeClusterer(tokenizer=ChineseTokenizer()).fit(texts, ["other"] * 16, embeddings=X,
                                                             kinds=["problem"] * 16)
    judge = rubric().judge
    for theme in model.themes_:
        members = [t for t, lab in zip(texts, model.labels_) if lab == theme["id"]]
        assert judge(theme["label"], members, CUT) == [], theme
    assert {t["label"] for t in model.themes_} == {"停车位太少", "食堂饭菜太咸"}


def test_a_word_counts_wherever_it_stands_in_a_member():
    # jieba cuts 停车位, 停车场, 停车 and 停车难 apart: the members still all say 停车
    members = ["停车位太少，来开会的车都停到路边了。", "停车场离会场太远。", "停车收费太贵。", "停车难的问题一直没有解决。"]
    name, words = theme_name(members, ["停车"], CUT)
    assert words == ["停车"] and "停车" in name
    assert rubric().judge(name, members, CUT) == []
