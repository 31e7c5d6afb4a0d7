"""Reported speech: what a participant wrote, turned into a clause an official text can carry.

A clause is the opening of one statement (the next piece too while it is short or turns with
"但"), rewritten in the third person: "我们的产品" → "其产品", "我们学校" → "所在学校",
"找我们" → "找企业" (the speaker's type), "我市" → "本市"; a clause that still speaks as
我/咱/俺 or to 你/您 after that is not used. The kind decides how it is introduced (反映 a
problem, 建议 or 提出 a suggestion, 肯定 praise) and what it must look like: a problem clause
never opens with a request, a suggestion clause asks for something (a cue such as 建议/希望,
or an action word near its start), praise stops before its "但". `fits` says whether an example
illustrates the point it is placed under (it shares a content word with the point as printed),
so "发明专利审查周期偏长" is never the example of "企业知识产权意识和能力需要进一步提升".
"""
from __future__ import annotations

import re
from functools import lru_cache

from analysis.turns import turns_away

CLAUSE_MAX, TURN_MAX = 36, 44  # characters of a clause; a turn (但……) may run longer
_SPLIT = re.compile(r"(?<=[，,；;])|(?=[。！？!?\n])")
_TURNS = ("但", "却", "可是", "然而")
_CUES = ("建议", "希望", "应当", "应该", "恳请", "请求", "请", "要求", "最好", "能否", "可否", "能不能", "可不可以")
_LEAD_FILLERS = re.compile(
    r"^(?:另一方面|一方面|其实|感觉|目前|现在|但是|但|而且|另外|此外|还有|总的来说|总的来看|总体来说|总体来看|总体上|"
    r"整体上|总体|整体|个人认为|本人认为|我们觉得|我们认为|我觉得|我认为|我感觉|我看|我想|觉得|认为)+[，,：:]?")
_REQUEST_STARTS = re.compile(r"^(?:建议|希望|恳请|恳求|请求|请|要求|能不能|能否|可否|可不可以|最好|盼望|期盼|期望|盼)")
_PREPOSITION = re.compile(r"^(?:把|将|对于|对|在|从|为了|为|被|让|使|给|向|与|和|跟|关于|由|以)")
# A letter's courtesy before its point ("打扰局长，", "领导您好！"): not what was said.
_COURTESY = re.compile(r"^(?:打扰(?:了|您|一下)?|(?:尊敬的)?[\u4e00-\u9fff]{0,6}(?:领导|局长|市长|书记|主任|同志)(?:您好|你好)?|"
                       r"您好|你好|谢谢|感谢)[，,！!：:]?$")
# A piece that continues a story told before it ("并且……", "于是……", "结果……") or asks
# rhetorically ("试问……", "难道……"): no clause a report can stand on opens with one.
_CONTINUES = re.compile(r"^(?:并且|并|于是|然后|结果|所以|因此|因为|由于|同时|以上|接着|后来|那就|那么|如果|假如|要是|试问|难道|请问|敢问|"
                        r"为什么|为何|如何|怎么|"
                        # what points back to a sentence the reader of the report never sees (a letter's
                        # "此举严重影响了……" quoted alone)
                        r"此举|此事|此类|此种|上述|这样一来|这种做法|这种行为|这种情况|这些行为|这些问题|这一问题|"
                        r"该问题|该行为|他们|她们)")
# Words a request is made of: one of them near the start of a clause makes it a suggestion.
_ACTIONS = ("加大", "加强", "加快", "建立", "建设", "完善", "出台", "推动", "推进", "推行", "推广", "支持", "鼓励",
            "提高", "增加", "设立", "健全", "引进", "培育", "开展", "组织", "提供", "争取", "探索", "关注", "简化",
            "减少", "降低", "落实", "畅通", "优化", "统一", "合并", "扩大", "延长", "放宽", "取消", "给予", "发布",
            "制定", "明确", "规范", "强化", "深化", "打击", "严打", "清理", "兑现", "覆盖", "搭建", "整合", "下沉",
            "继续", "尽快", "尽量", "及时", "定期", "针对", "联合", "依托", "利用", "结合")
# One character that opens a request ("把……纳入", "对……给予"), or a modal after a short subject
# ("宣传要下沉到乡镇").
_OPENERS = ("多", "再", "把", "将", "对", "让", "以", "做", "办", "帮", "设", "建", "出", "搞", "请", "给")
_MODAL_CHARS = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:要|应|需|再|多)")
_QUESTION = re.compile(r"[吗呢？?]|为什么|为何|怎么办|谁来|凭什么|到底|何时|是否|是不是|有没有")
_TAILS = re.compile(r"(?:就更好了|就好了|为好|就行了|一下|啊|呀|吧|嘛|呢)+$")
_MODALS = re.compile(r"能不能|可不可以|能否|可否")
# The speaker's own words for their organisation, by respondent type ("找我们" → "找企业").
_GROUP = {"企业": "企业", "高校/科研院所": "学校", "服务机构": "机构", "政府部门": "相关部门", "个体工商户": "商户",
          "个人/群众": "群众", "行业协会商会": "协会", "社会组织": "协会", "金融机构": "金融机构"}
_OWN_UNIT = "公司|企业|单位|学校|学院|大学|协会|机构|医院|银行|门店|店|厂|所|局|部门|行业|园区|村|社区|事务所"
_FIRST = re.compile(r"(?<!自)[我咱俺]|本人")
_SECOND = re.compile(r"[你您]|贵(?:部门|单位|局|委|办|院|中心|机关|司)")
# Plan keywords too broad to show that a statement illustrates a point (the rest of _GENERIC,
# 企业 and the like, still name who a point is about when the plan lists them).
_BROAD_KEYWORDS = frozenset(("政策", "规划", "方案", "工作", "问题", "方面", "相关", "有关", "国家"))
# Words every point shares, so sharing them says nothing about fit.
_GENERIC = ("知识产权", "进一步", "需要", "存在", "问题", "方面", "不足", "有待", "有关", "相关", "工作", "加强", "加大",
            "推进", "推动", "建立", "健全", "完善", "提升", "提高", "强化", "深化", "积极", "开展", "实施", "各项",
            "体系", "水平", "能够", "以及", "进行", "全市", "本市", "我市", "政策", "规划", "方案", "建设", "不断",
            "更加", "主要", "重点", "有效", "及时", "保护", "企业", "群众", "单位", "清单", "制度", "机制", "标准",
            "系统", "措施", "内容", "情况", "任务", "目标")
# A point names who it is about in one word, participants in another ("企业" / "公司").
_SAME = {"企业": ("公司", "厂家", "企"), "高校": ("学校", "大学", "学院", "院校"), "人才": ("专家",),
         "机构": ("事务所", "代理", "律所")}
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _pieces(text: str) -> list[str]:
    return [p for p in _SPLIT.split(re.sub(r"\s+", "", text or "")) if p]


def third_person(text: str, organisation_type: str = "") -> str | None:
    """The clause as reported speech, or None when it cannot be said in the third person."""
    group = _GROUP.get(organisation_type, "单位")
    text = re.sub(r"我(?=[市省区县])", "本", text)
    text = text.replace("我国", "国内")
    text = re.sub(rf"(?:我们|咱们)(?=(?:{_OWN_UNIT}))", "所在", text)
    text = re.sub(r"我(?=(?:司|公司|单位|校|院|所|行|局|会|厂|店))", "该", text).replace("该司", "该公司")
    text = re.sub(r"(?:我们|咱们|我)的", "其", text)
    text = re.sub(r"(?:我们|咱们)", group, text)
    text = re.sub(r"你们", "有关部门", text)
    if _FIRST.search(text) or _SECOND.search(text):
        return None
    return text


def speaks_as_self(text: str) -> bool:
    """The statement speaks in the first person (its clause needs rewriting to be reported)."""
    return bool(_FIRST.search(text or ""))


def _open(pieces: list[str]) -> list[str]:
    courtesy = 0
    while courtesy < len(pieces) and _COURTESY.match(pieces[courtesy]):
        courtesy += 1
    pieces = pieces[courtesy:]
    if courtesy and pieces and pieces[0][0] in "。！？!?\n":  # the courtesy's own full stop
        pieces = [pieces[0][1:], *pieces[1:]]
    if pieces:
        pieces[0] = _LEAD_FILLERS.sub("", pieces[0])
    return [p for p in pieces if p]


def _gather(pieces: list[str], *, stop_at_turn: bool = False, own_words_end: bool = False) -> str:
    """The first sentence when it is short, else its opening pieces up to CLAUSE_MAX
    characters; a piece that turns ("但……") may run to TURN_MAX, since the problem is
    usually what comes after it. Stops before a question; own_words_end: before a piece in
    the first person too (after a request, "我们正准备申报……" is the speaker's own news)."""
    out, last = "", ""
    for piece in pieces:
        if piece[0] in "。！？!?\n":
            if piece[0] in "？?":  # the piece before was a question ("……的政策嘛" + "？")
                out = out.removesuffix(last) if len(out) - len(last) >= 4 else ""
            break
        if _QUESTION.search(piece):
            if len(out) >= 4:
                break
            return ""
        if out and own_words_end and _FIRST.search(piece):
            break
        turn = piece.startswith(_TURNS)
        if out and turn and stop_at_turn:
            break
        if out and len(out) + len(piece) > (TURN_MAX if turn else CLAUSE_MAX):
            # cut inside a sentence: a last piece that opens with a preposition waits for the
            # verb that was cut ("……，把个本不宽敞的路面"), so it goes too
            if last and last != out and _PREPOSITION.match(last):
                out = out.removesuffix(last)
            break
        out += piece
        last = piece
    return out.strip("，,；;、：: ")


def _finish(text: str, organisation_type: str) -> str | None:
    text = re.sub(r"^[^\w\u4e00-\u9fff]+", "", text)  # "+尽快……", "=……": symbols are no words
    text = _TAILS.sub("", text.strip("，,；;、：: ")).strip("，,；;、：: ")
    text = third_person(text, organisation_type) if text else None
    return text if text and len("".join(_CJK_RUN.findall(text))) >= 4 else None


def clause(text: str, *, suggestion: bool = False) -> str:
    """The opening of a statement as a clause, without a leading filler and without closing
    punctuation; a suggestion starts at its cue ("……不错，建议……"). Kept for the annexes and
    old callers: the drafts use problem_clause / suggestion_clause / praise_clause."""
    pieces = _pieces(text)
    if suggestion:
        cue = next((i for i, p in enumerate(pieces[:4]) if p.startswith(_CUES)), 0)
        pieces = pieces[cue:]
        if pieces:
            pieces[0] = _REQUEST_STARTS.sub("", pieces[0])
    return _gather(_open(pieces))


def problem_clause(text: str, organisation_type: str = "") -> str | None:
    """What a problem statement reports, or None (a request, a question, first person left)."""
    pieces = _open(_pieces(text))
    if not pieces or _REQUEST_STARTS.match(pieces[0]) or _CONTINUES.match(pieces[0]):
        return None
    return _finish(_gather(pieces), organisation_type)


def _asks(piece: str) -> bool:
    return bool(_REQUEST_STARTS.match(piece)) or piece.startswith(_ACTIONS + _OPENERS)


def suggestion_clause(text: str, organisation_type: str = "") -> str | None:
    """What a suggestion asks for, from its cue on, or None when it asks for nothing
    ("执法人员对专利侵权判断比较谨慎" typed under 意见建议 is a complaint, not a suggestion)."""
    pieces = _open(_pieces(text))
    if not pieces:
        return None
    asked = _asks(pieces[0])
    if not asked:  # "宣传做得不错，建议……": the suggestion starts at its cue
        cue = next((i for i, p in enumerate(pieces[1:4], 1) if _REQUEST_STARTS.match(p)), None)
        if cue is not None:
            pieces, asked = pieces[cue:], True
    inside = re.search(r"(?<=[\u4e00-\u9fff])(?:建议|希望)", pieces[0])
    if not asked and inside:  # "保护中心建成后希望能覆盖……"
        pieces[0], asked = pieces[0][:inside.start()] + pieces[0][inside.end():], True
    pieces[0] = _REQUEST_STARTS.sub("", pieces[0])
    out = _gather([p for p in pieces if p], own_words_end=True)
    asked = (asked or bool(_MODALS.search(out)) or any(word in out[:10] for word in _ACTIONS)
             or bool(_MODAL_CHARS.match(out)))
    out = re.sub(r"(?<=[\u4e00-\u9fff，,])[，,]?(?:建议|希望)", "，", out)
    out = _MODALS.sub("", re.sub(r"(?<=[\u4e00-\u9fff])可以(?=[\u4e00-\u9fff])", "", out))
    out = re.sub(r"^能(?=[\u4e00-\u9fff]{2})", "", out)
    return _finish(out, organisation_type) if asked and names_what(out) else None


# What any request asks of anyone ("希望得到帮助", "请领导重视解决"): a suggestion made only of
# these says nothing a report can pass on.
_ANY_REQUEST = re.compile(r"得到|获得|给予|予以|帮助|帮忙|解决|处理|重视|关注|考虑|支持|回复|答复|落实|慎重|认真|高度|"
                          r"领导|有关部门|相关部门|政府|部门|尽快|早日|及时|一下|问题|能够|能|给|我们|大家")


def names_what(asked: str) -> bool:
    """The request names what is to be done or changed, beyond asking for help or attention."""
    return len("".join(_CJK_RUN.findall(_ANY_REQUEST.sub("", asked)))) >= 2


_COMPLAINT = re.compile(r"太[高多慢贵少长大难]|[难慢贵差乱缺欠罚]|拖欠|不够|不到|不了|不好|不足|不便|没有|没|投诉|问题|困难|"
                        r"影响|麻烦|折腾|卡顿|扰民|隐患|危险|严重|污染|违法|违规|无证|不合理|竟然|偏[高低长少]|过[高低长重]|"
                        r"无法|不能|不给|不让|不予|不公|强制|压榨|廉价|克扣|推诿|刁难|拥堵|堵|脏|臭|噪|吵|坑|骗|欺|霸|涨价|"
                        r"乱收费|拖延|迟迟|一直未|至今未|久拖")


def tells_what_is_wrong(said: str) -> bool:
    """The clause names something wrong ("……油烟扰民", "……没有任何信号灯"), as a problem's
    example should; a plain fact ("……日前发布《……》") does not."""
    return bool(_COMPLAINT.search(said))


def praise_clause(text: str, organisation_type: str = "") -> str | None:
    """What was praised: the opening up to its "但" or its request; None when it complains
    (a complaint the kind model took for praise is not reported as 肯定)."""
    pieces = _open(_pieces(text))
    if pieces and (_CONTINUES.match(pieces[0]) or turns_away(pieces[0])):
        return None  # "可就是因为此处路面宽……": the middle of a story, not what was praised
    cut = next((i for i, p in enumerate(pieces) if i and (p.startswith(_TURNS) or _REQUEST_STARTS.match(p))), None)
    said = _finish(_gather(pieces[:cut] if cut else pieces, stop_at_turn=True, own_words_end=True),
                   organisation_type)
    return None if said is None or _COMPLAINT.search(said) or _asks(said) else said


CLAUSES = {"problem": problem_clause, "suggestion": suggestion_clause, "praise": praise_clause}


@lru_cache(maxsize=8192)
def clause_for(kind: str, text: str, organisation_type: str = "") -> str | None:
    return CLAUSES[kind](text, organisation_type) if kind in CLAUSES else None


def problem_sentence(category) -> str:
    """The plan's wording of a problem category: its description up to the colon, else its
    first sentence (what （二）'s 一是… prints)."""
    text = (category.description or "").strip()
    head = re.split(r"[：:。]", text, maxsplit=1)[0] if text else ""
    head = (head or f"{category.name}方面还存在不足").strip().rstrip("。.；;，,")
    return f"{head}。"


def _bigrams(text: str) -> set[str]:
    for word in _GENERIC:
        text = text.replace(word, "，")
    return {run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


class Terms(set):
    """A point's terms; `keywords`: those that are the plan's keywords (one of them is enough to fit)."""

    def __init__(self, words=(), *, keywords: frozenset[str] = frozenset()):
        super().__init__(words)
        self.keywords = keywords


def terms(*texts: str, keywords: tuple[str, ...] = (), title: str = "") -> set[str]:
    """The content words of a point as printed: the plan's keywords it contains, and the
    two-character words of its text once the words every point shares (and the plan's title,
    which every point is about) are taken out."""
    # a plan keyword that any text may say (政策) shows no fit: "响应国家政策" in a letter about
    # family planning was taken to illustrate 惠企政策落实
    found = {k for k in keywords if k not in _BROAD_KEYWORDS and any(k in t for t in texts)}
    words = set(found)
    for text in texts:
        words |= _bigrams(text)
    return Terms(words - _bigrams(title), keywords=frozenset(found))


def fits(example: str, point_terms: set[str]) -> bool:
    """The example says a word of the point. Where the plan gives the point keywords (a problem
    category), one of them or a word for who the point is about (公司 for 企业) is enough, else two
    of its other two-character words: one such word alone (正常, from 影响正常经营) put a letter on
    phone harassment under 监管执法. A point without keywords (a measure) fits on one word."""
    said = {t for t in point_terms if t in example}
    if any(w in example for t in point_terms for w in _SAME.get(t, ())):
        return True
    keywords = getattr(point_terms, "keywords", None)
    if not keywords:
        return bool(said)
    return bool(said & (keywords | frozenset(_SAME))) or len(said) >= 2


def point_terms(data, fit: dict) -> set[str]:
    """The terms of the point a group is placed under: {"category": id} a problem category of
    （二）, {"measure": id} a plan measure of （三）."""
    title = data.plan_title
    if "category" in fit:
        c = next((c for c in data.categories if c.id == fit["category"]), None)
        return terms(problem_sentence(c), c.name, keywords=tuple(c.keywords), title=title) if c else set()
    m = next((m for m in data.measures if m.id == fit.get("measure")), None)
    return terms(m.name, m.description, title=title) if m else set()


def fitting(rows, kind: str, point: set[str]) -> list:
    """The rows whose clause illustrates the point."""
    out = []
    for r in rows:
        said = clause_for(kind, r.text, r.organisation_type)
        if said and fits(said, point):
            out.append(r)
    return out
