"""What a statement is: a problem (问题), a suggestion (建议), praise (肯定) or nothing to act on
(无实质内容: empty, "没有问题", "同上", "不了解", contact details only).

Rules on cue words, in this order, so every decision can be shown to staff with the cue that
made it (`StatementKinds.explain`):

1. none: nothing but a no-answer phrase, or contact details and their wording once personal
   data is masked ("如需进一步了解情况可联系我 138…");
2. praise followed by a contrast (但、不过、就是…) judges the part after it: "态度很好，但停车位太少"
   is a problem;
3. suggestion: a proposal cue (建议、希望、应当、可否…) or a statement that opens with a
   policy verb (加强、优化、建立、简化…);
4. praise: a praise cue (满意、点赞、改善明显…) not negated (不满意 is no praise) and no problem cue;
5. problem: a problem cue (难、不足、缺乏、不够、偏高…);
6. otherwise the field the statement was written in (存在问题 → problem, 意见建议 → suggestion),
   and without a field, problem: most of what participants write there is an issue.

The field is a prior, not a verdict: "建议…" typed under 存在问题 is a suggestion and "缺乏…人才"
under 意见建议 a problem, but the field decides what the cues leave open.

The rules alone reached 0.80 on fresh text: praise and nothing-to-say in words the cue lists lack
fell to the field's kind. So `StatementKinds` keeps only the sure rules (1, 2 and a statement
opening with 建议/希望) and hands the rest to a logistic regression trained on the hand-labelled
examples in `corpus/kinds/train.csv`, over character n-grams, a sentence vector, the rules'
verdicts and the field (analysis._kinds_learned). `learned=False` gives the rules alone.

Praise and none only on evidence (issue 24; analysis._kinds_evidence). Trained on round-table
statements, where thanks often is praise, the model took about one real citizen complaint in ten
for praise or none: greetings and thanks, a polite question, a request ending in 谢谢. So whatever
made the call (rule or model), praise stands only with a cue of something done well and no
question, request or complaint beside it (a long statement with a complaint is never praise), and
none only for a short statement with a no-answer cue or nothing but courtesy; the rest falls back
to the field's kind, or problem. `explain` names the check ("evidence") and why it failed.
`evidence=False` gives the calls as made before, for comparison.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from . import _kinds_evidence as _evidence
from . import _kinds_learned as _learned

# the vocabulary lives in a module without numpy (the web app imports it); re-exported here
from .kind_names import (  # noqa: F401
    FIELD_PRIORS,
    KIND_NAMES,
    KINDS,
    NONE,
    PRAISE,
    PROBLEM,
    SUGGESTION,
    placed_kind,
)
from .privacy import MASK, mask_text
from .text import normalize
from .tokenize import ChineseTokenizer, word_tag

# The rules that decide alone (they were right on every training statement they decided): nothing
# to say, praise then a contrast, a change for the better told as such (before → now, a result after
# something done, an achievement as a report states it) and a statement that opens with 建议/希望/恳请/呼吁.
SURE_RULES = ("none", "contrast", "better")
_FITTED: dict[tuple, tuple] = {}  # fit key → (vectorizer_, model_): fitted once per process
_PUNCT = re.compile(r"[\s，,。.！!？?；;：:、…~\-—/\\\"'“”‘’()（）【】\[\]]+")
_NO_CONTENT = re.compile(
    r"^(?:目前|暂时|暂|现在|其他|其它|别的|另外)?(?:我|我们|本人|本单位)?(?:没有|没|无|暂无|尚无|并无)"
    r"(?:发现|看到|遇到|想到)?(?:什么|啥|明显|其他|其它|别的|更多|太大|特别|具体|任何|补充)?的?"
    r"(?:(?:问题|意见|建议|补充|要补充的|需要补充的|要说的|想法|看法)(?:和|及|或|与)?){0,2}(?:了|的)?$"
    r"|^(?:说实话|坦白说|老实说)?(?:我|本人)?对?(?:这个问题|这方面|这块|这个|这些|此)(?:我|本人)?"
    r"(?:不太懂|不懂|不太了解|不了解|不清楚|没(?:怎么)?(?:关注|了解|接触|研究)过?)(?:就)?(?:不(?:多)?说了)?$"
    r"|^以上(?:是|为|就是)?(?:我|本人)?的?(?:一点|一些|个人)?(?:看法|意见|想法|建议)$"
    r"|^(?:暂时|目前|一时)?(?:想不到|想不出|说不出|没想到|想不起)(?:什么|啥|来)?(?:问题|意见|建议)?(?:了|来)?$"
    r"|^(?:和|与|同|跟)(?:上面|上述|前面|以上|大家)(?:说的|所说的?|的)?(?:一样|相同|一致)$"
    r"|^不知道(?:说|写|讲)(?:什么|啥)$|^没(?:什么|啥)好(?:说|写)的$"
    r"|^(?:请|详)?见附件(?:材料)?$"
    r"|^(?:同上|以上|如上|略|无|没有|暂无|好的|谢谢|已填写|填写完毕|n/?a|none|null)$"
    r"|^(?:对.{0,12})?(?:不太|不是很|不很|不)(?:了解|清楚|熟悉)(?:情况)?(?:说不好|不好说|不便评价|无法评价)?$"
    r"|^(?:说不好|不好说|说不清楚?|讲不清楚?|无法评价|不便评价|不予评价)$"
    r"|^(?:同意|赞同|认同)(?:以上|上述|前面|大家|其他)?.{0,4}(?:意见|看法|说法|发言)$"
    r"|^(?:对.{0,12})?(?:了解|知道)(?:得)?(?:不多|很少|有限|不够)(?:说不好)?$"
    r"|^我是.{0,20}(?:负责人|经理|主任|工作人员|老师|员工|代表)(?:姓.)?$"
    r"|(?:问卷|表格|答卷)已?(?:填写|提交)(?:完毕|完成)?$")
_MAYBE_PERSONAL = re.compile(r"[0-9０-９@＠]")
_KEEP_ON = re.compile(r"继续(?:坚持|保持|办好|做好)|保持下去|坚持下去")
_CONTACT_CUE = re.compile(r"联系|致电|来电|电话|手机|邮箱|e-?mail|微信|联络|座机", re.IGNORECASE)
_CONTACT_WORDS = re.compile(
    r"有需要的话|需要的话|有事|如需|如有|若需|若有|需要|进一步|打|给|找|详细|具体|相关|了解|咨询|沟通|情况|详情|事宜|欢迎|随时|可以?|请|"
    r"联系人|联系电话|联系方式|联系|致电|来电|电话|手机|邮箱|微信|联络|座机|号码|地址|姓名|"
    r"我|本人|我们|办公室|单位|谢谢|感谢|e-?mail|tel", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")

_CONTRAST = re.compile(r"[，,；;。]\s*(?:但是?|不过|可是|然而|只是|就是|美中不足的是|遗憾的是|唯一的问题是)")
_OPENERS = re.compile(r"^(?:[一二三四五六七八九十]是|首先|其次|另外|此外|同时|还有|再就是|最后|也|并|"
                      r"我们|我|本人|个人|单位|企业|公司)+[，,：:]?")
# Proposal cues anywhere in the statement.
_SUGGEST_ANY = re.compile(
    r"建议|希望|期望|期待|盼望|呼吁|应当|应该|应予|亟需|亟待|需要(?:进一步|加强|加大|建立|完善|出台)|"
    r"可否|能否|能不能|可不可以|是否可以|是否能|可以考虑|可考虑|最好|务必|请求|恳请|尽快|尽早|"
    r"要是.{1,30}就好了|如果能.{1,30}(?:就好了|更好)|如能|若能|"
    r"(?:能|能够|可以|再|多)[^。！？!?]{1,30}就(?:好了|更好了)|"  # a wish: "…能提供一次排查就好了"
    r"有关部门要|政府要|市里要|部门要")
# Policy verbs that make a proposal when the statement opens with them ("加强监管").
_SUGGEST_START = re.compile(
    r"^(?:请|要|应|需|再|多|进一步|继续|切实|持续|大力|积极|适当|逐步|着力|全面|尽量)?"
    r"(?:加强|加大|加快|推进|推动|推行|推广|建立|建设|健全|完善|优化|提高|提升|强化|增加|增设|增强|"
    r"设立|设置|简化|规范|开展|组织|举办|出台|制定|落实|减少|降低|清理|开通|保留|打击|扩大|探索|鼓励|"
    r"支持|引导|培育|引进|加速|统筹|整合|搭建|构建|打造|实行|实施|取消|放宽|延长|缩短|压缩|提供|"
    r"配备|配齐|补齐|畅通|打通|深化|创新|保障|确保|严格|严厉|依法|做好|抓好|重视|关注|关心|"
    r"定期|及时|广泛|形成|用好|发挥|协调|兑现|给予|组建|明确|成立|开设|纳入|将|把|"
    # more of the verbs proposals open with in official writing
    r"整合|压实|加密|丰富|指导|挖掘|拓宽|拓展|疏通|加装|增补|改进|改善|调整|放开|减免|补贴|奖励|扶持|帮扶|"
    r"培养|宣传|普及|公示|互认|联合|联动|试点|修订|细化|督促|监督|考核|问责|追责|提速|精简|下放|"
    r"整治|治理|查处|惩戒|曝光|倡导|扩容|新建|改建|扩建|合理|统一|一律|分类|集中|推出|上线|增派|招聘|补充)")
_PRAISE = re.compile(
    r"满意|点赞|称赞|赞扬|好评|很好|较好|挺好|不错|非常好|比较好|明显改善|改善明显|改善很大|大有改善|"
    r"有了?(?:很大|明显|显著)(?:的)?(?:改善|提高|提升|进步|改观|好转)|(?:明显|显著|大大)(?:改善|提高|提升|加快|增强|加强|好转)|"
    r"(?:快|好|方便|舒服|便捷|高)了(?:很多|不少|许多)?|提高了不少|好多了|方便多了|很方便|更方便|便利|"
    r"感谢|谢谢|获得感|实惠|放心|有用|到位很快|落实及时|扎实|有底气|顺利|效果(?:很|非常)?(?:明显|显著|好)|"
    r"(?:做|办|建|搞)得(?:很|非常|比较|挺)?(?:好|不错|扎实|到位)|(?:基本|全部|都|已经?)(?:完成|实现)了?|(?:完成|实现)了|"
    r"继续(?:坚持|保持)|值得肯定|成效(?:明显|显著)|有成效|受益|帮了(?:我们)?(?:大忙|很大的忙)|"
    r"有目共睹|进步(?:很大|明显)|(?:很|非常|特别)(?:负责|及时|热情|周到|给力|受欢迎|省心)|有声有色|"
    r"总的来说还(?:行|可以)|总体(?:还)?(?:行|可以|不错)|(?:还|都)挺好|省心|"
    # a degree word before a word of approval, said of something that works
    r"(?:真心|真|很|挺|蛮|非常|特别|十分|相当|越来越|更加?)(?:方便|便捷|便利|满意|感动|认可|舒服|舒心|省心|放心|"
    r"暖心|贴心|干净|整洁|漂亮|热情|耐心|细致|周到|及时|高效|规范|专业|棒|给力|靠谱|实在|有效|顺畅)|"
    r"又[宽平新快好净美亮]又[宽平新快好净美亮]|点个?赞|竖(?:起)?大拇指|"
    r"(?:好|强|快|方便)(?:了)?(?:太多|很多|不少|多)了|比(?:以前|过去|前几年|原来|往年)(?:好|强|快|方便|规范|干净)|"
    r"有了(?:好去处|保障|着落|盼头)|省(?:了|去|下)|不用再|不再(?:跑|排队|来回)|能在本地办了|家门口就能|"
    r"感动|感激|欣慰|暖心|踏实|暖和|实用|有意义|有帮助|有收获|受益匪浅|"
    # a state that now works: 路灯亮了, 按时到账, 供暖达标
    r"(?:亮|通|修好|建好|开通|到账|兑现|落实|解决)了|按时到账|达标")
_NEGATED = re.compile(r"(?:不|没|没有|未|欠|不太|不够|不是很|谈不上)$")
_PROBLEM = re.compile(
    r"难|不足|缺乏|缺少|短缺|欠缺|缺|不够|不到位|不完善|不健全|不规范|不畅|不便|不方便|不一致|不统一|"
    r"不透明|不强|不高|不多|不大|不好|不会|不知道|不了解|不清楚|不愿|不敢|不能|无法|无力|没法|没人|没有|"
    r"没(?!问题)|"
    r"偏高|偏低|偏长|偏多|偏少|偏慢|偏大|过高|过低|过长|过多|过少|过度|过于|太[高低长多少慢难冷热吵贵远挤脏乱差小]|"
    r"少|慢|差|低|滞后|薄弱|困难|问题|矛盾|隐患|繁琐|复杂|混乱|严重|突出|重复|拖欠|乱|堵|扰民|负担|"
    r"单一|陈旧|有限|参差不齐|流于形式|形式主义|石沉大海|停留在|刚起步|观望|抽贷|断贷|被抢注|侵权|"
    r"套牌|投诉|占用|挤占|门槛|壁垒|卡脖子|瓶颈|短板|弱|贵|远|挤|脏|差距|下降|减少了|浪费|漏洞|风险|"
    r"重数量轻质量|躺在|等不起|跑不|接不住|留不住|用不上|对不上|看不懂|落不了地|落地难")


# For labels (analysis.labels): what makes a phrase read as an issue or as a proposal.
PROBLEM_CUES = _PROBLEM
PROPOSAL_START = _SUGGEST_START
PROPOSAL_VERBS = re.compile(_SUGGEST_START.pattern.replace("^", "", 1))


def _bare(text: str) -> str:
    return _PUNCT.sub("", text).lower()


class StatementKinds(BaseEstimator):
    """Label statements problem / suggestion / praise / none: sure rules, then a learned model.

    The cue-word rules (module docstring) decide where they are sure: nothing-to-say and
    contact details only (rule "none"), praise followed by a contrast ("contrast"). Everything
    else goes to a logistic regression trained on the hand-labelled examples in
    `corpus/kinds/train.csv` (analysis._kinds_learned): character n-grams, a sentence vector,
    what the rules say and the field the statement was typed in. `learned=False` keeps the
    rules alone (every decision then has its rule and cue).

    Parameters
    ----------
    use_field : take the field a statement was written in (存在问题 / 意见建议) as a prior;
        False judges the text alone (rules and model).
    default : the rules' kind for a statement with no cue and no field.
    learned : add the learned model (True) or use the rules alone (False).
    examples : the training CSV (`text,field,kind`); None: the bundled one.
    encoder : the sentence encoder of the model ("use", "e5"; None: n-grams and rules only).
    C : the regression's inverse regularisation strength.
    cache_dir : where sentence vectors are cached (None: the default, False: off).
    random_state : passed to the regression (the lbfgs solver is deterministic anyway).
    model_cache : where fitted models are kept between processes (None: the cache root's kinds/, False: off).
    evidence : keep a praise or none call only on evidence (analysis._kinds_evidence): courtesy
        is no praise, a question, request or long complaint is never praise or none, and what
        fails falls back to the field's kind (or problem). False: the calls as made (before
        issue 24), for comparison.

    `fit(texts, kinds, fields)` trains on the bundled examples plus the given ones (statements
    staff moved to a kind, say); `fit()` on the bundled examples alone. `predict(texts, fields)`
    gives one kind per text; `explain(text, field)` gives (kind, rule, evidence): the sure
    rule and its cue, or "learned" and the features that weighed most for the kind.
    """

    def __init__(self, use_field=True, default=PROBLEM, learned=True, examples=None, encoder="use",
                 C=10.0, cache_dir=None, random_state=0, evidence=True, model_cache=None):
        self.use_field = use_field
        self.default = default
        self.learned = learned
        self.examples = examples
        self.encoder = encoder
        self.C = C
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.evidence = evidence
        self.model_cache = model_cache

    def fit(self, texts=None, kinds=None, fields=None):
        if self.default not in KINDS:
            raise ValueError(f"default 应为 {'/'.join(KINDS)} 之一，而不是 {self.default!r}")
        if self.encoder not in (None, "use", "e5"):
            raise ValueError(f"encoder 应为 use、e5 或 None，而不是 {self.encoder!r}")
        self.classes_ = np.array(KINDS)
        self.model_ = None
        if not self.learned:
            return self
        self.embedder_ = None
        if self.encoder is not None:
            from .embed import SentenceEmbedder  # the encoder loads on first use only

            self.embedder_ = SentenceEmbedder(self.encoder, cache_dir=self.cache_dir).fit()
        if texts is not None:
            if kinds is None or len(kinds) != len(texts) or (fields is not None and len(fields) != len(texts)):
                raise ValueError("texts、kinds（和 fields）的长度应相同")
            if any(k not in KINDS for k in kinds):
                raise ValueError(f"kinds 应为 {'/'.join(KINDS)} 之一")
        # every run fits on the same examples: once per process, and once per machine (kept on disk, keyed
        # by the examples' bytes, the code and the parameters), so a run loads instead of fitting
        extra = () if texts is None else ([t or "" for t in texts], list(kinds),
                                          list(fields) if fields is not None else [None] * len(texts))
        key = _learned.fit_key(self.examples, (self.use_field, self.default, self.encoder, self.C,
                                               self.random_state), extra)
        cache = self._model_cache()
        fitted = _FITTED.get(key) if key else None
        fitted = fitted or _learned.load_fitted(cache, key)
        if fitted is not None:
            self.vectorizer_, self.model_ = _FITTED[key] = fitted
            return self
        ex_texts, ex_fields, ex_kinds = _learned.load_examples(self.examples)
        if texts is not None:
            ex_texts += [t or "" for t in texts]
            ex_fields += list(fields) if fields is not None else [None] * len(texts)
            ex_kinds += list(kinds)
        norm = [normalize(t) for t in ex_texts]
        self.vectorizer_ = _learned.new_vectorizer().fit(_learned.masked(norm))
        memo: dict = {}
        X = self._features(norm, ex_fields, [self._explain(t, f, memo) for t, f in zip(norm, ex_fields)], memo)
        self.model_ = LogisticRegression(C=self.C, max_iter=3000, random_state=self.random_state)
        self.model_.fit(X, ex_kinds)
        if key is not None:
            _FITTED[key] = (self.vectorizer_, self.model_)
            _learned.save_fitted(cache, key, _FITTED[key])
        return self

    def _model_cache(self):
        """Where fitted models are kept: `model_cache` (False: nowhere), else the sentence vectors' cache
        root (`analysis.embed.default_cache_dir`) / kinds."""
        if self.model_cache is False:
            return None
        if self.model_cache:
            return Path(self.model_cache)
        from .embed import default_cache_dir

        return default_cache_dir() / "kinds"

    def predict(self, texts: Sequence[str | None], fields: Sequence[str | None] | None = None, *,
                normalized: bool = False) -> np.ndarray:
        """One kind per text. `normalized`: the texts already went through `analysis.text.normalize`
        (the pipeline's statements have)."""
        if fields is not None and len(fields) != len(texts):
            raise ValueError(f"fields 的长度（{len(fields)}）应与 texts（{len(texts)}）相同")
        # a statement's kind depends on its text and field alone: each distinct pair is decided once
        pairs = list(zip(texts, fields if fields is not None else [None] * len(texts)))
        first: dict[tuple, int] = {}
        back = np.array([first.setdefault(p, len(first)) for p in pairs], dtype=np.intp)
        if len(first) == len(pairs):
            return self._decide(texts, fields, normalized)[0]
        unique = list(first)
        kinds = self._decide([t for t, _ in unique], [f for _, f in unique] if fields is not None else None,
                             normalized)[0]
        return kinds[back]

    def explain(self, text: str | None, field: str | None = None) -> tuple[str, str, str]:
        """(kind, rule, evidence): a sure rule (none / contrast) and its cue, "learned" and the
        features that weighed most, or with `learned=False` the rule that decided (none /
        contrast / suggestion / praise / problem / field / default) and its cue; "evidence" when a
        praise or none call lacked its evidence, with the kind refused and why ("非肯定（提问或请求：请问）")."""
        kinds, rules, X, open_, vetoed = self._decide([text], [field], False)
        if vetoed:
            said, why = vetoed[0]
            return str(kinds[0]), "evidence", f"非{KIND_NAMES[said]}（{why}）"
        if not open_:
            return rules[0]
        return str(kinds[0]), "learned", self._evidence(X[0], str(kinds[0]))

    def _decide(self, texts, fields, normalized: bool):
        texts = [t or "" for t in texts] if normalized else [normalize(t or "") for t in texts]
        fields = list(fields) if fields is not None else [None] * len(texts)
        memo: dict = {}  # a statement's field-free rules, for its features' "text alone" too
        rules = [self._explain(t, f, memo) for t, f in zip(texts, fields)]
        kinds = np.array([r[0] for r in rules], dtype=object)
        proba: dict[int, float] = {}
        X, open_ = None, []
        if getattr(self, "model_", None) is not None:
            open_ = [i for i, (t, r) in enumerate(zip(texts, rules)) if not _sure(t, r[1])]
            if open_:
                X = self._features([texts[i] for i in open_], [fields[i] for i in open_],
                                   [rules[i] for i in open_], memo)
                P = self.model_.predict_proba(X)
                kinds[open_] = self.model_.classes_[P.argmax(axis=1)]
                proba = {i: float(P[j].max()) for j, i in enumerate(open_)}
        # praise and none only on evidence (issue 24): what fails falls back to an issue
        vetoed: dict[int, tuple[str, str]] = {}
        for i, kind in enumerate(kinds if self.evidence else ()):
            if kind not in (PRAISE, NONE) or (rules[i][1] == "none" and rules[i][2] == _bare(texts[i])):
                continue  # an exact nothing-to-say answer ("暂无", "同上") stands
            if kind == PRAISE:
                ok, why = _evidence.praise_allowed(texts[i], proba.get(i), praise_cue)
            else:
                ok, why = _evidence.none_allowed(texts[i], proba.get(i))
            if not ok:
                # praise without evidence that says nothing ("不胜感激！", "我就不重复了") is none
                nothing = kind == PRAISE and _evidence.none_allowed(texts[i], None)[0]
                kinds[i] = NONE if nothing else self._fallback(texts[i], fields[i])
                vetoed[i] = (str(kind), why)
        return kinds, rules, X, open_, vetoed

    def _fallback(self, text: str, field: str | None) -> str:
        """The kind of a statement whose praise or none call lacked evidence: what the rules say
        of it without its courtesy if that is an issue, else the field's kind, else problem (a
        request without a field: suggestion)."""
        kind = self._content(_evidence.without_courtesy(text), field)[0]
        if kind in (PROBLEM, SUGGESTION):
            return kind
        prior = FIELD_PRIORS.get((field or "").strip()) if self.use_field else None
        if prior:
            return prior
        return SUGGESTION if _evidence.REQUEST.search(text) else PROBLEM

    def _features(self, texts: list[str], fields: list[str | None], rules: list[tuple[str, str, str]],
                  memo: dict | None = None):
        use = self.use_field
        # the rules without the field: a statement with no field already has them
        alone = [r if f is None else self._explain(t, None, memo) for t, f, r in zip(texts, fields, rules)] \
            if use else rules
        priors = [FIELD_PRIORS.get((f or "").strip()) if use else None for f in fields]
        onehot = _learned.rule_features(rules, alone, priors)
        return _learned.features(self.vectorizer_, self.embedder_, _learned.masked(texts), onehot)

    def _evidence(self, x, kind: str) -> str:
        """The three features that pushed most towards `kind` (n-grams, rules, the sentence vector)."""
        coef = self.model_.coef_[list(self.model_.classes_).index(kind)]
        contrib = np.asarray(x.multiply(coef).todense()).ravel()
        names = list(self.vectorizer_.get_feature_names_out())
        n_text = len(names)
        n_embed = 0 if self.embedder_ is None else self.embedder_.dim_
        scores = list(contrib[:n_text]) + [contrib[n_text:n_text + n_embed].sum()] + \
            list(contrib[n_text + n_embed:])
        names += ["句向量"] + _learned.rule_feature_names()
        top = [names[i] for i in np.argsort(scores)[::-1][:3] if scores[i] > 0]
        return "、".join(top)

    def _explain(self, text: str, field: str | None, memo: dict | None = None) -> tuple[str, str, str]:
        """The rules alone: (kind, rule, cue). `memo` (text → what the rules settle whatever the field):
        a statement judged with its field and on its text alone is looked at once."""
        state = memo.get(text) if memo is not None else None
        if state is None:
            state = self._settle(text)
            if memo is not None:
                memo[text] = state
        return state[0] or self._by_field(field, *state[1:])

    def _settle(self, text: str) -> tuple:
        """What the rules decide whatever the field: (decision, …), or (None, what `_by_field` needs)."""
        bare = _bare(text)
        if not bare or (len(bare) <= 40 and _NO_CONTENT.search(bare)):  # nothing-to-say is short
            return (NONE, "none", bare), "", False, None
        if self._contact_only(text):
            return (NONE, "none", "联系方式"), "", False, None
        contrast = _CONTRAST.search(text)
        if contrast and praise_cue(text[:contrast.start()]):
            tail = text[contrast.end():]
            if len(_CJK.findall(tail)) >= 3:
                kind, _, cue = self._content(tail, field=None)
                said = contrast.group(0).strip("，,；;。 ")
                return ((kind if kind != PRAISE else PROBLEM), "contrast", f"{said}…{cue}"), "", False, None
        return self._cues(text)

    def _content(self, text: str, field: str | None) -> tuple[str, str, str]:
        state = self._cues(text)
        return state[0] or self._by_field(field, *state[1:])

    def _cues(self, text: str) -> tuple:
        # cues are looked up only when the decision needs them: this runs on every statement
        opened = _OPENERS.sub("", text.strip())
        strong = _strong_problem(text)
        wish = _SUGGEST_ANY.search(text)
        better = _evidence.improvement(text)  # "以前…难，现在…方便多了": the complaint is the past
        if better and (not wish or _KEEP_ON.search(text)):
            return (PRAISE, "better", better), opened, strong, wish
        praise = praise_cue(text)
        if praise and (not (strong or wish) or _KEEP_ON.search(text)):
            return (PRAISE, "praise", praise), opened, strong, wish  # "提高了不少" holds 少: a strong cue outweighs praise
        # praise the evidence check clears, in words the rules' list lacks ("老人们都说好") or past a problem
        # word ("虽然还有一些不足，但…老百姓是满意的", "帮了我们大忙…渡过了难关"): the praise stands
        if not wish and (praise or _evidence.praise_evidence(text)) and _evidence.praise_allowed(text, None, praise_cue)[0]:
            return (PRAISE, "praise", praise or _evidence.praise_evidence(text)), opened, strong, wish
        return None, opened, strong, wish, text

    def _by_field(self, field: str | None, opened: str, strong: bool, wish, text: str) -> tuple[str, str, str]:
        prior = FIELD_PRIORS.get((field or "").strip()) if self.use_field else None
        problem = _PROBLEM.search(opened)
        # an opening verb is weaker evidence than a wish: under 存在问题 a named problem wins,
        # and the part-of-speech guess is only used where the field does not say problem
        start = None if prior == PROBLEM and strong else _SUGGEST_START.match(opened)
        if start and opened[start.end():start.end() + 1] == "的":
            start = None  # "新建的体育公园": the verb describes, it proposes nothing
        suggestion = (wish.group(0) if wish else start.group(0) if start else
                      _imperative(opened) if prior != PROBLEM and not problem else "")
        if suggestion:
            return SUGGESTION, "suggestion", suggestion
        if problem and not (prior == SUGGESTION and not strong):
            return PROBLEM, "problem", problem.group(0)
        approval = _DEGREE_GOOD.search(text)
        if approval:
            return PRAISE, "praise", approval.group(0)
        if _SELF_INTRO.match(opened) or _SELF_INTRO.match(text):
            return NONE, "none", "自我介绍"
        if prior:
            return prior, "field", field
        return self.default, "default", ""

    @staticmethod
    def _contact_only(text: str) -> bool:
        cue = _CONTACT_CUE.search(text)
        if cue is None and not _MAYBE_PERSONAL.search(text):
            return False
        masked = mask_text(text, whole=True)
        if masked == text and cue is None:
            return False
        rest = _CONTACT_WORDS.sub("", masked.replace(MASK, ""))
        return len(_CJK.findall(rest)) <= 3


_OPENING_WISH = re.compile(r"^(?:我们|我|个人|本人)?(?:建议|希望|恳请|呼吁)")


def _sure(text: str, rule: str) -> bool:
    """Whether the rules' decision stands without the learned model."""
    return rule in SURE_RULES or (rule == "suggestion" and _OPENING_WISH.match(_OPENERS.sub("", text.strip())) is not None)


def _imperative(text: str) -> str:
    """A statement that opens with a verb and names nothing wrong reads as a proposal
    ("组建海外纠纷应对工作站"); the dictionary's part of speech decides what a verb is."""
    return _opening_verb(text[:8])


@functools.lru_cache(maxsize=1 << 15)
def _opening_verb(head: str) -> str:
    # statements often open alike ("这个手机", "建议加强"): each opening is segmented once
    words = _cut(head)
    return words[0] if words and len(words[0]) >= 2 and word_tag(words[0]) == "v" else ""


def _cut(text: str) -> list[str]:
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = ChineseTokenizer()
    return _TOKENIZER.cut(text)


_TOKENIZER = None


def praise_cue(text: str) -> str:
    """The first praise cue in `text` that no negation precedes ("不满意", "不够方便")."""
    m = _PRAISE.search(text)  # most statements hold none: one scan decides
    while m is not None:
        if not _NEGATED.search(text[max(0, m.start() - 4):m.start()]):
            return m.group(0)
        m = _PRAISE.search(text, m.end())
    return ""


_STRONG_PROBLEM = re.compile(r"难|不足|缺乏|缺少|欠缺|不够|不到位|不畅|偏高|偏低|偏长|滞后|薄弱|困难|问题|"
                             r"繁琐|混乱|严重|突出|流于形式|参差不齐|没有|无法|不会|不知道")


# "很实用", "特别多": a degree word before anything but a complaint or a "must" reads as approval
# once no problem or proposal cue was found
_DEGREE_GOOD = re.compile(
    r"(?:很|挺|蛮|特别|非常|十分|相当|真心|确实)(?!难|少|多|高|低|慢|贵|差|大|长|乱|远|挤|小|短|弱|累|忙|重|"
    r"严重|复杂|麻烦|困难|不|紧张|突出|普遍|一般|有限|头疼|为难|吃力|辛苦|重要|必要|关键|迫切|需要|值得|希望|想|担心|"
    r"容易|可能|少见)[\u4e00-\u9fff]")
# a statement that only says who is speaking: "我们是做机械加工的小企业"
_SELF_INTRO = re.compile(r"^(?:我|我们|本人|本单位|我单位|我公司|我们公司|我们单位)(?:是|属于)")
_SOLVED = re.compile(r"(?:解答|解决|处理|回应)(?:了|好)?(?:各种|很多|不少)?问题")


def _strong_problem(text: str) -> bool:
    """A plain statement of what is wrong: it outweighs praise cues, and under 意见建议 the field.
    "解答问题很及时" names a problem solved, not one that stands."""
    return _STRONG_PROBLEM.search(_SOLVED.sub("", text)) is not None


def kind_names() -> dict[str, str]:
    """Kind → its Chinese name, for display (问题、建议、肯定、无实质内容)."""
    return dict(KIND_NAMES)
