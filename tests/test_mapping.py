"""CategoryMapper: zero-shot from the plan, confirmed labels, sklearn estimator rules."""
import pickle

import numpy as np
import pytest
from sklearn.base import clone

from analysis.embed import SentenceEmbedder, TfidfEmbedder
from analysis.mapping import OTHER, CategoryMapper
from analysis.plan import load_plan
from analysis.resources import corpus_path

# Demo-like round-table statements, written for these tests (not taken from any data set).
IP = {
    "enterprise-capability": [
        "中小企业普遍不重视知识产权，没有专人负责专利申请。",
        "我们企业的发明专利数量上去了，但高价值专利还是太少。",
        "很多企业研发投入低，专利质量不高，申请只为凑数。",
        "企业缺乏专利布局意识，产品上市前从不检索。",
        "企业知识产权管理规范贯标流于形式，能力没有真正提升。",
        "与省内发达地区相比，我市万人高价值发明专利拥有量差距明显。",
    ],
    "service-talent": [
        "本地知识产权代理机构规模小，没有叫得响的品牌机构。",
        "遇到侵权诉讼找不到懂专利的律师，只能去济南请。",
        "缺少能做知识产权评估的专业机构，质押融资评估很难。",
        "知识产权高端服务人才匮乏，代理人水平参差不齐。",
        "执法维权方面的专业人才太少，案件办理周期长。",
        "希望引进和培养更多知识产权咨询和诉讼方面的高端人才。",
    ],
    "transfer-channels": [
        "高校的专利大多躺在抽屉里，企业不知道有哪些成果可以用。",
        "校企之间缺少常态化的技术信息沟通和对接平台。",
        "科研院所的成果转化渠道不畅，转让许可手续复杂。",
        "产学研合作机制不活，高校考核不看专利产业化。",
        "企业有技术需求却找不到对口的高校团队。",
        "建议定期举办专利成果对接会，促进技术转移转化。",
    ],
    OTHER: [
        "会场的空调温度太低，希望下次调高一点。",
        "今天食堂的午饭太咸了。",
        "停车位太少，来开会的车都停到路边了。",
        "茶歇的水果不太新鲜。",
    ],
}
TEXTS = [t for texts in IP.values() for t in texts]
TRUTH = [c for c, texts in IP.items() for _ in texts]


@pytest.fixture(scope="session")
def plan():
    return load_plan(corpus_path("plans", "taian-ip-14th-fyp.toml"))


@pytest.fixture(scope="session")
def use():
    return SentenceEmbedder("use", cache_dir=False)


@pytest.fixture(scope="session")
def fitted(plan, use):
    return CategoryMapper(plan, embedder=use).fit(TEXTS)


@pytest.mark.slow
def test_clear_statements_reach_their_category_and_the_rest_is_other(fitted):
    labels = list(fitted.labels_)
    on_topic = [(p, t) for p, t in zip(labels, TRUTH) if t != OTHER]
    assert sum(p == t for p, t in on_topic) >= len(on_topic) - 2, list(zip(labels, TEXTS))
    assert [p for p, t in zip(labels, TRUTH) if t == OTHER] == [OTHER] * len(IP[OTHER])
    assert fitted.confidence_.shape == (len(TEXTS),)
    assert np.all((fitted.confidence_ >= 0) & (fitted.confidence_ <= 1))


# New issues inside the domain (written for this test): on-topic for intellectual property,
# but none of the plan's three problems.
NEW_ISSUES = ["地理标志产品被外地冒用，市场上真假难辨。", "电商平台上的侵权商品投诉下架后又换个店铺上架。",
              "数据知识产权登记怎么做还没有明确规定。", "希望加强跨区域的知识产权执法协作。",
              "海外参展时遇到知识产权纠纷，缺乏应对经验。", "植物新品种被套牌销售，维权取证很难。"]


@pytest.mark.slow
def test_new_issues_in_the_domain_are_less_certain_than_clear_members(plan, use):
    mapper = CategoryMapper(plan, embedder=use).fit(TEXTS + NEW_ISSUES)
    labels, conf = mapper.labels_, mapper.confidence_
    members = [i for i, t in enumerate(TRUTH) if t != OTHER]
    new = range(len(TEXTS), len(TEXTS) + len(NEW_ISSUES))
    assert sum(labels[i] == TRUTH[i] for i in members) >= len(members) - 2
    forced = [i for i in new if labels[i] != OTHER]
    # confidence means something: a forced new issue is never as sure as a clear member
    assert max((conf[i] for i in forced), default=0) < np.median(conf[members])
    assert 0 < mapper.other_proba_[list(new)].mean() < 1
    assert np.all((conf > 0) & (conf < 1))


@pytest.mark.slow
def test_open_set_competitor_can_be_turned_off(plan, use):
    mapper = CategoryMapper(plan, embedder=use, open_set=None).fit(TEXTS)
    assert mapper.proba_.shape == (len(TEXTS), 3) and not np.any(mapper.other_proba_)
    assert [p for p, t in zip(mapper.labels_, TRUTH) if t == OTHER] == [OTHER] * len(IP[OTHER])


@pytest.mark.slow
def test_predict_on_new_statements_uses_what_fit_learned(fitted):
    new = ["企业对专利申请不够重视，缺少专职管理人员。", "周末的天气预报说会下雨。"]
    assert list(fitted.predict(new)) == ["enterprise-capability", OTHER]
    proba = fitted.predict_proba(new)
    assert proba.shape == (2, 3) and np.allclose(proba.sum(axis=1), 1)


@pytest.mark.slow
def test_confirmed_labels_override_and_teach(plan, use):
    # staff decide that pledge-financing complaints belong to service-talent
    finance = ["专利质押融资银行不认可，贷款额度太低。", "知识产权质押贷款流程太长，银行积极性不高。",
               "专利权质押融资的风险补偿资金不到位。"]
    probe = "银行对专利质押融资顾虑多，企业很难贷到款。"
    texts = TEXTS + finance + [probe]
    before = CategoryMapper(plan, embedder=use).fit(texts)
    y = [None] * len(TEXTS) + ["service-talent"] * len(finance) + [None]
    after = CategoryMapper(plan, embedder=use).fit(texts, y)
    k = list(after.classes_).index("service-talent")
    assert list(after.labels_[len(TEXTS):-1]) == ["service-talent"] * len(finance)
    assert np.all(after.confidence_[len(TEXTS):-1] == 1.0)
    # pooled (geometric-mean) probabilities move less than a product of experts did
    assert after.proba_[-1, k] > before.proba_[-1, k] + 0.05
    assert after.labels_[-1] == "service-talent"


@pytest.mark.slow
def test_confirmed_other_teaches_the_other_class(plan, use):
    # staff decide that geographical-indication complaints are a new issue
    gi = ["地理标志产品被外地冒用，真假难辨。", "地理标志专用标志使用不规范。", "道地药材的地理标志保护薄弱。"]
    probe = "地理标志产品被假冒的情况比较多。"
    texts = TEXTS + gi + [probe]
    before = CategoryMapper(plan, embedder=use).fit(texts)
    after = CategoryMapper(plan, embedder=use).fit(texts, [None] * len(TEXTS) + [OTHER] * len(gi) + [None])
    assert list(after.labels_[len(TEXTS):-1]) == [OTHER] * len(gi)
    assert np.all(after.confidence_[len(TEXTS):-1] == 1.0)
    assert after.other_proba_[-1] > before.other_proba_[-1]


def test_unknown_confirmed_category_is_an_error(plan):
    with pytest.raises(ValueError, match="no-such"):
        CategoryMapper(plan, embedder="tfidf").fit(TEXTS[:3], ["no-such", None, None])


@pytest.mark.slow
def test_clone_pickle_and_determinism(fitted, plan, use):
    copy = clone(fitted)
    assert copy.get_params()["categories"] == fitted.categories and not hasattr(copy, "labels_")
    restored = pickle.loads(pickle.dumps(fitted))
    assert list(restored.predict(TEXTS)) == list(fitted.predict(TEXTS))
    again = CategoryMapper(plan, embedder=use).fit(TEXTS)
    assert list(again.labels_) == list(fitted.labels_)
    assert np.array_equal(again.confidence_, fitted.confidence_)


def test_tfidf_fast_path_maps_by_the_plan_words(plan):
    mapper = CategoryMapper(plan, embedder="tfidf", threshold=0).fit(TEXTS)
    on_topic = [(p, t) for p, t in zip(mapper.labels_, TRUTH) if t != OTHER]
    assert sum(p == t for p, t in on_topic) >= len(on_topic) - 4
    assert isinstance(mapper.embedder_, TfidfEmbedder)
    pickle.loads(pickle.dumps(mapper))


def test_needs_categories():
    with pytest.raises(ValueError):
        CategoryMapper(()).fit(["随便说一句"])


@pytest.mark.slow
def test_sentence_vectors_are_cached_on_disk(tmp_path, use):
    emb = SentenceEmbedder("use", cache_dir=tmp_path)
    first = emb.transform(TEXTS[:5])
    assert list((tmp_path / "embeddings" / "use-p").glob("*.keys"))
    again = SentenceEmbedder("use", cache_dir=tmp_path).transform(TEXTS[:5] + TEXTS[5:6])
    assert np.allclose(again[:5], first, atol=1e-6)
    assert np.allclose(again[5], use.transform(TEXTS[5:6])[0], atol=1e-5)


def test_confirmed_mapping_owns_the_rule(plan):
    # a mapping text → label: matched after normalisation, ids trimmed, earlier texts not in
    # this batch teach without becoming statements, "other" stays other even without an
    # open-set class (TF-IDF path)
    earlier = "代理机构的专利代理人水平参差不齐。"
    y = {" " + TEXTS[0] + " ": " service-talent ", TEXTS[1]: OTHER, earlier: "service-talent", TEXTS[2]: ""}
    mapper = CategoryMapper(plan, embedder="tfidf").fit(TEXTS, y)
    assert len(mapper.labels_) == len(TEXTS) and mapper.proba_.shape == (len(TEXTS), 3)
    assert list(mapper.labels_[:2]) == ["service-talent", OTHER]
    assert list(mapper.confidence_[:2]) == [1.0, 1.0] and mapper.confidence_[2] < 1.0
    ranks = mapper.review_rank_
    assert sorted(ranks) == list(range(1, len(TEXTS) + 1)) and set(ranks[:2]) == {len(TEXTS) - 1, len(TEXTS)}
    with pytest.raises(ValueError):
        CategoryMapper(plan, embedder="tfidf").fit(TEXTS, [None])  # not aligned


def test_review_order_least_certain_first_confirmed_last():
    from analysis.mapping import review_order
    P = np.array([[0.9, 0.1], [0.55, 0.45], [0.5, 0.5], [0.7, 0.3], [0.5, 0.5]])
    done = np.array([False, False, False, False, True])
    assert list(review_order(P, done)) == [2, 1, 3, 0, 4]
    assert list(review_order(np.zeros((0, 2)), np.zeros(0, dtype=bool))) == []


def test_background_sentences_are_a_data_file(tmp_path):
    from analysis._zero_shot import load_background
    from analysis.tokenize import CorpusFileError
    bundled = load_background()
    assert len(bundled) >= 20 and not any(s.startswith("#") for s in bundled)
    mine = tmp_path / "bg.txt"
    mine.write_text("# 注释\n今天天气不错。\n\n我刚洗完澡。\n", encoding="utf-8")
    assert load_background(mine) == ("今天天气不错。", "我刚洗完澡。")
    mine.write_text("只有一句。\n", encoding="utf-8")
    with pytest.raises(CorpusFileError, match="bg.txt"):
        load_background(mine)


def test_calibrate_shift_follows_staff_and_shrinks_with_few():
    from analysis._open_set import calibrate_shift
    called_other = np.array([-0.8, -0.5, -0.3, -0.2, -0.1] * 4)  # the machine said "other"
    assert calibrate_shift(np.zeros(0), np.zeros(0, dtype=bool)) == 0.0
    many = calibrate_shift(called_other, np.zeros(20, dtype=bool))   # staff: all in categories
    few = calibrate_shift(called_other[:2], np.zeros(2, dtype=bool))
    assert many < few < 0 and many < called_other.min()
    assert calibrate_shift(called_other, np.ones(20, dtype=bool)) >= 0   # staff: new issues indeed
    # a category member far from the boundary, confirmed as such, moves nothing
    assert calibrate_shift(np.array([5.0, 6.0]), np.zeros(2, dtype=bool)) == pytest.approx(0, abs=0.01)


# In-domain statements (written for these tests) that a mapper with a too strict relevance
# floor calls new issues; staff decide either way and the next fit follows.
NEAR = NEW_ISSUES + ["专利质押融资银行不认可，贷款额度太低。", "知识产权质押贷款流程太长，银行积极性不高。",
                     "商标被抢注以后维权成本很高。", "展会上发现侵权产品，现场处理没有依据。",
                     "专利审查周期太长，等了两年还没授权。", "地理标志保护缺少专门的执法力量。"]


@pytest.mark.slow
def test_staff_placing_other_calls_in_categories_moves_the_floor(plan, use):
    texts = TEXTS + NEAR
    strict = dict(embedder=use, min_relevance=7.0)
    before = CategoryMapper(plan, **strict).fit(texts)
    near = np.arange(len(TEXTS), len(texts))
    taught, rest = near[::2], near[1::2]
    assert np.mean(before.labels_[near] == OTHER) >= 0.7 and before.open_shift_ == 0
    forced = before.classes_[before.proba_.argmax(axis=1)]

    y = [None] * len(texts)
    for i in taught:
        y[i] = forced[i]
    placed = CategoryMapper(plan, **strict).fit(texts, y)
    assert placed.open_shift_ < 0 and placed.min_relevance_ < 7.0
    assert np.sum(placed.labels_[rest] == OTHER) < np.sum(before.labels_[rest] == OTHER)

    for i in taught:
        y[i] = OTHER
    kept = CategoryMapper(plan, **strict).fit(texts, y)
    assert kept.open_shift_ >= 0 and kept.min_relevance_ >= 7.0
    assert np.sum(kept.labels_[rest] == OTHER) >= np.sum(before.labels_[rest] == OTHER)
    # the calibration can be turned off
    off = CategoryMapper(plan, calibrate_other=False, **strict).fit(texts, [None if v == OTHER else v for v in y])
    assert off.open_shift_ == 0


def test_tfidf_path_keeps_its_other_call(plan):
    y = [OTHER] * 3 + [None] * (len(TEXTS) - 3)
    assert CategoryMapper(plan, embedder="tfidf").fit(TEXTS, y).open_shift_ == 0


@pytest.mark.slow
def test_confirmations_weigh_down_the_prior_and_change_nothing_without_them(fitted, plan, use):
    plain = CategoryMapper(plan, embedder=use, confirmed_boost=0, prior_halving=None).fit(TEXTS)
    assert np.array_equal(plain.proba_, fitted.proba_) and fitted.prior_weight_ == 0.5
    y = TRUTH[:4] + [None] * (len(TEXTS) - 4)
    taught = CategoryMapper(plan, embedder=use, prior_halving=20).fit(TEXTS, y)
    assert taught.prior_weight_ == pytest.approx(0.5 * 20 / 24)
    assert list(taught.labels_[:4]) == TRUTH[:4]
    assert CategoryMapper(plan, embedder=use, prior_halving=None).fit(TEXTS, y).prior_weight_ == 0.5
