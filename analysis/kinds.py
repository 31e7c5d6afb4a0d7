"""What a statement is: a problem (问题), a suggestion (建议), praise (肯定) or nothing to act on
(无实质内容: empty, "没有问题", "同上", "不了解", contact details only).

Rules on cue words, in this order, so every decision can be shown to staff with the cue that
made it (`StatementKinds.explain`):

1. none: nothing but a no-answer phrase, or contact details and their wording once personal
   data is masked ("如需进一步了解情况可联系我 138…");
2. praise followed by a contrast (但、不过、就是…) judges the part after it: "态度很好，但停车位太少"
   is a problem, "…说不太清楚，但我觉得挺好的" praise;
2b. praise: a change for the better told as such (rule "better"): before → now with a benefit after
   the turn ("以前…难，现在一次就办好了"), a result after something done ("治理以后水清了"), an
   achievement as a report states it ("实现全覆盖", "同比增长8%"), never a question or request;
3. suggestion: a proposal cue (建议、希望、应当、可否…) or a statement that opens with a
   policy verb (加强、优化、建立、简化…);
4. praise: a praise cue (满意、点赞、改善明显…) not negated (不满意 is no praise) and no problem cue,
   or a problem word the evidence check clears ("虽然还有不足，但…群众是满意的");
5. problem: a problem cue (难、不足、缺乏、不够、偏高…);
6. otherwise the field the statement was written in (存在问题 → problem, 意见建议 → suggestion),
   and without a field, problem: most of what participants write there is an issue.

The field is a prior, not a verdict: "建议…" typed under 存在问题 is a suggestion and "缺乏…人才"
under 意见建议 a problem, but the field decides what the cues leave open.

The rules alone reached 0.80 on fresh text: praise and nothing-to-say in words the cue lists lack
fell to the field's kind. So `StatementKinds` keeps only the sure rules (1, 2, 2b and a statement
opening with 建议/希望) and hands the rest to a logistic regression trained on the hand-labelled
examples in `corpus/kinds/train.csv`, over character n-grams, a sentence vector, the rules'
verdicts and the field (analysis._kinds_learned). `learned=False` gives the rules alone.

Praise and none only on evidence (issue 24; analysis._kinds_evidence). Trained on round-table
statements, where thanks often is praise, the model took about one real citizen complaint in ten
for praise or none: greetings and thanks, a polite question, a request ending in 谢谢. So whatever
made the call (rule or model), praise stands only with a cue of something done well and no
question, request or complaint beside it (a long statement with a complaint is never praise), and
none only for a short statement with a no-answer cue or nothing but courtesy; the rest falls back
to the field's kind, or problem. `explain` names the check ("evidence") and why it failed. Praise
in words no list has stands on the model's probability alone where nothing in the statement is
wrong now, asked or demanded (`_kinds_evidence.praise_allowed`), and, given each statement's answer
(the row it was split from: `predict(answers=…)`, `within_answers`, as the pipeline passes it), only
where no other statement of that answer complains, asks or demands: a proud or plain sentence inside a
letter of complaint is the letter's; a round-table quote alone, or among praise, keeps the model's word.
A statement that tells of a before and a now is also read by the model for its now alone (`_now_told`),
its complaint words being the past.
`evidence=False` gives the calls as made before, for comparison.

Speed (issue 25): the fitted model is kept on disk, keyed by the examples' bytes, the code and the
parameters (`analysis._kinds_learned.fit_key`), so a run loads it instead of fitting; each distinct
(text, field) is decided once; a statement's field-free rules serve both its call and its features'
"text alone"; the n-grams are counted in one pass (`_kinds_learned.ngrams`). Same kinds as before
(tests/test_kinds_speed.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from . import _kinds_answers as _answers
from . import _kinds_evidence as _evidence
from . import _kinds_learned as _learned
from ._kinds_cues import (  # noqa: F401  (PROBLEM_CUES, PROPOSAL_START, PROPOSAL_VERBS: for labels and theme names)
    _CJK,
    _CONTACT_CUE,
    _CONTACT_WORDS,
    _CONTRAST,
    _DEGREE_GOOD,
    _KEEP_ON,
    _MAYBE_PERSONAL,
    _NO_CONTENT,
    _OPENERS,
    _OPENING_WISH,
    _PRAISE,
    _PROBLEM,
    _PUNCT,
    _SELF_INTRO,
    _SUGGEST_ANY,
    _SUGGEST_START,
    PROBLEM_CUES,
    PROPOSAL_START,
    PROPOSAL_VERBS,
    _strong_problem,
    praise_cue,
    settled,
)
from ._kinds_verbs import opening_verb as _imperative

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

# The rules that decide alone (they were right on every training statement they decided): nothing
# to say, praise then a contrast, a change for the better told as such (before → now, a result after
# something done, an achievement as a report states it) and a statement that opens with 建议/希望/恳请/呼吁.
SURE_RULES = ("none", "contrast", "better")
_FITTED: dict[tuple, tuple] = {}  # fit key → (vectorizer_, model_): fitted once per process


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
                normalized: bool = False, answers: Sequence | None = None) -> np.ndarray:
        """One kind per text. `normalized`: the texts already went through `analysis.text.normalize`
        (the pipeline's statements have). `answers[i]`: the answer (row) text i was split from, which
        praise on the model's word needs (`within_answers`); None: each text alone."""
        if fields is not None and len(fields) != len(texts):
            raise ValueError(f"fields 的长度（{len(fields)}）应与 texts（{len(texts)}）相同")
        # a statement's kind depends on its text and field alone (its answer after): each pair is decided once
        pairs = list(zip(texts, fields if fields is not None else [None] * len(texts)))
        first: dict[tuple, int] = {}
        back = np.array([first.setdefault(p, len(first)) for p in pairs], dtype=np.intp)
        if len(first) == len(pairs):
            kinds = self._decide(texts, fields, normalized)[0]
        else:
            unique = list(first)
            kinds = self._decide([t for t, _ in unique], [f for _, f in unique] if fields is not None else None,
                                 normalized)[0][back]
        return kinds if answers is None else self.within_answers(
            texts if normalized else [normalize(t or "") for t in texts], fields, kinds, answers)

    def within_answers(self, texts: Sequence[str | None], fields: Sequence[str | None] | None, kinds,
                       answers: Sequence) -> np.ndarray:
        """`kinds` (this model's calls on the normalised `texts`) with praise on the model's word read in its
        answer, `answers[i]` the row text i was split from (`analysis._kinds_answers`)."""
        return _answers.within_answers(texts, fields, kinds, answers, self._fallback, self.evidence)

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
                proba = dict(zip(open_, P.max(axis=1).tolist()))  # one call, not one per row: the same floats
                self._now_told(texts, fields, kinds, proba, open_, memo)
                for i in open_:  # (the model knows no 成效 feature: what the rules leave to that field is praise)
                    if rules[i][1] == "field" and rules[i][0] == PRAISE and kinds[i] in (PROBLEM, SUGGESTION):
                        kinds[i], _ = PRAISE, proba.pop(i)
        # praise and none only on evidence (issue 24): what fails falls back to an issue
        vetoed: dict[int, tuple[str, str]] = {}
        for i, kind in enumerate(kinds if self.evidence else ()):
            if kind not in (PRAISE, NONE) or (rules[i][1] == "none" and rules[i][2] == _bare(texts[i])) or \
                    (rules[i][1] == "field" and i not in proba and not _evidence.raises(texts[i])):
                continue  # an exact nothing-to-say answer ("暂无", "同上") stands, and 成效's praise where nothing is wrong
            if kind == PRAISE:
                ok, why = _evidence.praise_allowed(texts[i], proba.get(i), praise_cue)
            else:
                ok, why = _evidence.none_allowed(texts[i], proba.get(i))
            if not ok:
                # praise without evidence that says nothing ("不胜感激！", "我就不重复了") is none
                nothing = kind == PRAISE and _evidence.none_allowed(texts[i], None)[0]
                kinds[i] = NONE if nothing else self._fallback(texts[i], fields[i], memo)
                vetoed[i] = (str(kind), why)
        return kinds, rules, X, open_, vetoed

    def _now_told(self, texts, fields, kinds, proba: dict, open_: list[int], memo: dict) -> None:
        """A statement that tells of a before and a now ("以前河水又脏又臭，现在河沟变清了，也不臭了"): its
        complaint words are the past, so the model also reads what is said of now alone, and where that is
        praise the statement is (the evidence check then looks at the now for anything still wrong)."""
        told = [(i, m) for i in open_ if kinds[i] != PRAISE and (m := _evidence.now_part(texts[i]))]
        if not told:
            return
        parts = [m for _, m in told]
        part_fields = [fields[i] for i, _ in told]
        rules = [self._explain(t, f, memo) for t, f in zip(parts, part_fields)]
        P = self.model_.predict_proba(self._features(parts, part_fields, rules, memo))
        column = list(self.model_.classes_).index(PRAISE)
        for j, (i, _) in enumerate(told):
            if P[j].argmax() == column:
                kinds[i], proba[i] = PRAISE, float(P[j, column])

    def _fallback(self, text: str, field: str | None, memo: dict | None = None) -> str:
        """The kind of a statement whose praise or none call lacked evidence: what the rules say
        of it without its courtesy if that is an issue, else the field's kind, else problem (a
        request without a field: suggestion). `memo`: `_explain`'s, whose cues it reuses."""
        kind = self._content(_evidence.without_courtesy(text), field, memo)[0]
        if kind == PROBLEM or (kind == SUGGESTION and not _evidence.told(_evidence.without_courtesy(text))):  # "截至…"
            return kind
        prior = FIELD_PRIORS.get((field or "").strip()) if self.use_field else None
        if prior == PRAISE and _evidence.raises(text):
            prior = None  # typed under 成效, but it complains, asks or demands
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
            state = self._settle(text, memo)
            if memo is not None:
                memo[text] = state
        return state[0] or self._by_field(field, *state[1:])

    def _settle(self, text: str, memo: dict | None = None) -> tuple:
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
                kind, _, cue = self._content(tail, None, memo)  # the tail is the verdict: praise that passes the
                if kind == PRAISE and not _evidence.praise_allowed(tail, None, praise_cue)[0]:  # evidence check stands
                    kind = PROBLEM  # ("…说不太清楚，但我觉得挺好的"), any other tail is the issue
                return (kind, "contrast", f"{contrast.group(0).strip('，,；;。 ')}…{cue}"), "", False, None
        return self._cues(text, memo)

    def _content(self, text: str, field: str | None, memo: dict | None = None) -> tuple[str, str, str]:
        state = self._cues(text, memo)
        return state[0] or self._by_field(field, *state[1:])

    def _cues(self, text: str, memo: dict | None = None) -> tuple:
        """The cues' decision, or what `_by_field` needs; once per text in `memo` (under (text,): a
        statement's cues serve its call and the fallback of a call that lacked evidence)."""
        state = memo.get((text,)) if memo is not None else None
        if state is None:
            state = self._look_up_cues(text)
            if memo is not None:
                memo[(text,)] = state
        return state

    def _look_up_cues(self, text: str) -> tuple:
        # cues are looked up only when the decision needs them: this runs on every statement
        opened = _OPENERS.sub("", text.strip())
        strong = _strong_problem(_evidence.solved(text))
        wish = _SUGGEST_ANY.search(text)
        better = _evidence.improvement(text)  # "以前…难，现在…方便多了": the complaint is the past
        if better and (not wish or _KEEP_ON.search(text)):
            return (PRAISE, "better", better), opened, strong, wish
        praise = praise_cue(text)
        if praise and (not (strong or wish) or _KEEP_ON.search(text)):
            return (PRAISE, "praise", praise), opened, strong, wish  # "提高了不少" holds 少: a strong cue outweighs praise
        # praise the evidence check clears, in words the rules' list lacks ("老人们都说好") or past a problem word
        evidence = "" if wish else praise or _evidence.praise_evidence(text)
        if evidence and _evidence.praise_allowed(text, None, praise_cue)[0]:
            return (PRAISE, "praise", evidence), opened, strong, wish
        return None, opened, strong, wish, text

    def _by_field(self, field: str | None, opened: str, strong: bool, wish, text: str) -> tuple[str, str, str]:
        prior = FIELD_PRIORS.get((field or "").strip()) if self.use_field else None
        problem = _PROBLEM.search(settled(_evidence.solved(opened)))  # a wrong set right or gone is no problem cue
        # an opening verb is weaker evidence than a wish: under 存在问题 a named problem wins,
        # and the part-of-speech guess is only used where the field does not say problem
        # under 成效 an opening verb tells of a measure taken ("开展知识产权大讲堂…"), proposing nothing
        start = None if (prior == PROBLEM and strong) or prior == PRAISE else _SUGGEST_START.match(opened)
        if start and opened[start.end():start.end() + 1] == "的":
            start = None  # "新建的体育公园": the verb describes, it proposes nothing
        suggestion = (wish.group(0) if wish else start.group(0) if start else
                      _imperative(opened) if prior not in (PROBLEM, PRAISE) and not problem else "")
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
            return prior, "field", field or ""
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


def _sure(text: str, rule: str) -> bool:
    """Whether the rules' decision stands without the learned model."""
    return rule in SURE_RULES or (rule == "suggestion" and _OPENING_WISH.match(_OPENERS.sub("", text.strip())) is not None)


def kind_names() -> dict[str, str]:
    """Kind → its Chinese name, for display (问题、建议、肯定、无实质内容)."""
    return dict(KIND_NAMES)
