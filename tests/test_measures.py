"""Suggestions attach to a plan measure only when they fit it (issue 24 item 5)."""
from analysis.measures import map_to_measures, measure_fits, measure_words
from analysis.plan import Item, load_plan
from analysis.resources import corpus_path

BUSINESS = load_plan(corpus_path("plans", "city-business-environment.toml")).measures
IP = load_plan(corpus_path("plans", "taian-ip-14th-fyp.toml")).measures


def test_suggestions_that_fit_no_measure_get_none_never_the_nearest():
    # the example: these went under 加强组织领导
    texts = ["建议搭建全市涉企信用信息共享平台，把纳税、社保、水电数据接进来。",
             "细化处罚标准，推行轻微违法免罚清单。",
             "希望银行推行无还本续贷，降低中小微企业融资成本。",
             "继续保持。", ""]
    assert map_to_measures(texts, BUSINESS) == [None] * len(texts)


def test_one_shared_generic_or_single_word_is_no_evidence():
    measures = [Item("leadership", "加强组织领导", "成立工作领导小组，建立定期调度制度。"),
                Item("training", "加强执法培训", "加强执法业务培训。")]
    assert map_to_measures(["加强工作推进，完善相关制度。"], measures) == [None]
    # 培训 alone is any training, not 执法培训
    assert map_to_measures(["多组织涉外培训。"], measures) == [None]
    assert map_to_measures(["多组织执法人员培训。"], measures) == ["training"]


def test_suggestions_that_say_the_measure_attach_to_it():
    assert map_to_measures(["12345热线反映的问题要有回音，限时办结。"], BUSINESS) == ["supervision"]
    assert map_to_measures(["完善一体化综合服务平台，政策、申报、案例放在一个入口。",
                            "尽快把市知识产权保护中心建起来。",  # one term of its own
                            "宣传要下沉到乡镇和园区。",  # the measure's name, 宣传普及, as its text says it
                            "健全代理机构信用评价。"], IP) == \
        ["service-platform", "service-platform", "publicity", "strong-city"]


def test_a_word_every_measure_has_tells_them_apart_from_nothing():
    words = measure_words(IP)
    assert all("知识产权" not in w.words for w in words.values())
    assert measure_fits("知识产权意识要提高", words) == []


def test_a_tie_between_measures_is_none():
    measures = [Item("a", "建设停车场", "新建停车场"), Item("b", "停车场收费", "规范停车场收费")]
    # 停车场 is in both: no evidence either way
    assert map_to_measures(["停车场不够"], measures) == [None]
    measures = [Item("a", "建设公共停车场", ""), Item("b", "规范公共停车场", "")]
    assert map_to_measures(["公共停车场"], measures) == [None]


def test_no_measures_or_no_texts():
    assert map_to_measures(["任何建议"], []) == [None]
    assert map_to_measures([], BUSINESS) == []


def test_the_report_places_each_suggestion_by_its_own_measure(app):
    """(三): a theme whose suggestions fit different measures, or none, is split: one member's
    measure never pulls the theme's other suggestions under it; they go to 此外."""
    from sqlalchemy import select
    from support.report import make_evaluation

    from survey.extensions import db
    from survey.reports.data import build_report
    from survey.reports.drafts import draft_blocks
    from survey.review.models import Statement

    code = make_evaluation(app)
    with app.app_context():
        suggestions = db.session.scalars(select(Statement).where(Statement.field == "suggestions")).all()
        assert len(suggestions) == 3
        for s in suggestions:  # one theme; only the 宣传 suggestion fits a measure
            s.theme_id = suggestions[0].theme_id
            s.measure = "publicity" if "宣传" in s.text else None
        db.session.commit()
        measures = draft_blocks(build_report(code))["measures"]
    publicity = measures[measures.index("二是加大知识产权宣传普及"):measures.index("三是")]
    assert "宣传进企业活动" in publicity
    assert "保护中心" not in publicity and "校企对接" not in publicity
    others = measures[measures.index("此外"):]
    assert "保护中心" in others or "校企对接" in others
