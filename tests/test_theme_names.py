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


@pytest.mark.parametrize("fragment", ["下可以申请法律援助", "行为难道可以如此轻易纵容"])
def test_a_name_cut_from_its_head_or_asking_is_no_name(fragment):
    # real letters (citizen_messages_dev.csv): "什么情况|下可以申请法律援助？", an outcry
    assert not complete(fragment, CUT)
    assert "fragment" in rubric().judge(fragment, [fragment + "。"] * 3, CUT)


@pytest.mark.parametrize("members, kind, before", [
    (["望予以解答为盼，谢谢！"], "problem", "予以方面的问题"),
    (["望贵局尽快帮我们解决！切盼！"], "suggestion", "贵局方面的建议"),
    (["请卫生局的同志帮我解答一下，谢谢。", "烦请书记过问一下，在此代表老同志给您道声：谢谢！"], "problem", "同志方面的问题"),
    (["望有关领导给予足够重视。"], "problem", "足够方面的问题"),
    (["至此敬礼 某个人"], "problem", "敬礼方面的问题"),
    (["请卫生局的同志帮我解答一下，谢谢。"], "problem", "请卫生局的同志方面的问题")])
def test_a_letter_s_address_or_plea_names_no_theme(members, kind, before):
    # sentences of real letters that say whom they write to and ask for a reply, nothing of their topic:
    # no name is made of their words (the builder made `before`), and the rubric fails such a name
    name, words = theme_name(members, cut=CUT, kind=kind)
    assert not any(w in name for w in ("予以", "贵局", "同志", "足够", "敬礼", "请")), name
    assert not words and name in ("其他问题", "其他建议") or name == "卫生局方面的问题", name
    assert rubric().judge(before, members, CUT)  # the rubric fails what the builder made before


def test_a_negated_verb_is_no_topic():
    # "一些不该吃的人吃了，该吃的却吃不到！": what one writer did not get is no theme's topic
    assert "fragment" in rubric().judge("不到方面的问题", ["一些不该吃的人吃了，该吃的却吃不到！"] * 2, CUT)
    name, _ = theme_name(["一些不该吃的人吃了，该吃的却吃不到！"] * 2, cut=CUT, kind="problem")
    assert not name.startswith(("不到", "不该")), name


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


@pytest.mark.parametrize("name, member", [
    ("型幼儿园的同时更是加大", "在国家大力倡导普惠型幼儿园的同时更是加大了教师的工作压力"),  # 普惠|型
    ("区教师村小区", "A3区教师村小区盼望早日安装电梯。"),  # a masked place's letters and digits before it
    ("岗失业职工追缴社保", "J4县供销合作社在岗失业职工追缴社保。"),  # 在|岗
    ("来A市泥泞不堪的小", "欢迎领导来A市泥泞不堪的小含浦镇滚泥巴"),  # …的小|含浦镇
    ("原因是泰民米粉", "原因是泰民米粉厂就建在铁路边仅十来米的地方"),  # …米粉|厂
])
def test_a_name_cut_out_of_a_word_the_segmenter_does_not_know_is_no_name(name, member):
    """Real message-board letters (citizen_messages_dev.csv): jieba leaves unknown places and
    firms in single characters, and a span of them is no phrase."""
    assert not complete(name, CUT, [member])
    assert rubric().judge(name, [member] * 3, CUT)


def test_a_one_character_verb_after_an_adverb_still_starts_a_name():
    members = ["有的部门就说一套做一套。", "基层说一套做一套，群众很有意见。", "说一套做一套的问题要整治。"]
    assert complete("说一套做一套", CUT, members)


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


# Statements about six different things: no word is said by two thirds of them.
MIXED = ["小区门口占道经营，噪音扰民。", "小区学区划分不合理，孩子上学远。", "公交车班次太少，等车要一个小时。",
         "社保转移手续太复杂。", "菜市场周边垃圾没人清理。", "医院挂号难，排队时间长。"]


def test_a_theme_that_mixes_topics_says_so():
    name, words = theme_name(MIXED, [], CUT, kind="problem")
    assert name == "小区等多方面的问题" and words == ["小区"]  # its most said word (2 of 6), then 等多方面
    faults = rubric().judge(name, MIXED, CUT)
    assert faults == ["shared by 2/6"]  # honest, and still no pass
    best, _ = rubric().best_cover(MIXED, CUT)
    assert rubric().verdict({"label": name, "size": len(MIXED)}, faults, best) == "mixed"
    # the same name over a theme whose members do share a word is no honest mixed name
    shared = [m + "小区" for m in MIXED]
    faults = rubric().judge("公交、社保等多方面的问题", shared, CUT)
    best, _ = rubric().best_cover(shared, CUT)
    assert rubric().verdict({"label": "公交、社保等多方面的问题", "size": 6}, faults, best) == "fail"
    # a theme whose members share not one word: a plain name, never one member's words
    alone = ["噪音扰民。", "学区划分不合理。", "公交车班次太少。", "社保手续太复杂。"]
    assert theme_name(alone, [], CUT, kind="suggestion") == ("其他建议", [])
    assert rubric().judge("其他建议", alone, CUT) == ["shared by 0/4"]


def test_a_name_says_the_theme_kind():
    patents = ["建立高校专利清单，定期发布。", "对在本地转化的高校专利给予奖补。", "高校专利统一上架，协会负责推介。",
               "高校专利转化要有专人对接。"]
    assert theme_name(patents, ["高校", "专利"], CUT, kind="suggestion")[0] == "高校专利方面的建议"
    assert theme_name(patents, ["高校", "专利"], CUT, kind="problem")[0] == "高校专利方面的问题"
    assert theme_name(patents, ["高校", "专利"], CUT)[0] == "高校专利"
    praise = ["专利服务中心服务很好。", "专利代办窗口效率高，点赞。", "专利补贴发放及时，感谢。"]
    name, _ = theme_name(praise, ["专利"], CUT, kind="praise")
    assert name == "专利方面的肯定意见" and rubric().judge(name, praise, CUT) == []
    # a phrase that reads as a problem is kept as it is
    assert theme_name(["停车位太少。"] * 3, ["停车位"], CUT, kind="problem")[0] == "停车位太少"


def test_a_name_claims_only_a_kind_true_of_its_members():
    from collections import Counter

    from analysis.theme_names import BOTH, MIXED, claimed_kind
    assert claimed_kind(Counter(praise=3)) == "praise"
    # one complaint among praise: the name no longer calls the theme 肯定意见
    assert claimed_kind(Counter(praise=2, problem=1)) == MIXED
    assert claimed_kind(Counter(praise=5, suggestion=1)) == MIXED
    # problems and proposals about one issue share a theme: two thirds name it, else both do
    assert claimed_kind(Counter(problem=6, suggestion=3)) == "problem"
    assert claimed_kind(Counter(problem=1, suggestion=4)) == "suggestion"
    assert claimed_kind(Counter(problem=5, suggestion=4)) == BOTH
    assert claimed_kind(Counter(problem=4, suggestion=5, praise=1)) == BOTH
    assert claimed_kind(Counter(problem=1, praise=1)) == MIXED
    assert claimed_kind(Counter()) is None
    loans = ["专利质押贷款这块市局帮了大忙。", "去年办了专利质押贷款，成本不低，估值还要打折扣。", "专利质押贷款增长明显，银行顾虑小了。"]
    assert theme_name(loans, ["专利", "质押", "贷款"], CUT, kind=MIXED)[0].endswith("方面的意见")
    patents = ["建立高校专利清单，定期发布。", "对在本地转化的高校专利给予奖补。", "高校专利统一上架，协会负责推介。",
               "高校专利转化要有专人对接。"]
    assert theme_name(patents, ["高校", "专利"], CUT, kind=BOTH)[0] == "高校专利方面的问题和建议"


def test_the_clusterer_never_names_a_theme_with_a_complaint_praise():
    texts = ["专利质押贷款这块市局帮了大忙。", "专利质押贷款增长明显，银行顾虑小了。",
             "去年办了专利质押贷款，成本不低，估值还要打折扣。"]
    model = ThemeClusterer(n_themes=1, tokenizer=ChineseTokenizer()).fit(
        texts, ["other"] * 3, embeddings=np.ones((3, 4)), kinds=["praise", "praise", "problem"])
    (theme,) = model.themes_
    assert theme["kind"] == "praise"  # the report still reads the theme's most said kind
    assert "肯定" not in theme["label"] and theme["label"].endswith("方面的意见"), theme["label"]


def test_no_two_themes_of_a_category_share_a_name():
    members = ["专利年费太贵。", "专利代理费高。", "专利申请流程长。"]
    first, _ = theme_name(members, ["专利"], CUT, kind="problem")
    second, _ = theme_name(members[:2], ["专利"], CUT, kind="problem", avoid=[first])
    assert (first, second) == ("专利方面的问题", "专利方面的其他问题")
    assert rubric().judge(first, members, CUT, siblings=[second]) == []
    assert rubric().judge(first, members, CUT, siblings=[first]) == ["same name as another theme"]


PENALTIES = ["加大对电商平台侵权的打击力度", "加强跨区域执法协作", "对恶意侵权、重复侵权提高处罚力度。"]


def test_a_phrase_never_stops_before_its_verb_object():
    # 侵权提高|处罚力度: the verb's object was cut off
    assert not complete("侵权提高", CUT, PENALTIES)
    assert rubric().judge("侵权提高", PENALTIES, CUT) == ["cut word"]
    name, _ = theme_name(PENALTIES, ["侵权", "协作"], CUT, kind="suggestion")
    assert "提高" not in name and rubric().judge(name, PENALTIES, CUT) == []
    # the rubric judges the phrase before a frame too: no fragment laundered by …方面的建议
    assert rubric().judge("侵权提高方面的建议", PENALTIES, CUT) == ["cut word"]
    assert rubric().judge("子女、户口等方面的问题", ["子女户口"] * 3, CUT) == []


@pytest.mark.parametrize("fragment,member", [("专利侵权判定方面", "特别是发明专利侵权判定方面，"),
                                             ("是发明专利侵权", "特别是发明专利侵权判定方面，")])
def test_a_name_neither_starts_on_the_copula_nor_ends_on_a_headless_fangmian(fragment, member):
    assert not complete(fragment, CUT)
    assert "fragment" in rubric().judge(fragment, [member] * 3, CUT)


def test_a_detail_of_a_few_stories_among_many_is_no_key_word():
    members = ["停车位太少。"] * 28 + ["停车位太少，张家湾那边更少。", "张家湾停车位太少。"]
    # 张家湾: said by 2 of 30, under a tenth
    assert rubric().judge("张家湾停车位太少", members, CUT) == ["a few members': 张家湾"]
    assert theme_name(members, ["停车位", "张家湾"], CUT, kind="problem")[0] == "停车位太少"


def test_a_modifier_of_one_story_is_no_part_of_a_name():
    # 二期 (a modifier, no key word) is said by one title of six: 二期基金 is that title's fund
    funds = ["中比基金否认拟募集二期基金", "基金净值普遍上涨", "债券基金发行提速", "货币基金收益回落", "基金经理变更频繁",
             "指数基金规模创新高"]
    assert "one member's: 二期" in rubric().judge("二期基金", funds, CUT)
    name, _ = theme_name(funds, ["基金", "二期"], CUT, kind="problem")
    assert "二期" not in name and rubric().judge(name, funds, CUT) == []


def test_a_clause_that_is_no_issue_is_not_framed_as_one():
    # 补课早已存在 is a clause about tutoring: "补课早已存在方面的问题" is no Chinese
    tutoring = ["补课早已存在，屡禁不止。", "补课早已存在，家长负担重。", "学校暑假违规补课。", "老师在家办班补课。"]
    name, _ = theme_name(tutoring, ["补课"], CUT, kind="problem")
    assert name == "补课方面的问题" and rubric().judge(name, tutoring, CUT) == []


def test_a_mixed_name_is_honest_only_when_it_is_well_formed():
    faults = rubric().judge("是不是、疑问等多方面的问题", MIXED, CUT)  # 是不是: no topic word
    assert "fragment" in faults
    best, _ = rubric().best_cover(MIXED, CUT)
    assert rubric().verdict({"label": "是不是、疑问等多方面的问题", "size": 6}, faults, best) == "fail"


def test_what_a_name_claims_is_said_by_enough_members():
    """酒店也没有 over hotel statements of which one says 没有: 酒店 is shared, the claim is not."""
    members = ["酒店也没有停车场。", "酒店位置很好，离地铁近。", "酒店早餐品种多。", "酒店房间干净。",
               "酒店前台服务热情。", "酒店隔音一般。"]
    name, words = theme_name(members, ["酒店"], CUT, kind="problem")
    assert "没有" not in name and "酒店" in name
    assert any(f.startswith("one member's") for f in rubric().judge("酒店也没有", members, CUT))
    assert rubric().judge(name, members, CUT) == []


def test_a_letter_word_in_a_name_is_one_members_claim_unless_enough_say_it():
    # the demo's five members about 专利, one of whom says 专利受关注少: not the theme's name
    members = ["高校专利受关注少，企业不了解。", "希望出台专利开放许可的配套细则。", "专利导航项目对我们很有帮助。",
               "公司专利布局比较零散。", "专利转化渠道不畅。"]
    assert "one member's: 关注" in rubric().judge("专利受关注少", members, CUT)
    name, _ = theme_name(members, cut=CUT, kind="problem")
    assert "关注" not in name, name


@pytest.mark.parametrize("fragment, member", [
    ("简单案件能现场处理就现场", "行政裁决再快一点，简单案件能现场处理就现场处理。"),
    ("电商平台上低价", "同行仿我们的产品外观，在电商平台上低价卖，投诉一次下架一次。"),
])
def test_a_clause_is_not_cut_between_a_noun_and_its_verb(fragment, member):
    assert not complete(fragment, CUT, [member])
    assert complete("产品外观", CUT, [member])  # a topic noun phrase before a verb is whole
