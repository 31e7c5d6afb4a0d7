"""analysis.StatementKinds: problem / suggestion / praise / none, with the form field as prior."""
import pickle

import pytest

from analysis import KINDS, StatementKinds


@pytest.fixture(scope="module")
def kinds():
    return StatementKinds().fit()


@pytest.mark.parametrize("text, kind", [
    ("专利侵权取证难，维权成本高。", "problem"),
    ("校企对接渠道不畅", "problem"),
    ("建议设立知识产权维权援助资金。", "suggestion"),
    ("加强对代理机构的监管。", "suggestion"),
    ("要是能多设几个停车场就好了。", "suggestion"),
    ("企业出展前能提供一次风险排查就好了。", "suggestion"),  # a wish, though 好了 reads as praise
    ("总体感觉营商环境改善明显，审批速度快了很多。", "praise"),
    ("服务很好，非常满意。", "praise"),
    ("窗口服务总体满意，但个别窗口午休时间不办理业务。", "problem"),  # praise, then the issue
    ("不满意，办事要跑好几趟。", "problem"),  # negated praise
    ("没有问题", "none"),
    ("暂无建议。", "none"),
    ("同上", "none"),
    ("不了解", "none"),
    ("对养老政策不太了解，说不好。", "none"),
    ("如需进一步了解情况可联系我 138 1234 5678", "none"),
    ("联系人：王丽，电话0538-8221234，邮箱wangli@example.com", "none"),
    ("", "none"),
])
def test_text_alone(kinds, text, kind):
    assert kinds.predict([text])[0] == kind


def test_field_is_a_prior_not_a_verdict(kinds):
    neutral = "科技成果转化的渠道和平台"
    assert list(kinds.predict([neutral, neutral], ["存在问题", "意见建议"])) == ["problem", "suggestion"]
    assert list(kinds.predict([neutral, neutral], ["problems", "suggestions"])) == ["problem", "suggestion"]
    # cues outweigh the field
    assert kinds.predict(["建议政府加大对专利转化的支持力度。"], ["存在问题"])[0] == "suggestion"
    assert kinds.predict(["缺乏既懂技术又懂法律的复合型人才。"], ["意见建议"])[0] == "problem"
    assert kinds.predict(["没有问题"], ["意见建议"])[0] == "none"
    rules = StatementKinds(learned=False).fit()
    assert list(rules.predict(["专利代理的事情"] * 2, ["存在问题", "意见建议"])) == ["problem", "suggestion"]
    assert StatementKinds(use_field=False, learned=False).fit().predict(["专利代理的事情"], ["意见建议"])[0] == "problem"


def test_a_wish_is_a_suggestion_in_the_rules_too():
    rules = StatementKinds(learned=False).fit()
    assert rules.explain("海外纠纷应对工作站多组织涉外培训，企业出展前能提供一次风险排查就好了。", "意见建议")[0] == "suggestion"
    assert rules.predict(["现在网上就能办好了，方便多了。"], ["存在问题"])[0] == "praise"


def test_praise_and_nothing_to_say_beyond_the_cue_lists(kinds):
    # what the rules alone took for the field's kind
    assert kinds.predict(["社区食堂的饭菜可口又实惠，老人们天天去。"], ["存在问题"])[0] == "praise"
    assert kinds.predict(["我今天是陪同领导来的，就不多说了。"], ["意见建议"])[0] == "none"


def test_explain_names_the_rule_or_the_evidence(kinds):
    assert kinds.explain("建议推行综合查一次。") == ("suggestion", "suggestion", "建议")
    kind, rule, cue = kinds.explain("态度很好，但停车位太少。")
    assert (kind, rule) == ("problem", "contrast") and "但" in cue
    assert kinds.explain("没有问题")[:2] == ("none", "none")
    kind, rule, evidence = kinds.explain("新开通的城际公交很方便，点赞。")
    assert (kind, rule) == ("praise", "learned") and evidence
    assert StatementKinds(learned=False).fit().explain("新开通的城际公交很方便，点赞。")[:2] == ("praise", "praise")


def test_estimator_contract():
    from sklearn.base import clone
    model = StatementKinds(use_field=False, default="suggestion", encoder=None)
    params = clone(model).get_params()
    assert params["use_field"] is False and params["default"] == "suggestion" and params["encoder"] is None
    assert model.fit() is model and list(model.classes_) == list(KINDS)
    with pytest.raises(ValueError):
        StatementKinds(default="maybe").fit()
    with pytest.raises(ValueError):
        StatementKinds(encoder="bert").fit()
    with pytest.raises(ValueError):
        StatementKinds(learned=False).fit().predict(["a"], ["存在问题", "意见建议"])
    # deterministic, picklable, and extra examples (staff decisions) join the bundled ones
    again = clone(model).fit()
    texts = ["服务很好，非常满意。", "停车难", "多设几个停车场"]
    assert list(model.predict(texts)) == list(again.predict(texts))
    assert list(pickle.loads(pickle.dumps(model)).predict(texts)) == list(model.predict(texts))
    taught = clone(model).fit(["这个平台的事情"] * 3, ["praise"] * 3)
    assert taught.predict(["这个平台的事情"])[0] == "praise"
    with pytest.raises(ValueError):
        clone(model).fit(["a"], ["maybe"])


def test_a_bad_examples_file_is_named(tmp_path):
    bad = tmp_path / "kinds.csv"
    bad.write_text("text,field,kind\n服务很好,,great\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kinds.csv.*第 2 行"):
        StatementKinds(examples=bad).fit()
