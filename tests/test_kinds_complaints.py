"""Real complaints are not praise or none (issue 24 item 2, branch kinds8): a buyer's, a guest's or a reader's fault
words (analysis._kinds_complaints), small faults that keep the model's praise from standing, and a none call with a
complaint beside its no-answer words. Statements written for the tests (the evidence is in benchmarks/RESULTS.md)."""
import pytest

from analysis import StatementKinds
from analysis._kinds_evidence import none_allowed, praise_allowed, wrong_now
from analysis.kinds import praise_cue


@pytest.fixture(scope="module")
def kinds():
    return StatementKinds().fit()


@pytest.mark.parametrize("text", [
    "书印得不错，内容很空洞",                 # a reader's fault after the cue
    "没送赠品，衣服还不错",                   # a thing missing, before the cue
    "客服爱理不理，东西倒是挺好",
    "唯一的优点是便宜",                        # the one good thing said is no praise
    "设施太一般了，住一晚凑合",
    "很渣，穿一次就开线",                      # no cue: the model's word does not stand on a fault
    "拿到手颜色也不对，真是受够了",
    "感觉好假，不敢再买了",
])
def test_a_buyers_fault_words_refuse_praise(text):
    assert not praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)


@pytest.mark.parametrize("text", ["不起球，不掉色，很满意", "没有异味，质量很好", "适老化改造做得很好，老人们都说方便"])
def test_a_negated_fault_and_a_look_alike_keep_praise(text):
    assert praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)


def test_a_small_fault_keeps_the_models_praise_from_standing_but_not_a_listed_cue():
    # positive reviews name small faults beside their praise as often as negative ones do ("码数偏小，质量很不错")
    assert wrong_now("电池有点小热") == "有点小" and wrong_now("房间略显陈旧") == "略显陈旧"
    assert not praise_allowed("房间有点旧，走廊有股味道", 0.9, praise_cue)[0]
    assert praise_allowed("码数偏小，质量很不错", 0.9, praise_cue)[0]
    assert praise_allowed("码数偏小，质量很不错", None, praise_cue)[0]
    assert wrong_now("有点小激动，终于到了") == ""


def test_none_needs_no_complaint_beside_its_no_answer_words(kinds):
    for text in ("没啥可说的，差评", "没有想象中那么好", "说不上来，只能说很失望"):
        assert not none_allowed(text, None)[0], text
        assert kinds.predict([text])[0] == "problem", text
    for text in ("没有什么意见", "这个问题我回去再想想，到时候书面报上来。", "不了解", "暂无问题"):
        assert none_allowed(text, None)[0], (text, none_allowed(text, None))


@pytest.mark.parametrize("text", ["两件衣服两个颜色，我也是醉了", "收到就是坏的，给了一星", "店家不厚道，包装倒挺好"])
def test_a_netizens_complaint_idioms_refuse_praise(text):
    assert not praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)
    assert praise_allowed("朋友喝醉了，服务员帮着把他背回房间，很满意", 0.9, praise_cue)[0]  # 喝醉 is no 醉了


def test_a_fault_before_praise_of_the_past_is_no_praise():
    # the fault is now, the praise is of before: "之前" after the fault does not make the fault the past
    assert not praise_allowed("这次的苹果非常差劲，之前买过两次，都挺不错", None, praise_cue)[0]
    # a past or a concession before the fault, or a word of now after it, still does
    for text in ("以前办事难，现在方便多了", "虽然还有不足，但群众是满意的", "路很烂，改造后很不错"):
        assert praise_allowed(text, None, praise_cue)[0], text


def test_a_fact_that_a_refused_praise_or_none_call_falls_back_on_is_no_proposal(kinds):
    # "截至…", "直到…", "引起…" open with a verb, which the rules' guess takes for a proposal; a letter's fact whose
    # praise or none call lacked evidence falls back to problem, a proposal still to suggestion
    from analysis._kinds_complaints import told

    assert told("截至去年底，本人已缴纳养老保险85个月。") == "截至" and told("加强对代理机构的监管。") == ""
    for text in ("截至去年底，本人已缴纳养老保险85个月。", "引起众多业主口诛笔伐。", "只能等着。"):
        assert kinds._fallback(text, None) == "problem", text
    assert kinds._fallback("加强对代理机构的监管。", None) == "suggestion"


@pytest.mark.parametrize("text", ["包装挺好，就是质量一无是处，千万别买", "收到屏幕就花屏，申请返修了，客服态度还不错", "只能给一星"])
def test_words_that_lean_to_negative_reviews_refuse_praise(text):
    assert not praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)
    assert praise_allowed("一星期就到了，很满意", 0.9, praise_cue)[0]  # 一星期 is no 一星


@pytest.mark.parametrize("text", [
    "昨天刚下单，今天就降价了，物流倒是很快",      # a price cut just after buying
    "感觉像假的，包装还不错",                       # a fake
    "橙子都蔫了，快递小哥服务很好",                 # a thing gone off
    "洗衣液很稀，瓶子倒挺好看",
    "售后太让人崩溃了，东西还行吧，挺好用",         # a verdict
    "不想多说，快递员态度很好",                     # not worth a word
    "一次不如一次，送货倒是很快",                   # worse each time
])
def test_a_buyers_letdown_refuses_praise(text):
    assert not praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)


@pytest.mark.parametrize("text", [
    "赶上降价，很划算，质量很好",                   # a cut met by chance names no purchase before it
    "穿着很舒服，老公很稀饭",                       # 稀饭 (喜欢) is no thin liquid
    "不像假的，质量很好",                           # a fake denied
])
def test_a_cut_met_by_chance_and_a_look_alike_keep_praise(text):
    assert praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)


def test_a_plan_for_later_does_not_make_a_complaint_the_past():
    # "以后" opening a clause is what the writer will do, not a change that came: the fault before it still holds
    assert not praise_allowed("橘子烂了一半，以后还是去超市买比较好", None, praise_cue)[0]
    assert not praise_allowed("房间很脏，以后不会再住了，还是别家比较好", None, praise_cue)[0]
    # a change after something was done still makes the complaint before it the past
    assert praise_allowed("路面很烂，改造以后平整多了，大家都很满意", None, praise_cue)[0]


@pytest.mark.parametrize("text", [
    "印刷质量很次，封面倒挺好看",                   # poor quality
    "故事写得很别扭，插图还不错",                   # a book that gives nothing
    "不痛不痒的一本书，纸张挺好",
    "用了三次就悲剧了，客服态度倒是很好",
    "前天刚抢购，今天就降价了，物流挺快",           # a price cut after a purchase of any word
    "这就是所谓的正品，包装倒挺好",                 # mockery
    "什么鬼东西，快递员还不错",
    "买亏了，物流很快",                             # a loss
    "和图片不一样，快递倒是很快",                   # not as pictured
    "拿到手像旧的一样，包装挺好",                   # used
])
def test_a_poor_thing_said_plainly_refuses_praise(text):
    assert not praise_allowed(text, 0.9, praise_cue)[0], praise_allowed(text, 0.9, praise_cue)
    assert praise_allowed("这次买的很好，质量不错", 0.9, praise_cue)[0]  # 这次 is no 很次
    assert praise_allowed("和图片一样，质量很好", 0.9, praise_cue)[0]
