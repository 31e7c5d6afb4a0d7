"""Reported speech (survey/reports/speech.py), the occasion's words (occasion.py) and who took
part (people.py): pure functions, no database."""
from types import SimpleNamespace as NS

import pytest

from survey.reports.occasion import occasion_for
from survey.reports.people import answers_by_type, organisations_of, participants_of
from survey.reports.speech import (
    clause_for,
    fits,
    praise_clause,
    problem_clause,
    problem_sentence,
    suggestion_clause,
    terms,
    third_person,
)

FIRST_PERSON = ("我", "咱", "俺")


@pytest.mark.parametrize("text, kind, expected", [
    ("政府欠我们的工程款两年多了还没结清，我们只能借钱给工人发工资。", "企业",
     "政府欠其工程款两年多了还没结清，企业只能借钱给工人发工资"),
    ("同行仿我们的产品外观，在电商平台上低价卖。", "企业", "同行仿其产品外观，在电商平台上低价卖"),
    ("我们学校植物新品种权比较多，但品种被套牌的情况时有发生。", "高校/科研院所", "所在学校植物新品种权比较多，但品种被套牌的情况时有发生"),
    ("县里企业不少连商标都没注册，被人抢注了才来找我们。", "政府部门", "县里企业不少连商标都没注册，被人抢注了才来找相关部门"),
    ("我市的代理机构规模小。", "服务机构", "本市的代理机构规模小"),
])
def test_first_person_is_reported_in_the_third(text, kind, expected):
    said = problem_clause(text, kind)
    assert said == expected
    assert not any(p in said for p in FIRST_PERSON)


@pytest.mark.parametrize("text", ["我超生要罚31万，我一家七口还吃饭吗", "俺家的店被罚了。", "你们到底管不管？",
                                  "网约车无序，出租车司机的权益谁来保障"])
def test_what_cannot_be_said_in_the_third_person_or_is_a_question_is_not_used(text):
    said = problem_clause(text, "个人/群众")
    assert said is None or ("谁" not in said and not any(p in said for p in FIRST_PERSON)), said
    assert third_person("我觉得不好") is None


def test_each_kind_has_its_own_clause():
    # a problem never opens with a request
    assert problem_clause("建议加大对电商平台侵权的打击力度。") is None
    # a suggestion asks for something: a complaint typed under 意见建议 is not a suggestion
    assert suggestion_clause("执法人员对专利侵权判断比较谨慎，外观设计还好，发明专利的案子基本都建议我们去法院。", "企业") is None
    assert suggestion_clause("宣传做得不错，建议除了4·26前后，平时也多进企业。") == "除了4·26前后，平时也多进企业"
    assert suggestion_clause("奖补资金能不能网上申报、网上公示进度，尽量当年兑现。") == "奖补资金网上申报、网上公示进度，尽量当年兑现"
    assert suggestion_clause("希望继续支持企业贯标和示范企业培育，我们正准备申报国家知识产权示范企业。") == "继续支持企业贯标和示范企业培育"
    # praise stops before its 但, and a complaint or a request is not praise
    assert praise_clause("总体感觉这两年专利审查和维权服务改善明显，但费用还是高。") == "这两年专利审查和维权服务改善明显"
    assert praise_clause("银行贷款利率和担保费加起来太高了。") is None
    assert praise_clause("继续保持。") is None
    assert clause_for("none", "没有问题") is None


def test_an_example_fits_its_point_or_is_not_used():
    """(二) 一是 of the seed plan is about enterprises' awareness and ability, not about how
    long the patent office takes."""
    point = problem_sentence(NS(description="企业知识产权意识和能力需要进一步提升：发明专利数量质量虽有提升，但差距较大。",
                                name="企业知识产权意识和能力"))
    assert point == "企业知识产权意识和能力需要进一步提升。"
    keywords = ("企业", "意识", "能力", "发明专利", "专利质量", "研发", "申请")
    point_terms = terms(point, "企业知识产权意识和能力", keywords=keywords, title="泰安市“十四五”知识产权保护和运用规划")
    assert "发明专利" not in point_terms  # a keyword of the category, but not of the point as printed
    assert not fits(problem_clause("发明专利审查周期还是偏长，有的等了两年多。"), point_terms)
    assert fits(problem_clause("县里企业知识产权意识普遍薄弱，不少企业连商标都没注册。"), point_terms)
    assert fits(problem_clause("公司规模不大，没有专职知识产权人员。"), point_terms)  # 公司 is an enterprise
    # the plan's title is what every point is about: it makes nothing fit
    leadership = terms("加强组织领导", "成立市优化营商环境工作领导小组，建立定期调度和问题清单销号制度。",
                       title="市优化营商环境三年行动方案（2024—2026年）")
    assert not fits("优化一网通办系统，提升线上办理体验", leadership)
    assert not fits("细化处罚标准，推行轻微违法免罚清单", leadership)
    # a keyword every point shares (政策) makes nothing fit: a letter on family planning does not
    # illustrate the business plan's 惠企政策落实 (the anonymous letters' draft said so)
    delivery = terms(problem_sentence(NS(description="惠企政策知晓度低、申报复杂、兑现慢，奖补资金拖延，政策变化快企业跟不上。",
                                         name="惠企政策落实")), "惠企政策落实",
                     keywords=("政策", "补贴", "奖补", "申报", "兑现"), title="市优化营商环境三年行动方案（2024—2026年）")
    assert not fits(problem_clause("就独生女父母辈来说：以前国家强制计划生育，为响应国家政策都结扎了。"), delivery)
    assert fits(problem_clause("去年的奖补资金到现在还没拨下来。"), delivery)
    # where the plan gives keywords, one other shared word is not enough (正常 from 影响正常经营)
    enforcement = terms(problem_sentence(NS(description="多头检查、重复检查，执法标准不一，小问题罚款过重，检查影响正常经营。",
                                            name="监管执法")), "监管执法", keywords=("检查", "执法", "罚款"),
                        title="市优化营商环境三年行动方案（2024—2026年）")
    assert not fits(problem_clause("现在每天被电话骚扰得正常的休息都不能了。"), enforcement)
    assert fits(problem_clause("一个月来了三拨检查的。"), enforcement)  # a keyword
    assert fits(problem_clause("商店出店经营，影响行车安全。"), enforcement)  # two of its words
    # a measure has no keywords: one of its words is enough, as before
    publicity = terms("加大知识产权宣传普及", "运用多种形式和渠道宣传知识产权保护，强化全民知识产权保护意识。",
                      title="泰安市“十四五”知识产权保护和运用规划")
    assert fits(suggestion_clause("宣传要下沉到乡镇和园区，结合开业登记、年报时一并提醒企业注册商标。"), publicity)


def _session(ident, *, anonymous=False, form="专题座谈会", roster=()):
    return NS(id=ident, anonymous=anonymous, form=form,
              roster=[NS(organisation=o, person=p, organisation_type=t) for o, p, t in roster])


def test_the_occasion_decides_the_words():
    table = occasion_for([_session(1)])
    assert (table.kind, table.event, table.person, table.units) == ("roundtable", "座谈", "参会代表", "参会单位")
    online = occasion_for([_session(1, anonymous=True, form="问卷调查")])
    assert (online.kind, online.event, online.person, online.units) == ("consultation", "征求意见", "参与者", "社会各界")
    assert not online.named and online.anonymous
    named_survey = occasion_for([_session(1, form="问卷调查")])
    assert (named_survey.event, named_survey.person, named_survey.units) == ("问卷调查", "参与者", "参与单位")
    both = occasion_for([_session(1), _session(2, anonymous=True, form="问卷调查")])
    assert (both.kind, both.person) == ("mixed", "参与人员") and both.named and both.anonymous


def test_participants_are_the_roster_and_every_organisation_that_answered():
    named = _session(1, roster=[("力博重工科技股份有限公司", "", "企业"), ("山东科技大学", "宋庆军", "高校/科研院所")])
    online = _session(2, anonymous=True, form="问卷调查")
    answers = [NS(session_id=1, organisation="力博重工", organisation_type="企业"),  # the roster's, written short
               NS(session_id=1, organisation="泰安某代理事务所", organisation_type="服务机构"),
               NS(session_id=1, organisation="泰安某代理事务所 ", organisation_type="服务机构"),
               NS(session_id=2, organisation="", organisation_type="个人/群众"),
               NS(session_id=2, organisation="", organisation_type="")]
    rows = participants_of([named, online], answers)
    assert [(p.organisation, p.person, p.on_roster) for p in rows] == [
        ("力博重工科技股份有限公司", "", True), ("山东科技大学", "宋庆军", True), ("泰安某代理事务所", "", False)]
    assert organisations_of(rows) == ["力博重工科技股份有限公司", "山东科技大学", "泰安某代理事务所"]
    # the anonymous session names nobody: answers per type, 未填写 last
    assert answers_by_type([named, online], answers, ["企业", "个人/群众", "其他"]) == {"个人/群众": 1, "未填写": 1}


@pytest.mark.parametrize("text", [
    "试问如此系统逻辑不严谨，数据记录不详细，随意更改参保人记录的所谓官方新媒体平台，评选委员会是如何评审的？",
    "难道这是本科新出台的政策嘛？",  # the question mark is its own piece: still a question
    "并且一直在A市人社12333微信公众号和A市人社网页版个人社保系统内均可查到相应的养老保险参保缴费记录。",
    "于是，我带着同样的疑问去询问9号窗口工作人员。",
    "打扰局长，盼能说明政策。谢谢！",
    "贵部门了解A市老百姓疾苦，在某些方面予以改革完善。",
    "此举严重影响了高考学子与周边居民的学习与生活。",  # what 此举 was is in a sentence before it
    "他们说成本达3800元/㎡。",
])
def test_a_story_s_continuation_a_rhetorical_question_or_a_courtesy_is_no_problem_clause(text):
    """Real message-board letters (citizen_messages_dev.csv): what these open with cannot stand
    alone after "反映"."""
    assert problem_clause(text, "") is None


def test_courtesy_and_a_cut_preposition_are_left_out_of_the_clause():
    assert problem_clause("领导您好！小区门口路灯坏了三个月没人修。") == "小区门口路灯坏了三个月没人修"
    assert problem_clause("补贴标准太低，能不能提高？") == "补贴标准太低"
    # cut for length inside a sentence: "把个本不宽敞的路面" waits for its verb, so it goes too
    assert problem_clause("如今的港口街，街不街、市不市，成了停车场，把个本不宽敞的路面，硬搞的乱象横生。") == \
        "如今的港口街，街不街、市不市，成了停车场"
    assert suggestion_clause("打扰局长，盼能说明政策。谢谢！") == "说明政策"


def test_a_problem_s_example_says_what_is_wrong_before_a_plain_fact():
    """Two statements of one letter in one theme: the fact that opens it ranks first by
    confidence, but the example is the one that names what is wrong."""
    from survey.reports.voices import Group, examples

    def row(ident, text, confidence):
        return NS(id=ident, text=text, organisation_type="", has_contact=False, reviewed=False,
                  confidence=confidence)

    fact = row(1, "L市发展和改革委员会日前发布《关于召开物业服务收费政策听证会的第二次公告》。", 0.9)
    wrong = row(2, "装修垃圾清运费拟从每平方米3元调整为4.5元，收费标准过高。", 0.6)
    found = examples(Group("problem", 7, [fact, wrong]))
    assert [r.id for r, _ in found] == [2, 1]


@pytest.mark.parametrize("text", ["希望得到帮助。", "请领导重视解决。", "希望能尽快解决", "请领导慎重考虑！谢谢！"])
def test_a_request_for_help_or_attention_alone_is_no_suggestion_clause(text):
    """Real letters (citizen_messages_dev.csv) end so; "3位参与者提出得到帮助等建议" says nothing."""
    assert suggestion_clause(text) is None


def test_a_request_that_names_what_to_do_keeps_its_clause():
    assert suggestion_clause("希望有关部门出面管一管，还路于民。") == "有关部门出面管一管，还路于民"
    assert suggestion_clause("建议尽快解决小区停车问题。") == "尽快解决小区停车问题"


@pytest.mark.parametrize("named", [False, True])
def test_one_writer_s_plain_fact_is_no_problem_at_a_consultation(named):
    """A letter's sentence of fact ("……日前发布《……》") in a theme of its own is left out of
    （二） of an anonymous consultation; a round-table remark is its point however it is worded
    ("不少企业把专利当成……的工具"), so a named session keeps it, as it keeps a writer's
    sentence that names what is wrong."""
    from survey.reports.voices import Group, voice

    def row(ident, text, response):
        return NS(id=ident, response_id=response, text=text, kind="problem", theme_id=None,
                  organisation_type="", organisation="", organisation_key="", has_contact=False,
                  reviewed=False, confidence=0.8, theme_label="", theme_machine_label=True)

    data = NS(decisions={}, occasion=NS(named=named, person="参与者"), statements=[])
    fact = row(1, "L市发展和改革委员会日前发布《关于召开物业服务收费政策听证会的第二次公告》。", 1)
    wrong = row(2, "小区门口的烧烤摊油烟扰民，晚上吵得睡不着。", 2)
    data.statements = [fact, wrong]
    said = voice("problems", Group("problem", None, [fact]), data, key="problem:s1")
    assert (said is not None) == named
    kept = voice("problems", Group("problem", None, [wrong]), data, key="problem:s2")
    assert kept is not None and "油烟扰民" in kept.text


@pytest.mark.parametrize("text", ["到底有没有个准确时间。", "H市招投标市场乱象何时了。", "好像是不是前段时间是宪法日。",
                                  "是否开工建设，高速路线示意图是否有。", "那就乱摆乱放占道经营都可以，城管都不要管事了。",
                                  "如果是因为年龄的关系，我们就觉得太不公平。"])
def test_a_question_without_its_mark_a_sneer_or_a_condition_is_no_problem_clause(text):
    """Real message-board letters: "5位参与者反映到底有没有个准确时间等问题" reports nothing."""
    assert problem_clause(text, "") is None


def test_praise_in_the_middle_of_a_story_is_no_praise_clause():
    """A real letter about hawkers at a bus stop, a sentence the kind stage took for praise:
    "征求意见中，1位参与者肯定可就是因为此处路面宽……" is not what anyone praised."""
    assert praise_clause("可就是因为此处路面宽、上下车人流量大，各路水果商贩都盯上了这块黄金宝地。") is None
    assert praise_clause("于是办事的时间大大缩短了。") is None
    assert praise_clause("开办企业全程网办，半天就拿到了营业执照，效率确实高。") == "开办企业全程网办，半天就拿到了营业执照，效率确实高"


def test_praise_that_opens_with_kexi_or_turns_to_now_keeps_its_clause():
    """可以/可喜 turn nothing, and "但现在……" is how praise tells before and after."""
    assert praise_clause("可以说，这几年专利授权量增长很快。") == "可以说，这几年专利授权量增长很快"
    assert praise_clause("但现在企业开办方便多了。") == "企业开办方便多了"
    assert praise_clause("可是后来才发现，补贴还没到账。") is None
