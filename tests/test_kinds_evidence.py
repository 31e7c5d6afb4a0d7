"""Praise and none only on evidence (issue 24 item 2): one test per rule of analysis._kinds_evidence,
through `StatementKinds` as the pipeline uses it."""
import pytest
from sklearn.base import clone

from analysis import StatementKinds
from analysis._kinds_evidence import courtesy_only, now_part, praise_allowed, without_courtesy, wrong_now
from analysis.kinds import praise_cue
from analysis.turns import turns_away

LONG_COMPLAINT = ("感谢您百忙之中抽空看我的留言。我家楼下的烧烤店每天营业到凌晨三点，油烟和噪音严重扰民，"
                  "多次向街道反映都没有人管，老人孩子晚上根本睡不好觉，这样的情况已经持续了大半年。非常感谢！")


@pytest.fixture(scope="module")
def kinds():
    return StatementKinds().fit()


@pytest.mark.parametrize("text", ["尊敬的领导您好！感谢您百忙之中阅读我的留言。", "谢谢尊敬的胡书记！", "不胜感激！",
                                  "此致敬礼", "颜局长： 你好！"])
def test_courtesy_alone_is_nothing_to_act_on_not_praise(kinds, text):
    assert courtesy_only(text)
    assert kinds.predict([text])[0] == "none"


def test_courtesy_and_polite_tone_do_not_make_praise(kinds):
    for text in ["您好，我想反映小区门口的路灯坏了半个月了，谢谢！", "残疾人真的很可怜，请政府支持，谢谢。",
                 "尊敬的书记：您好！G4县档案局退休干部独生子女补贴多年来一直不发，烦请过问一下，谢谢！"]:
        assert kinds.predict([text])[0] in ("problem", "suggestion"), text
    assert "感谢" not in without_courtesy("感谢您百忙之中抽空看我的留言。")


def test_a_long_complaint_with_thanks_is_a_problem(kinds):
    assert kinds.predict([LONG_COMPLAINT])[0] == "problem"
    assert kinds.predict([LONG_COMPLAINT], ["存在问题"])[0] == "problem"
    kind, rule, evidence = kinds.explain(LONG_COMPLAINT)
    assert kind == "problem"


@pytest.mark.parametrize("text", ["需要哪些材料？", "请问在哪里办理护照？谢谢！", "有什么补救的办法吗？",
                                  "我这500元该如何追回", "公积金的理财收益是不是归我们用户所有？"])
def test_a_question_is_neither_none_nor_praise(kinds, text):
    assert kinds.predict([text])[0] in ("problem", "suggestion")
    assert kinds.predict([text], ["存在问题"])[0] == "problem"


def test_a_request_is_never_praise(kinds):
    assert kinds.predict(["服务很好，希望有关部门尽快把路修好。"])[0] != "praise"
    # but the wish that it go on is praise's own
    assert kinds.predict(["社区食堂办得很好，希望继续保持。"])[0] == "praise"


def test_unsure_praise_falls_back_to_the_fields_kind(kinds):
    # the model calls this praise though nothing in it says something was done well:
    # the field's kind wins, or problem without one
    plain = "昨天去新开的图书馆看了看。"  # under 意见建议 the model's praise, below MODEL_PRAISE
    before = clone(kinds).set_params(evidence=False).fit()  # fitted once per process: cheap
    assert before.predict([plain], ["意见建议"])[0] == "praise"  # the check is what changed
    assert list(kinds.predict([plain] * 3, [None, "存在问题", "意见建议"])) == ["problem", "problem", "suggestion"]
    kind, rule, why = kinds.explain(plain, "意见建议")
    assert (kind, rule) == ("suggestion", "evidence") and "肯定" in why
    assert kinds.predict(["现在社会竞争激烈，我们都是这样过来的。"])[0] != "none"  # no "nothing to say" cue


@pytest.mark.parametrize("text", ["这项工作成效明显，值得肯定。", "服务很好，非常满意。", "以前办事要跑好几趟，现在一次就办好了，方便多了。",
                                  "感谢市局这几年的工作，知识产权服务做得很好。", "医生看病很仔细，讲解也耐心。"])
def test_real_praise_still_is_praise(kinds, text):
    assert kinds.predict([text], ["存在问题"])[0] == "praise"


def test_praise_with_a_complaint_after_it_is_not_praise(kinds):
    assert kinds.predict(["质量不错，包装很好，就是三天就坏了"])[0] != "praise"
    assert kinds.predict(["位置还不错，其他真的没有值得推荐的地方，后悔"])[0] != "praise"
    assert kinds.predict(["听起来是挺好的，说是推出了便民服务"])[0] != "praise"  # hearsay


@pytest.mark.parametrize("text, kind", [("暂无", "none"), ("没有", "none"), ("不清楚", "none"), ("……", "none"),
                                        ("同意前面几位的发言。", "none"), ("我今天是陪同领导来的，就不多说了。", "none"),
                                        ("熏死树木。", "problem"), ("一直无人管理。", "problem"),
                                        ("得到学生以及家长的赞同与拥护。", "not none"), ("测试", "none"),
                                        ("Dota2大规模测试即将开始 可邀请好友", "not none")])
def test_none_needs_a_contentless_answer(kinds, text, kind):
    said = kinds.predict([text])[0]
    # "赞同" alone is no "同意以上意见"; a title that mentions a test is no test submission
    assert said != "none" if kind == "not none" else said == kind


@pytest.mark.parametrize("text", [
    "以前这条路坑坑洼洼，下雨天没法走，现在修平了，走着踏实多了。",   # before → now: the complaint is the past
    "老旧小区改造以后，楼道亮了，路也平了。",                          # a result after something done
    "虽然还有一些不足，但总的来说这几年变化很大，群众是满意的。",      # a concession, then the judgment
    "帮了我们大忙，靠这笔贷款渡过了难关。",                            # a difficulty overcome is no complaint
    "全县农村公路硬化实现全覆盖。",                                    # an achievement as a report states it
])
def test_a_change_for_the_better_is_praise(kinds, text):
    assert kinds.predict([text], ["存在问题"])[0] == "praise"


@pytest.mark.parametrize("text", [
    "以前能在镇上办，现在要跑到县里，太不方便了。",       # a turn for the worse
    "原来农村都用有线电话，现在不用了，线路也没人管。",   # "不用" of a thing no longer used, then a complaint
    "企业知识产权意识和能力需要进一步提升。",             # still to do: no achievement
    "这意味着全市5G网络全覆盖。",                         # an inference, not a report
    "着力在专利申请和授权上取得突破。",                   # a target, not a result
])
def test_a_turn_for_the_worse_or_a_target_is_not_praise(kinds, text):
    assert kinds.predict([text], ["存在问题"])[0] != "praise"


@pytest.mark.parametrize("text, p, ok", [
    ("这几年外出打工的年轻人陆续都回来了。", 0.9, True),             # no listed cue: the model's word stands
    ("这几年外出打工的年轻人陆续都回来了。", 0.5, False),            # … only when it is sure
    ("以前一到夏天河边就臭，现在河水清了，也不臭了。", 0.9, True),   # the complaint words are the past, or negated
    ("以前就臭，现在还是臭。", 0.95, False),                          # still wrong now
    ("以前路不好走，现在还是坑坑洼洼，没人管。", 0.95, False),
    ("这几年年轻人都回来了，希望多修几条路。", 0.95, False),          # a request
    ("尊敬的领导：您好！我们小区新修了花园。", 0.95, False),          # a letter's greeting
    ("职工们对公司每天提供的免费午餐表示感谢。", 0.95, True),         # thanks for what was done is praise's own
    ("年轻人都回来了，村里必须加强管理。", 0.95, False),              # a demand
])
def test_praise_on_the_models_word_needs_nothing_wrong_now(text, p, ok):
    assert praise_allowed(text, p, praise_cue)[0] is ok, praise_allowed(text, p, praise_cue)


def test_a_negated_or_past_complaint_word_is_none():
    assert wrong_now("现在河水清了，也不臭了。") == "" and wrong_now("这里还是很臭。") == "臭"
    assert wrong_now("出门不方便。") == "不方便"  # a complaint word of its own stays one
    assert wrong_now("实在是太高兴了！") == ""  # 太高兴 is no 太高
    assert now_part("以前一下雨就积水，现在排水管换了。") == "现在排水管换了。" and now_part("现在排水管换了。") == ""
    assert praise_allowed("修好以后，可以说是方便多了。", None, praise_cue)[0]  # "可以说是" stresses, reports nothing



@pytest.mark.parametrize("text, ok", [
    ("村里反映的急难愁盼问题都能得到解决。", True),              # a set phrase: its 盼 asks nothing, its 难 is solved
    ("大家提的几条意见，没有一条被推诿，均得到了及时答复。", True),  # a wrong denied, all set right
    ("局里了解小微企业融资的实际困难，这次的贴息政策很务实。", True),  # difficulties understood; approval of a policy
    ("多亏修了这条路，我们才告别了苦日子。", True),                # hard days left behind
    ("下雨天气不好，志愿者们也照样上门送菜。", True),              # the weather is no complaint
    ("今年给企业减的税，应该超过了两百万。", True),                # 应该 as "probably" asks nothing
    ("这个问题两年了都没有得到解决。", False),                     # a problem not solved is one
    ("这个问题应该尽快解决。", False),                             # 应该 as "should" asks
    ("急难愁盼问题还是没人管。", False),
])
def test_problems_told_as_solved_and_probable_amounts_do_not_veto_praise(text, ok):
    assert praise_allowed(text, 0.9, praise_cue)[0] is ok, praise_allowed(text, 0.9, praise_cue)

# Praise on the model's word is read in its answer (StatementKinds.within_answers): the calls below are given
# by hand, so these test the rule alone, whatever the model says of them.
PROUD = "安全生产是职工的生命，厂里每天早上都开班前会。"  # no listed cue: praise only on the model's word
STORY = "本人2016年在某区买了一套房，交了5万元定金。"


@pytest.fixture(scope="module")
def rules():
    return StatementKinds(learned=False).fit()


@pytest.mark.parametrize("other", ["车间夜里加班到两点，加班费拖欠了三个月，没人管。",   # a complaint
                                   "请问这种情况应该找哪个部门？",                        # a question
                                   "希望有关部门尽快来查一查。"])                          # a request
def test_praise_on_the_models_word_inside_an_answer_that_complains_is_the_answers(rules, other):
    kinds = rules.within_answers([PROUD, other], None, ["praise", "problem"], [7, 7])
    assert list(kinds) == ["problem", "problem"]
    # the field's kind, as for any praise call that lacks its evidence
    assert rules.within_answers([PROUD, other], ["意见建议"] * 2, ["praise", "suggestion"], [7, 7])[0] == "suggestion"
    # the writer's own story opens a grievance: its answer says so, not a list of story words
    assert rules.within_answers([STORY, other], None, ["praise", "problem"], [0, 0])[0] == "problem"


def test_praise_on_the_models_word_stands_alone_or_among_praise(rules):
    alone = rules.within_answers([PROUD, "加班费拖欠了三个月，没人管。"], None, ["praise", "problem"], [0, 1])
    assert list(alone) == ["praise", "problem"]  # a round-table quote is its own answer
    praise_only = [PROUD, "这几年外出打工的年轻人陆续都回来了。", "谢谢！"]
    assert list(rules.within_answers(praise_only, None, ["praise", "praise", "none"], [3, 3, 3])) == \
        ["praise", "praise", "none"]
    # what a listed cue says stays: a kind is a label, and such praise is real inside a complaint too
    cue = ["窗口的工作人员服务很好。", "可是停车位太少了，每次都要转好几圈。"]
    assert list(rules.within_answers(cue, None, ["praise", "problem"], [0, 0])) == ["praise", "problem"]
    # the calls as made before issue 24 (`evidence=False`) are left alone
    before = clone(rules).set_params(evidence=False)
    assert list(before.within_answers([PROUD, "加班费拖欠了三个月。"], None, ["praise", "problem"], [0, 0]))[0] == "praise"



def test_a_speech_that_opens_with_praise_and_then_turns_keeps_its_praise(rules):
    # a round-table answer: acknowledgement first, then 但是 / 建议 — the opening praise is the speaker's own
    speech = [PROUD, "但是车间夜里加班到两点，加班费拖欠了三个月。", "建议劳动部门定期来查一查。"]
    assert list(rules.within_answers(speech, None, ["praise", "problem", "suggestion"], [0] * 3)) == \
        ["praise", "problem", "suggestion"]
    # without the turn, or after a complaint, the proud sentence is the letter's
    assert rules.within_answers([PROUD, speech[1][2:]], None, ["praise", "problem"], [0, 0])[0] == "problem"
    assert rules.within_answers([speech[1], PROUD], None, ["problem", "praise"], [0, 0])[1] == "problem"

def test_the_pipeline_reads_each_statement_in_its_row(monkeypatch):
    from analysis import pipeline

    seen = []
    real = StatementKinds.within_answers

    def spy(self, texts, fields, kinds, answers):
        seen.append(list(answers))
        return real(self, texts, fields, kinds, answers)

    monkeypatch.setattr(StatementKinds, "within_answers", spy)
    out = pipeline.analyze(["停车位太少。希望多建几个停车场。", None, "服务很好。"], representation="tfidf")
    assert seen == [[s["row"] for s in out["statements"]]] == [[0, 0, 2]]


def test_the_achievements_field_is_a_prior_for_praise(kinds, rules):
    # a measure taken, as the 成效 section of an evaluation reports it, reads like a proposal without its field
    measure = "向产业园区派驻知识产权专员，开展一对一指导服务。"
    assert kinds.predict([measure], ["成效"])[0] == "praise"
    assert rules.predict([measure], ["成效"])[0] == "praise"
    # under 成效 too, a complaint, a question or a request is an issue
    for text in ["审查周期还是太长，企业等不起。", "专利资助什么时候才能发下来？", "建议把补贴标准再提高一些。"]:
        assert kinds.predict([text], ["成效"])[0] in ("problem", "suggestion"), text
    # a plain fact typed under 成效 inside an answer that complains is the answer's
    answer = [measure, "但是补贴拖欠了一年多，没人管。"]
    assert list(rules.within_answers(answer[::-1], ["成效"] * 2, ["problem", "praise"], [0, 0])) == ["problem", "problem"]
    from analysis.kind_names import placed_kind
    assert placed_kind("praise", "成效") == "problem" and placed_kind("none", "意见建议") == "suggestion"


def test_a_hedge_word_yields_to_a_sure_model_but_a_complaint_does_not():
    """A promise kept ("承诺…都开园了") is praise when the model is sure (p ≥ MODEL_SURE); a hedge still refuses a rule's
    praise or an unsure model's, and a complaint, question or request refuses even a sure model's."""
    kept = "去年区里承诺新建三所幼儿园，今年秋天都开园了，孩子上学近多了。"
    assert praise_allowed(kept, 0.95, praise_cue)[0]
    for p in (None, 0.7):
        assert praise_allowed(kept, p, praise_cue) == (False, "转述或揣测：承诺")
    for text in ("去年区里承诺新建三所幼儿园，到现在一所都没开，孩子上学还是太远。", "承诺的幼儿园什么时候能开园？"):
        assert not praise_allowed(text, 0.99, praise_cue)[0], text


@pytest.mark.parametrize("text", ["漏了，漏了，瓶子漏了，很生气很生气", "感觉是假的，洗完头皮特别痒",  # written for the test
                                  "用了两次，卡得厉害，质量明显下降了", "很无语，龟速，服务非常僵硬",
                                  "包装不错，东西可咋说，不咋地。", "与描述不符，个头小，一点都不甜",
                                  "我这辈子都不会给好评，因为太烂", "除了位置还算不错，其他真的没有值得推荐的地方"])
def test_a_buyers_complaint_words_and_a_negated_or_excepted_praise_word_are_no_praise(text):
    """What a buyer says of a bad thing or of how it feels (生气, 痒, 假的, 不咋地, 不甜, 烂) is a complaint; a praise word
    under a negation further back in its clause ("不会…给好评") or the one thing excepted ("除了…不错，其他…") is none."""
    assert not praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)


def test_a_wrong_said_of_others_and_an_overall_verdict_keep_praise():
    for text in ("还不错，香甜可口，包装好，速度快，不像其他地方那样买回来烂的", "唯一的缺点是电量不耐用，总之挺满意的",
                 "除了价格便宜，质量也很好", "用了不会头痒，很满意", "质量很好，没有色差，包装完整没有破损，赞"):
        assert praise_allowed(text, 0.9, praise_cue)[0], text


def test_the_models_praise_of_a_sentence_that_turns_away_does_not_stand():
    # a letter's sentence that opens with 可/但是 leads to what is wrong; "但现在…" is before → now
    assert not praise_allowed("可就是因为此处路面宽、人流量大，各路商贩都盯上了这块宝地。", 0.9, praise_cue)[0]
    assert praise_allowed("但现在家门口就有了卫生室，看病近多了。", 0.9, praise_cue)[0]


def test_kexi_and_keyi_are_no_turn_for_the_kind_stage_either():
    # the report's check and the kind stage's are one pattern (analysis.turns): "可以说…" opens no turn, and
    # neither do 可喜/但愿; "却…" (a turn the report's check had and the kind stage's lacked) does
    for text in ("可以说，外出打工的年轻人这几年陆续都回来了。", "可喜的是，外出打工的年轻人这几年陆续都回来了。"):
        assert praise_allowed(text, 0.9, praise_cue)[0], text
    assert not praise_allowed("却说外出打工的年轻人这几年陆续都回来了。", 0.9, praise_cue)[0]
    assert turns_away("但是审查周期偏长") and turns_away("，可是停车位太少了") and not turns_away("但愿明年更好")


def test_the_writers_own_account_between_complaints_is_the_letters(rules):
    proud = "当年我们也是考进的专业学校，在校我们学习非常扎实。"  # a listed cue (非常扎实), first person
    told = ["我们是86年招收的专业幼师。", "18岁毕业后就工作在教育战线上。", "至今也有20多年的教龄了。"]
    letter = [*told, "招聘设卡35岁，我们觉得太不公平了！", proud, "如果是因为年龄，我们就觉得太不公平！"]
    called = ["problem"] * 4 + ["praise", "problem"]
    assert list(rules.within_answers(letter, None, called, [0] * 6)) == ["problem"] * 6
    # not between complaints, not the writer's own, or a short answer (a review): the cue's praise stands
    assert rules.within_answers(letter[4:] + told, None, ["praise"] + ["problem"] * 4, [0] * 5)[0] == "praise"
    other = [*told, "招聘设卡35岁，太不公平了！", "窗口的工作人员服务很好。", "可是停车位太少了。"]
    assert rules.within_answers(other, None, ["problem"] * 4 + ["praise", "problem"], [0] * 6)[4] == "praise"
    assert rules.within_answers(letter[3:], None, ["problem", "praise", "problem"], [0] * 3)[1] == "praise"


def test_a_rhetorical_question_that_affirms_asks_nothing():
    # "这不正是…吗！" affirms; a real question, or a complaint put rhetorically, still is no praise
    assert praise_allowed("现在院子里干净又整洁，这不正是大家盼了多年的好日子吗！", 0.9, praise_cue)[0]
    assert not praise_allowed("这不是明摆着欺负老实人吗？", 0.9, praise_cue)[0]
    assert not praise_allowed("这不就是变相乱收费嘛！", 0.9, praise_cue)[0]


def test_spoken_praise_of_a_change_has_its_cues():
    # warmed hearts, an effort not wasted, what was once unthinkable; "后果不敢想" is no praise
    assert praise_allowed("这件事不大，可暖的是老百姓的心。", None, praise_cue)[0]
    assert praise_allowed("真不容易，大家这一年的辛苦没有白费。", None, praise_cue)[0]
    assert praise_allowed("在家门口的卫生院做手术，这在以前是想都不敢想的。", None, praise_cue)[0]
    assert not praise_allowed("真出了事，后果不敢想。", None, praise_cue)[0]


def test_a_nuisance_cleared_away_is_no_complaint():
    assert praise_allowed("楼下堆了几年的垃圾杂草都清理了，老人孩子进出都敞亮。", 0.9, praise_cue)[0]
    assert not praise_allowed("楼道里的垃圾堆了一个月，没人清理。", 0.9, praise_cue)[0]


def test_a_wish_to_keep_it_going_and_a_matter_done_are_praise(rules):
    # "真希望能一直搞下去" is praise's own wish; "那事儿…就办好啦", "日子更红火了" tell what went well
    assert praise_allowed("这个活动帮我们办了很多实事，真希望能一直搞下去。", 0.7, praise_cue)[0]
    for text in ("我上回反映的那件事，不到半个月就办好啦！", "路通了，往后村里的日子更红火了。"):
        assert rules.predict([text])[0] == "praise", text
    assert rules.predict(["我反映的事到现在还没办好。"])[0] == "problem"


def test_credit_given_counterfactually_is_no_hedge_and_free_is_praise():
    # "如果不是…推一把" credits who did it ("如果…就好了" or a promise still hedges); costing nothing is a benefit
    assert praise_allowed("如果不是村里推一把，这条路再等十年也修不起来，村干部值得表扬。", None, praise_cue)[0]
    assert not praise_allowed("如果能把路修好，大家都会满意。", None, praise_cue)[0]
    assert praise_allowed("换新的燃气管我们几乎没有花钱，用着也放心。", None, praise_cue)[0]
    assert praise_allowed("这个补贴政策就是好。", None, praise_cue)[0]


def test_a_nuisance_no_longer_there_is_praise(rules):
    # "没有…臭味了": the nuisance is gone; "没有人管" or a smell that is still there is no praise
    assert rules.predict(["河道清理以后，夏天也没有臭味了。"])[0] == "praise"
    assert rules.predict(["河道里的臭味一直没有人管。"])[0] == "problem"
