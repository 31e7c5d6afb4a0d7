"""Praise as reports and round tables tell it (issue 24, real round-table text): an account of measures
taken, a before → now turn, approval as a report states it; and what must stay an issue beside them.
One test per rule of analysis._kinds_evidence (`improvement`, `REPORTED`, `REPORT_OPENING`) and
analysis._kinds_cues (`_OPENING_WISH`), on statements written for the test, through the rules alone
(`learned=False`: the "better" rule decides alone in the learned model too, see `analysis.kinds._sure`)."""
import pytest

from analysis import StatementKinds
from analysis._kinds_evidence import asks, improvement, praise_allowed
from analysis.kinds import _sure


@pytest.fixture(scope="module")
def rules():
    return StatementKinds(learned=False).fit()


@pytest.mark.parametrize("text", [
    "2022年，县卫健委在12个乡镇建成了标准化卫生院。",          # a dated opening with its actor
    "区人社局先后举办6场专场招聘会，帮助300多人找到工作。",     # 先后 + a doing verb
    "全年共开展了40场法律讲座，覆盖居民2000人次。",             # 共 … 了, a count of what was done
    "联合区妇联举办多期家政技能培训。",                         # a doing verb + 多期
    "市文旅局印发《乡村民宿管理办法》，规范了民宿审批流程。",   # a document issued
    "村里开设了老年食堂，每天中午供应热饭。",                   # an institution opens with what it did
    "截至目前，我辖区3个口袋公园已建成开放，共计投资12万元。",   # 我辖区 is the institution speaking
    "厂里投入80万元加装了除臭设备。",                           # 除臭 removes the nuisance, names none
    "全市获省科技进步奖3项。",                                  # a prize won
])
def test_an_account_of_measures_taken_is_praise(rules, text):
    kind, rule, cue = rules.explain(text)
    assert (kind, rule) == ("praise", "better"), (text, rule, cue)
    assert _sure(text, rule)
    assert rules.predict([text], ["存在问题"])[0] == "praise"  # the account stands whatever the field


@pytest.mark.parametrize("text", [
    "2019年我在城区买了一套房，交了5万元定金。",                 # first person: a story, not a report
    "今后要举办更多培训班，覆盖2000人次。",                     # still to do
    "物业去年安装了门禁，但经常坏，进出很不方便。",              # a complaint beside it
    "原因是工厂安装了一台大功率鼓风机，日夜轰鸣。",              # a problem explained
    "社区已经收集了居民的意见，是否会采纳？",                     # a question
])
def test_what_was_done_is_no_praise_beside_a_person_a_plan_a_complaint_or_a_question(rules, text):
    assert improvement(text) == "", text
    assert rules.predict([text])[0] != "praise", text


def test_a_documents_title_is_no_complaint(rules):
    text = "区市场监管局印发《关于严厉打击违法违规经营行为的通知》，开展了专项检查。"
    assert improvement(text) and rules.predict([text])[0] == "praise"
    assert praise_allowed(text, None)[0]


def test_nouns_are_no_request_or_question():
    assert asks("共收集到15条意见建议，已全部答复。") == ""
    assert asks("按照上级的工作要求，明确了活动要求。") == ""
    assert asks("拓宽了企业咨询和业务办理的渠道。") == ""
    # the verbs still are
    assert asks("我想咨询一下社保转移的手续") and asks("建议增设公交站点") and asks("要求物业退还费用")


@pytest.mark.parametrize("text", [
    "以前村口一下雨就积水，现在修了排水沟，再也不用担心了。",     # no longer feared
    "从晴天一身土的小路，变成了如今干净平整的大路。",             # 从 … 变成了如今
    "以前河里到处漂着垃圾，如今这些垃圾几乎看不到了。",           # the wrong is gone
    "托管班切实解决了双职工家庭接孩子难的问题。",                 # a wrong set right
    "养殖场整改以后，现在那股异味基本闻不到了。",                 # a nuisance gone
    "巡逻队成立后，邻里纠纷少了，笑声多了。",                     # the bad fewer, the good more
])
def test_a_wrong_set_right_is_praise(rules, text):
    assert rules.predict([text])[0] == "praise", rules.explain(text)


@pytest.mark.parametrize("text", ["对企业的帮助很大，收益颇多。", "医生们肯定了志愿者的付出。",
                                  "多数家长对课后服务还是认可的。",
                                  "午饭在这吃了三年了，饭菜可口，价格便宜，服务周到。",   # no degree word
                                  "必须点赞！家门口开了便民菜店，真是大好事。",             # 必须 asks nothing here
                                  "问起他们有什么意见，大家都说网格员很负责，很满意。",    # a question told
                                  "新桥通车以后去镇上只要十分钟，我打心眼里高兴。",         # joy
                                  "本以为要跑好几趟，没想到半天就办好了。",                 # surprise
                                  "修了排污管，再也没有污水横流、蚊蝇乱飞的情况了。",       # the wrong gone for good
                                  "现在村里晚上亮堂堂的，跟城里没什么两样了。",
                                  "窗口人员态度和蔼，文明用语，必须给他们点个赞！"])
def test_approval_as_a_report_states_it_is_praise(rules, text):
    assert rules.predict([text])[0] == "praise", rules.explain(text)


def test_an_if_only_wish_is_a_suggestion_that_decides_alone(rules):
    text = "如果能在小区里设个快递柜，对我们上班族来说就再好不过了。"
    kind, rule, _ = rules.explain(text, "存在问题")
    assert (kind, rule) == ("suggestion", "suggestion") and _sure(text, rule)
    assert not _sure("快递柜太少，取件要排很久。", "problem")


def test_praise_words_inside_other_words_are_no_praise(rules):
    assert rules.predict(["停车场不宜收费过高，才能口碑和赞誉双丰收。"])[0] == "suggestion"


@pytest.mark.parametrize("text", ["招商时答应的优惠，落地后不兑现。", "个别窗口存在推诿扯皮的现象。"])
def test_a_promise_not_kept_or_a_wrong_found_is_a_problem(rules, text):
    assert rules.predict([text])[0] == "problem", rules.explain(text)
