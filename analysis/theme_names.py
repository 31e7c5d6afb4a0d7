"""Theme names that are true of their members (issue 24 item 4).

A theme's name must say what most of its statements say, as a complete phrase:

- **shared**: the name's key words (its content words: two characters or more, not a filler
  part of speech, not a generic word such as 加强、工作、问题) are said by most members: at
  least `SHARE` (two thirds) of the members contain at least half of them. A name with no
  key word says nothing and never passes.
- **no one member's incident**: every key word is said by at least `WORD_SHARE` of the
  members (and by two at least), so a detail of one story (展会、竞争对手) never sits in a
  name, however central its statement.
- **complete**: the name starts and ends on whole words (not on a conjunction, preposition,
  particle or modal: 能及时反馈, …的), and wherever it is cut from a statement it does not
  stop inside a compound (消防检查和卫生|检查).

How: candidates are the clauses of the most central statements and the runs of whole words
inside them (`analysis.labels` makes them, as it did before); a candidate that meets the three
rules scores for its key words' share and distinctiveness (the theme's c-TF-IDF keywords), for
reading as an issue (problem theme) or a proposal (suggestion theme) and for being short. When
no phrase of the members meets them (a broad theme whose members share words but no clause),
the name is composed from the one or two words that cover most members: "A、B方面的问题"
(problem), "A、B方面的建议" (suggestion), "A、B方面的肯定意见" (praise), "A、B方面的问题和建议" (both),
"A、B方面的意见" (members of several kinds: a name claims a kind only when `claimed_kind` allows), "A、B"
(no kind). When
even those words are said by fewer than two thirds, the theme mixes topics (its statements share
no words): no name can be true of it, so the name says so plainly, "A、B等多方面的问题" (its most
said words, then 等多方面). Two themes of a category never share a name: the second of two themes
about A is "A方面的其他问题". Staff names are never made here: the web app keeps a staff name as
given (`survey.review.store`).
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence

from .kinds import PRAISE, PROBLEM, PROBLEM_CUES, PROPOSAL_START, PROPOSAL_VERBS, SUGGESTION, praise_cue
from .labels import _clauses, _spans  # the candidate phrases: clauses and runs of whole words
from .privacy import MASK
from .tokenize import ChineseTokenizer, is_keyword, word_tag

SHARE = 2 / 3  # members that must say the name's key words
WORD_SHARE = 1 / 3  # members that must say each key word (never one member's detail)
NAME_MAX = 14
CANDIDATE_MEMBERS = 20  # the most central statements whose phrases are candidates
SUPPORT_MEMBERS = 300  # members read for support (an even sample of larger themes)

# Whom a letter addresses and how it greets, thanks or asks for a reply or for attention (望予以解答为盼,
# 请卫生局的同志帮我解答, 望贵局尽快解决！切盼！, 至此敬礼): real letters' sentences that say nothing of
# what the letter is about, so no name is made of them (予以方面的问题, 贵局方面的建议).
LETTER_WORDS = ("同志 老同志 贵局 贵单位 贵部门 书记 市长 县长 区长 局长 厅长 主任 大人 敬礼 敬爱 此致 至此 切盼 盼复 "
                "为盼 恳盼 烦请 敬请 予以 给予 得到 重视 说法 过问 帮忙 关注 足够 不该 民众 群众 百姓 老百姓 本人 市民 网友")
# Words that say nothing about what a theme is: every statement could hold them.
GENERIC = frozenset((
    "问题 工作 方面 情况 建议 希望 意见 加强 推进 推动 进一步 提升 提高 加大 完善 开展 进行 做好 有关 相关 "
    "方面 一些 这个 那个 这些 我们 他们 大家 现在 目前 已经 还是 就是 可以 需要 应该 能够 没有 不是 觉得 认为 "
    "感觉 比较 非常 特别 存在 出现 一定 有些 很多 各种 东西 事情 时候 地方 今年 去年 一个 一下 以及 还有 力度 "
    "水平 能力 措施 机制 政策 部门 单位 领导 支持 请问 请求 要求 反映 解决 处理 您好 谢谢 感谢 不能 可能 严重 "
    "不知 知道 能够 时候 尊敬 恳请 能否 期待 原因 影响 麻烦 是否 为何 为什么 肯定 "
    # what a letter to the authorities asks for, not what it is about
    "解答 答复 回复 疑问 解决问题 是不是 您们好 你们好 只能 多方面 " + LETTER_WORDS).split())
# Generic words that still claim something of a theme's topic (a negation, a judgement, what one
# knows or feels): a name holds one only when enough members say it (酒店也没有 over 14 members of
# whom one says 没有 is that member's complaint).
# A letter's words too (受关注少, 得到重视): said in a name, they must be said by enough members.
CLAIMS = frozenset(("没有 不能 不知 知道 觉得 认为 感觉 还有 严重 已经 可能 只能 不是 " + LETTER_WORDS).split())
# How a composed name ends, by the theme's kind: a topic (方面的…), a mixed theme (等多方面…), and
# the second theme of a category about the same words (方面的其他…).
# MIXED: members of several kinds (claimed_kind), whose name claims none: "A方面的意见"; BOTH: problems
# and proposals, neither two thirds of the members: "A方面的问题和建议".
MIXED = "mixed"
BOTH = "both"
_TOPIC = {PROBLEM: "方面的问题", SUGGESTION: "方面的建议", PRAISE: "方面的肯定意见", MIXED: "方面的意见",
          BOTH: "方面的问题和建议", None: ""}
_MIXED = {PROBLEM: "等多方面的问题", SUGGESTION: "等多方面的建议", PRAISE: "等多方面的肯定意见", MIXED: "等多方面意见",
          BOTH: "等多方面的问题和建议",
          None: "等多方面意见"}
_OTHER = {PROBLEM: "方面的其他问题", SUGGESTION: "方面的其他建议", PRAISE: "方面的其他肯定意见", MIXED: "方面的其他意见",
          BOTH: "方面的其他问题和建议",
          None: "方面的其他意见"}
# A name never starts on these (a modal or an auxiliary before the verb: 能及时反馈, 要加强…).
_BAD_START = frozenset("请 请问 请求 烦请 恳请 敬请 是 能 会 要 可 可以 应 应该 应当 需 需要 得 必须 把 被 将 对 对于 和 与 及 或 或者 以及 并 并且 而 而且 "
                       "但 但是 也 都 就 还 又 再 才 的 了 着 过 在 从 向 给 让 使 由 因为 所以 如果 虽然 以 为 等 更".split())
# …方面 without its head (专利侵权判定方面) is cut too
_BAD_END = frozenset("的 了 着 过 和 与 及 或 以及 把 被 对 在 从 向 给 让 等 吗 呢 吧 啊 得 地 将 是 有 要 能 会 为 并 而 "
                     "方面".split())
# conjunction, preposition, particle, modal particle, adverb, pronoun: 还没…, 这些…
_START_TAGS = frozenset("cpuydr")
# function words: conjunction, preposition, particle, modal, adverb, pronoun, interjection, onomatopoeia
_FUNCTION_TAGS = frozenset("cpuydreo")
# a verb cut from its object: 能|提供, 把|…, 给|…
_BEFORE_OBJECT = frozenset("能 会 要 可以 应 应该 应当 需要 想 得 把 被 将 对 给 让 使".split())
# after the name in its statement, these say it was cut from its head: 有资质|的机构
_HEAD_FOLLOWS = frozenset("的 之 地 得 们".split())
_DEGREE = frozenset("太 很 偏 较 过 最 挺 更 不 极 好".split())
_STORY = frozenset("了 过 着 我 我们 咱们 本人".split())
_ASKS = frozenset("难道 凭什么 何在 岂 怎能 为何 为什么 怎么 何时 吗".split())
_NOUNISH = ("n", "vn", "nz", "ng", "an")
# One-character suffixes of a place or a body: a name that stops before one is cut from its name.
_SUFFIXES = frozenset("厂 村 镇 乡 县 市 区 路 街 巷 场 店 站 局 所 院 校 馆 园 楼 栋 号 处 室 科 队 行 司 委 办 部".split())


def key_words(name: str, cut) -> list[str]:
    """The content words of a name, in order: what its members must say."""
    return list(dict.fromkeys(w for w in (w.strip() for w in cut(name)) if _key(w)))


@functools.lru_cache(maxsize=1 << 16)  # asked of every word of every member read: the same words again and again
def _key(w: str) -> bool:
    return len(w) >= 2 and is_keyword(w) and w not in GENERIC and MASK not in w and not any(c.isdigit() for c in w)


def detail_words(name: str, cut) -> list[str]:
    """The name's other words that say something of one story: a modifier, a number or a name
    (二期 in 二期基金, 张家湾), or what it claims of its topic (酒店也没有, 知道酒店房间小): they
    too must be said by enough members."""
    return [w for w in dict.fromkeys(cut(name)) if w in CLAIMS or (
        len(w) >= 2 and w not in GENERIC and word_tag(w)[:1] not in _FUNCTION_TAGS and not is_keyword(w))]


def says(member: str, words: Sequence[str]) -> bool:
    """Whether a member says a name with these key words: at least half of them (one at least)."""
    if not words:
        return False
    need = max(1, math.ceil(len(words) / 2))
    return sum(w in member for w in words) >= need


def support(words: Sequence[str], members: Sequence[str]) -> float:
    """The share of members that say the key words."""
    return sum(says(m, words) for m in members) / len(members) if members and words else 0.0


def complete(name: str, cut, members: Sequence[str] = ()) -> bool:
    """A complete phrase: no digit, mask or bracket; starts and ends on a whole content word;
    and, where it is cut from a member, not cut inside a compound in every place it appears."""
    if not name or MASK in name or any(c.isdigit() for c in name) or re.search(r"[()（）\[\]【】<>《》]", name):
        return False
    tokens = [t for t in cut(name) if t.strip()]
    if not tokens:
        return False
    first, last = tokens[0], tokens[-1]
    if first in _BAD_START or (word_tag(first)[:1] in _START_TAGS and first != "其他") or first[0] in "的了着过":
        return False
    if word_tag(first).startswith("f") or _ASKS & set(tokens):
        # a place word first was cut from its head (情况|下可以申请法律援助); a rhetorical question
        # (行为难道可以如此轻易纵容) is one writer's outcry, not what a theme is about
        return False
    if last in _BAD_END or not _ends_phrase(last, tokens[-2] if len(tokens) > 1 else "") or (len(tokens) > 1 and tokens[-2] in _BEFORE_OBJECT):
        return False
    if any(word_tag(t).startswith(("p", "t")) or t in _STORY for t in tokens):
        # a preposition's phrase cut short (专利从申请…); a time or an aspect particle tells one
        # member's story (去年办了专利), not what the theme is
        return False
    places = [m for m in members if name in m]
    return not places or any(_clean_cut(name, m, cut) for m in places)


def _ends_phrase(last: str, before: str = "") -> bool:
    """A phrase ends on a noun, verb or adjective of two characters or more, or a one-character
    adjective (审批慢, 渠道不畅); never a one-character verb, noun, adverb or preposition (还没, 能走)."""
    tag = word_tag(last)
    if len(last) == 1:
        # 慢, 难, or any one character after a degree word (太多, 太咸, 偏高); a one-character
        # noun or verb otherwise is cut (到底值|多少钱, 还没)
        return tag.startswith("a") or before in _DEGREE
    # j: an abbreviation (社保, 医保, 农行), s: a place word (路口)
    return tag == "" or tag.startswith(_NOUNISH) or tag.startswith(("v", "a", "j", "s"))


def _clean_cut(name: str, member: str, cut) -> bool:
    """Whether `name` sits in `member` on word boundaries, not inside a compound."""
    tokens = cut(member)
    starts, at = {}, 0
    for j, t in enumerate(tokens):
        starts[at] = j
        at += len(t)
    ends = {sum(len(t) for t in tokens[: j + 1]): j for j in range(len(tokens))}
    pos = member.find(name)
    while pos >= 0:
        i, j = starts.get(pos), ends.get(pos + len(name))
        if i is not None and j is not None:
            before = tokens[i - 1] if i > 0 else ""
            after = tokens[j + 1] if j + 1 < len(tokens) else ""
            nounish = [word_tag(t).startswith(_NOUNISH) for t in (before, tokens[i], tokens[j], after)]
            # a phrase ending on a verb whose object follows it in the member is cut from it
            # (侵权提高|处罚力度); one word alone is a topic (停车 in 停车收费)
            verb_cut = j > i and word_tag(tokens[j]) == "v" and word_tag(after).startswith(("n", "v"))
            # a clause cut between a noun and the verb it leads to (简单案件能现场处理就现场|处理,
            # 电商平台上低价|卖): the name holds a verb or a place word, so it is no topic noun phrase
            predicate_cut = j > i and word_tag(tokens[j]).startswith(("n", "s")) and word_tag(after) == "v" \
                and any(word_tag(t).startswith(("v", "f")) for t in tokens[i:j])
            if not (nounish[0] and nounish[1]) and not (nounish[2] and nounish[3]) and after not in _HEAD_FOLLOWS \
                    and not verb_cut and not predicate_cut and not _inside_unknown_word(before, tokens[i], tokens[j], after):
                return True
        pos = member.find(name, pos + 1)
    return False


def _inside_unknown_word(before: str, first: str, last: str, after: str) -> bool:
    """A name the segmenter's single characters cut out of a word it does not know (a place, a
    firm, 在岗, 普惠型): it starts on a lone character that is no verb, adjective or adverb (those
    are words of their own: 都|说一套做一套) after another lone character, or on any lone character
    after letters and digits (普惠|型幼儿园…, A3|区教师村…, 在|岗失业职工…), or ends on a lone character
    before another content character (…泥泞不堪的小|含浦镇), or before a one-character suffix
    that names a place or a body (…泰民米粉|厂, …仙石|村)."""
    after_code = before[-1:].isascii() and before[-1:].isalnum()
    if len(first) == 1 and (after_code or _lone_char(before) and word_tag(first)[:1] not in "vad"):
        return True
    if after and after in _SUFFIXES:
        return True
    return len(last) == 1 and _lone_char(after) and word_tag(after)[:1] not in _FUNCTION_TAGS and after not in "的之地得"


def _lone_char(token: str) -> bool:
    return len(token) == 1 and "\u4e00" <= token <= "\u9fff"


def claimed_kind(mix: Counter) -> str | None:
    """The kind a theme's name may claim ("方面的问题/建议/肯定意见"), from its members' kinds.
    Praise only when no member complains or proposes: "专利质押贷款方面的肯定意见" sat over a
    member complaining of the loans' costs, and the report's annex quoted that complaint under it.
    Problem (or suggestion) when two thirds of the members say it; BOTH ("方面的问题和建议") when
    problems and proposals together make two thirds (one issue's problems and proposals share a
    theme, issue 24): "机构、代理方面的建议" sat over as many complaints as proposals. Else MIXED
    ("方面的意见")."""
    total = sum(mix[k] for k in (PROBLEM, SUGGESTION, PRAISE))
    if not total:
        return None
    if mix[PRAISE] == total:
        return PRAISE
    for kind in (PROBLEM, SUGGESTION):
        if mix[kind] >= SHARE * total:
            return kind
    return BOTH if mix[PROBLEM] + mix[SUGGESTION] >= SHARE * total else MIXED


def theme_name(members: Sequence[str], keywords: Sequence[str] = (), cut=None, *, kind: str | None = None,
               avoid: Collection[str] = ()) -> tuple[str, list[str]]:
    """A name true of the theme's members (see the module docstring), and its key words.

    `members`: the theme's statements (masked text), most central first; `keywords`: its
    c-TF-IDF keywords, best first (they rank words the members share); `kind`: "problem",
    "suggestion" or None; `avoid`: names other themes of the category already have.
    """
    cut = _memo(cut or ChineseTokenizer().cut)
    members = [m for m in members if m and m.strip()]
    if not members:
        return "、".join(k for k in keywords[:2] if k), [k for k in keywords[:2] if k]
    sample = _sample(members)
    share = _word_share(sample, cut)
    rank = {k: j for j, k in enumerate(k for k in keywords if k)}
    taken = [a for a in avoid if a]
    kind = kind if kind in (PROBLEM, SUGGESTION, PRAISE, MIXED, BOTH) else None

    best, best_score = None, float("-inf")
    seen: set[str] = set()
    for central, text in enumerate(members[:CANDIDATE_MEMBERS]):
        for clause in _clauses(text, kind):
            for span, where in _spans(clause, cut):
                if span in seen or len(span) > NAME_MAX:
                    continue
                seen.add(span)
                score = _score(span, where, central, kind, sample, share, rank, cut, taken)
                if score > best_score:
                    best, best_score = span, score
    if best is not None:
        return _framed(best, kind, cut), key_words(best, cut)
    return _composed(sample, share, rank, kind, taken, cut)


def _framed(phrase: str, kind: str | None, cut) -> str:
    """A shared phrase as the theme's name: as it is when it reads as the theme's kind (停车位太少
    for problems, 建立技术专家库 for suggestions), else as its topic (高校专利 → 高校专利方面的建议),
    so staff never read a bare noun as the name of a theme of problems."""
    if kind is None or _reads_as(phrase, kind, cut):
        return phrase
    return phrase + _TOPIC[kind]  # MIXED: a topic (专利质押贷款方面的意见); a clause is itself


def _noun_phrase(phrase: str, cut) -> bool:
    """A phrase ending on a noun (高校专利, 执行工作): a topic, which 方面的问题 can frame."""
    tokens = [t for t in cut(phrase) if t.strip()]
    return bool(tokens) and word_tag(tokens[-1]).startswith(("n", "j", "s"))


def _reads_as(phrase: str, kind: str, cut) -> bool:
    if kind == MIXED:
        return not _noun_phrase(phrase, cut)
    if kind == BOTH:  # an issue (停车位太少) or a proposal names its problems and proposals alike
        return _reads_as(phrase, PROBLEM, cut) or _reads_as(phrase, SUGGESTION, cut)
    if kind == PROBLEM:
        tokens = [t for t in cut(phrase) if t.strip()]
        # a problem word (难、不足、侵权), or a predicate adjective at the end (审批慢, 饭菜太咸)
        return PROBLEM_CUES.search(phrase) is not None or (
            len(tokens) > 1 and (word_tag(tokens[-1]).startswith("a") or tokens[-2] in _DEGREE))
    if kind == SUGGESTION:
        return PROPOSAL_VERBS.search(phrase) is not None
    return praise_cue(phrase) != ""


def _memo(cut):
    """`cut` remembering its answers: a member is cut once, however many candidates look at it."""
    seen: dict[str, list[str]] = {}

    def cached(text: str) -> list[str]:
        if text not in seen:
            seen[text] = cut(text)
        return seen[text]
    return cached


def _sample(members: Sequence[str]) -> list[str]:
    if len(members) <= SUPPORT_MEMBERS:
        return list(members)
    step = len(members) / SUPPORT_MEMBERS
    return [members[int(i * step)] for i in range(SUPPORT_MEMBERS)]


def _word_share(members: Sequence[str], cut) -> dict[str, float]:
    """Each content word of the members → the share of members that say it, wherever it stands:
    a word is counted inside longer ones too (停车 in 停车位, 停车场, 停车难: the segmenter cuts
    the same word differently in each member)."""
    words: Counter = Counter()
    for m in members:
        words.update({w for w in map(str.strip, cut(m)) if _key(w)})  # key_words(m), as a set
    # each word looked for only in the members that hold its first two characters: `w in m` for
    # every pair, faster (every key word has two characters at least)
    said = dict.fromkeys(words, 0)
    by_head: dict[str, list[str]] = {}
    for w in words:
        by_head.setdefault(w[:2], []).append(w)
    heads = by_head.keys()
    for m in members:
        for head in heads & {m[i:i + 2] for i in range(len(m) - 1)}:
            for w in by_head[head]:
                if w in m:
                    said[w] += 1
    return {w: said[w] / len(members) for w in words}


def _said_enough(w: str, share: dict[str, float], members: Sequence[str]) -> bool:
    """Said by at least a third of the members, and by two of them at least."""
    n = len(members)
    # a word of the name cut differently in the members (校企对接) is looked up in their text
    said = share[w] if w in share else sum(w in m for m in members) / n
    return said >= WORD_SHARE and said * n >= min(2, n)


def _score(span, where, central, kind, members, share, rank, cut, taken) -> float:
    if any(span in a or a in span for a in taken) or len(_framed(span, kind, cut)) > NAME_MAX + 5:
        return float("-inf")
    if kind is not None and not _reads_as(span, kind, cut) and not _noun_phrase(span, cut):
        return float("-inf")  # a clause that is no issue (补课早已存在): …方面的问题 cannot frame it
    words = key_words(span, cut)
    if not words or not all(_said_enough(w, share, members) for w in words + detail_words(span, cut)):
        return float("-inf")
    covered = support(words, members)
    if covered < SHARE or not complete(span, cut, members):
        return float("-inf")
    # distinctive words (high in the theme's c-TF-IDF keywords) say what sets the theme apart
    distinct = sum(1.0 / (1 + rank[w]) for w in words if w in rank)
    score = covered + 0.5 * min(1.0, distinct) + 0.15 * min(len(words), 3)
    problem = PROBLEM_CUES.search(span) is not None
    proposal = 1.0 if PROPOSAL_START.search(span) else 0.5 if PROPOSAL_VERBS.search(span) else 0.0
    score += {PROBLEM: 0.6 * problem, SUGGESTION: 0.6 * proposal, PRAISE: -0.3 * (problem or proposal > 0)}.get(
        kind, 0.3 * (problem or proposal > 0))
    score += {"whole": 0.2, "end": 0.1}.get(where, 0.0) - 0.01 * central - 0.02 * max(0, len(span) - 10)
    return score


def topic_word(word: str, cut) -> bool:
    """A word a composed name can list (A、B方面的问题): a key word, complete alone, and a thing or
    an action: no adjective or adverb (一般、严重) stands in a list name. `analysis.themes` cuts
    themes where their members share such words."""
    return _key(word) and _listable(word, cut)


def _listable(word: str, cut) -> bool:
    tag = word_tag(word)
    # a negated verb (不到, 没见) is what one member did not get, and a plea (请来) what one asks,
    # not a topic: "不到方面的问题"
    negated = word[0] in "不没请" and not tag.startswith(_NOUNISH)
    return complete(word, cut) and (not tag.startswith(("a", "d")) or tag == "an") and not negated


def _composed(members, share, rank, kind, taken, cut) -> tuple[str, list[str]]:
    """A name composed from the one or two words that cover most members (see the docstring)."""
    n = len(members)
    words = [w for w, s in share.items() if s * n >= min(2, n) and _listable(w, cut)]
    # the best-covering words first; ties: the more distinctive (c-TF-IDF rank), then shorter
    words.sort(key=lambda w: (-share[w], rank.get(w, len(rank)), len(w), w))
    words = words[:12]
    # no pair of which one word holds the other (高校、校企 is fine, 专利、专利权 says one thing twice)
    options = [(w,) for w in words] + [(a, b) for i, a in enumerate(words) for b in words[i + 1:]
                                       if a not in b and b not in a]

    said_by = {w: {i for i, m in enumerate(members) if w in m} for w in words}  # members that say each word

    def covered(option) -> float:
        return len(set().union(*(said_by[w] for w in option))) / n

    def value(option):
        # past two thirds, more coverage adds nothing: then nouns ("A、B方面" reads as a topic,
        # 了解、保护 less so), distinctive words, and one word rather than two
        nouns = all(word_tag(w).startswith(("n", "vn")) for w in option)
        distinct = sum(1.0 / (1 + rank[w]) for w in option if w in rank)
        return (round(min(covered(option), SHARE), 6), nouns, min(distinct, 1.0) - 0.3 * len(option))

    taken_names = set(taken)
    for option in sorted(options, key=value, reverse=True):
        listed = "、".join(option)
        if covered(option) < SHARE:
            # the best words are said by fewer than two thirds: the theme mixes topics, and its
            # name says so rather than present a few members' topic as the theme's
            names = [listed + _MIXED[kind]]
        else:
            names = [listed + _TOPIC[kind], listed + _OTHER[kind]]
        for name in names:
            if len(name) <= NAME_MAX + 4 and name not in taken_names:
                return name, list(option)
    plain = {PROBLEM: "其他问题", SUGGESTION: "其他建议", PRAISE: "其他肯定意见", BOTH: "其他问题和建议"}.get(
        kind, "其他意见")  # MIXED too
    if words and plain in taken_names:
        return words[0] + _MIXED[kind], words[:1]
    return plain, []
