"""People's names in free text (analysis.privacy's private part), found by rules that need no
model, so every output (a web request's export included) finds the same names:

- names on the session's roster, however they are spaced or dotted, in traditional characters
  (張麗麗 for 张丽丽: the text is read through a character table, corpus/privacy/t2s.txt), and
  the parts people call each other by (丽丽, 买买提: a given name of two or more characters,
  each part of a · name);
- names people give without a roster: after a self-introduction or a label (我是/我叫/本人/
  鄙人/在下/联系人：/姓名：… + a surname and one or two characters, ending where the clause
  ends), a surname with a title after it (王经理, 李局长, 张三教授) or a title before it
  (局长王伟说), a closing signature (……，王小红。), and transliterated names with · (热合曼·阿不都拉).

A candidate must start with one of the common surnames and its given name must not be a
function word or end like a place or an organisation (高新区, 张江高科 are kept). jieba's
person tag (`nr`) was measured against these rules and is not used: see benchmarks/privacy.py.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from .resources import corpus_path

Edit = tuple[int, int, str]
MASK = "*"

# Common surnames (about 300), compound ones first. Characters that are mostly function words
# (和, 于, 向, 时, 成, 全, 应, 明, 来, 都, 由, 位, 信, 国, 平 …) are left out: they start too many words.
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
             "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "万俟", "澹台", "申屠")
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
    "常温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍喻祁蒲房滕屈饶解牟艾尤穆卓吉缪简车项芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆冀郁"
    "胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉伊仝郜阚权帅屠朴盖练廉禹井祖漆巴丰卿狄计索宣晋初扈晁芮普阙浦戈伏"
    "鹿薄邸雍辜羊裘亓邰赫杭况宿逯隆茹诸战慕危亢嵇湛宾戎勾茅揭尉冶束檀昝幸奉衡富尧")
# Surnames common enough to stand alone before a title (王经理, 李局长).
_TOP = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
                 "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
                 "龚邵万钱严覃武戴莫孔汤常温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳")
# Never part of a given name: function words, and characters that end place and organisation names.
# (海, 峰, 山, 江, 林, 月 and 三 end names as often as places or dates: 胡海, 吴海峰, 欧阳明月, 张三.)
_NOT_GIVEN = frozenset("的了是在和与及说也都就又还等们着过对把被让给向从到为而以之其这那个些我你他她它啥么吗呢吧啊"
                       "呀哦嗯不没很太更最已将要会能可该应请自某每各有无一百千万亿年号姓氏"
                       "市县区省镇村乡街路道巷局院校所部厅委办司行社站队组室馆团州港岛湾岭园店厂场楼苑城河湖"
                       "桥门宫寺庙塔井坊里屯庄营堡集口关坝洲滩头科处股署网业产品牌类型款式期季届班级间边旁面侧层楼")
# The name's end: punctuation, a space, the text's end, or a word that starts what comes next.
_END = r"(?=$|[\s，,。.；;！!？?、：:（(）)\"“”'‘’—…~～/]|男|女|是|来自|在|家住|住在|现|今年|系|身份证|电话|手机|联系|想|要|希望|反映|请|，)"
_GIVEN = r"[\u4e00-\u9fff]"
_SURNAME = "(?:" + "|".join(_COMPOUND) + "|[" + "".join(sorted(_SURNAMES)) + "])"
_TOP_SURNAME = "[" + "".join(sorted(_TOP)) + "]"

_TITLES = ("总经理", "副总经理", "董事长", "总工程师", "工程师", "研究员", "副教授", "教授", "博士", "院士", "老师", "医生",
           "大夫", "护士", "律师", "会计", "主任", "副主任", "经理", "院长", "副院长", "校长", "处长", "科长", "局长",
           "副局长", "厅长", "部长", "县长", "市长", "区长", "镇长", "乡长", "村长", "组长", "队长", "站长", "所长",
           "厂长", "行长", "社长", "馆长", "会长", "秘书长", "书记", "支书", "村支书", "主席", "总监", "总裁", "主管",
           "专员", "干事", "警官", "师傅", "先生", "女士", "小姐", "同志", "阿姨", "大姐", "大哥", "总")
_TITLE = "(?:" + "|".join(sorted(_TITLES, key=len, reverse=True)) + ")"
# Before a surname standing alone with a title (联系了王经理): the start, punctuation or a word's
# end that leaves the surname free (泰安市长期 is no 安市长).
_LEFT = (r"(?:^|(?<=[\s，,。.；;！!？?、：:（(）)\"“”'‘’了向找和与跟请给对被让由是的问叫称把将及同见据经有说替为帮上中告谢"
         r"询访到以因但而就才又还也都小老局院所处厅部委办司行厂店校队站社组科室]))")
# 长 titles inside words: 市长期, 区长江, 县长城
_TITLE_GUARD = r"(?![期久远度短江城沙春们级职岗]|部门|单位|机构|助理|办公)"

# A self-introduction or a label, then the name. After the strong cues (我叫, 联系人：) the name
# is certain and may run into the next word (申请人：刘香桂2018); after 我是/本人 it must end
# where the clause does (我是王小红，… but not 我是万科魅力之城…).
_STRONG_CUE = (r"我叫|我的名字(?:叫|是)|名叫|名字叫|叫做|本人叫|[，,]叫|(?:联系人|姓名|签名|署名|落款|留言人|投诉人|"
               r"举报人|反映人|来信人|经办人|负责人|申请人)\s*[:：]?")
_WEAK_CUE = r"我是|本人(?:是)?|鄙人|在下"
_INTRODUCED = re.compile(rf"(?:{_STRONG_CUE})\s*({_SURNAME}{_GIVEN}{{1,2}})|"
                         rf"(?:{_WEAK_CUE})\s*[:：]?\s*({_SURNAME}{_GIVEN}{{1,2}}?){_END}")
_NAMED_TITLES = [t for t in sorted(_TITLES, key=len, reverse=True) if t != "总"]
_NAMED_TITLE = "(?:" + "|".join(_NAMED_TITLES) + ")"
_TITLE_ANY = re.compile(_NAMED_TITLE)
# A surname alone before a title needs a free start (泰安市长, 公安局长, 蒙牛总裁 are none;
# 环保局蒋局长, 所以王局长, 小林老师 are).
_TITLED = re.compile(rf"{_LEFT}({_TOP_SURNAME}){_NAMED_TITLE}{_TITLE_GUARD}|"
                     rf"({_SURNAME}{_GIVEN}{{1,2}}?){_NAMED_TITLE}{_TITLE_GUARD}")
_BOSS = re.compile(rf"{_LEFT}({_TOP_SURNAME})总(?![的体是结计共量额部裁监经工会而之算之数价])")  # 钱总, 王总
# After a title or a role (行长张坤定在…, 承包商贺良（…, 工作人员肖晖的…): the name ends before
# punctuation or a word that goes on about the person.
_GOES_ON = r"(?=" + _END[3:-1] + r"|说|表示|指出|认为|提出|讲|强调|介绍|答应|一直|也|都|联系|告诉|同志|的|多次|被|身为|等|把|将|不|却)"
# After a role or a kinship word only a full three-character name counts (儿子高兴 is no name).
_ROLES = ("法人", "法定代表人", "成员", "工作人员", "承包商", "老板", "老赖", "业主", "房东", "司机", "患者",
          "其兄", "其弟", "其姐", "其妹", "其子", "其女", "侄子", "儿子", "女儿", "丈夫", "妻子", "爱人", "老公", "老婆",
          "父亲", "母亲")
_ROLE = "(?:" + "|".join(_ROLES) + ")"
_TITLE_FIRST = re.compile(rf"{_NAMED_TITLE}\s*[:：]?\s*({_SURNAME}{_GIVEN}{{1,2}}?){_GOES_ON}|"
                          rf"{_ROLE}\s*[:：]\s*({_SURNAME}{_GIVEN}{{1,2}}?){_GOES_ON}|"
                          rf"{_ROLE}\s*({_SURNAME}{_GIVEN}{{2}}){_GOES_ON}")
_ROLE_ANY = re.compile(_ROLE)
_SURNAME_ONLY = re.compile(r"我姓(" + _SURNAME + r")(?=[，,。.；;\s]|$)")
_SURNAME_AND_GIVEN = re.compile(rf"姓({_SURNAME})[，,]?名({_GIVEN}{{1,2}}?){_END}")  # 姓刘名德福
_SIGNED = re.compile(rf"(?:^|[，,。.；;！!？?\s—\-])\s*({_SURNAME}{_GIVEN}{{1,2}})\s*[。.!！]?\s*$")
_SIGN_CUE = re.compile(r"我|本人|谢谢|此致|敬礼|特此|感谢")
# A self-description, then the name as a clause of its own: 我是开小饭馆的，王小红。审批……
_DESCRIBED = re.compile(rf"(?:我是|本人是?|我叫)[^，,。；;！!？?\n]{{1,20}}[，,]\s*({_SURNAME}{_GIVEN}{{1,2}})\s*(?=[。.!！，,；;\n]|$)")
# Transliterated names (Uyghur, Tibetan, foreign): parts joined by a dot, mostly of these characters.
_TRANSLIT = frozenset("阿艾爱安奥巴拜班邦贝本比波伯布才查达丹德迪丁东杜多俄尔二法凡菲芬弗夫福盖甘戈格古哈海汉赫黑"
                      "亨胡华吉加贾杰金卡凯坎克肯库拉莱兰朗劳勒雷里力丽利莉林琳卢鲁路伦罗洛马玛买迈麦曼梅米敏莫姆"
                      "木穆纳娜奈尼努诺帕佩普齐奇恰乔切琴热萨赛桑色沙莎申史斯索塔汤唐特提图吐托瓦万旺威维温沃乌"
                      "西希夏肖谢辛逊亚扬耶伊依尤约扎泽詹珍朱卓孜祖合江别汗姆都不罕旦次仁措央卓玛顿珠曲普琼索朗"
                      "格桑平巴桑吉尼玛娃扎西洛嘎宗拉姆依热帕孜木沙尔克伯")
_DOTTED = re.compile(r"([\u4e00-\u9fff]{1,6})(?:\s*[·•・‧.]\s*([\u4e00-\u9fff]{1,6})){1,2}")
NAME_DOTS = "·•・‧."


@functools.lru_cache(maxsize=1)
def _t2s() -> dict[int, int]:
    """The traditional → simplified character table (read once, on first use)."""
    table = {}
    for line in corpus_path("privacy", "t2s.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            trad, _, simp = line.partition("\t")
            if len(trad) == 1 and len(simp) == 1:
                table[ord(trad)] = ord(simp)
    return table


def simplified(text: str) -> str:
    """`text` with traditional characters as simplified, character for character."""
    try:
        # GB2312 holds simplified characters only: a text it encodes has none to convert (the
        # common case, tested at C speed; the table lookup costs a microsecond a character)
        text.encode("gb2312")
        return text
    except UnicodeEncodeError:
        return text.translate(_t2s())


def _plain(name: str) -> str:
    return "".join(c for c in name if c not in NAME_DOTS and not c.isspace())


# Words that read like a surname and a name but are not one (谢谢 at the end, 感谢小林老师).
_NOT_NAMES = frozenset({"谢谢", "麻烦", "谢了", "谢啦", "多谢"})
_WORD_BEFORE = ("感", "多", "致", "答", "鸣", "道", "酬")  # …谢: 感谢快递师傅 is no 谢快递


def _free(s: str, start: int, end: int) -> bool:
    """Whether s[start:end] can be a name: not a closing word, its surname not the end of a word."""
    return s[start:end] not in _NOT_NAMES and not (start and s[start] == "谢" and s[start - 1] in _WORD_BEFORE)


def _given_ok(given: str) -> bool:
    return bool(given) and not any(c in _NOT_GIVEN for c in given)


def _split_surname(name: str) -> tuple[str, str]:
    for compound in _COMPOUND:
        if name.startswith(compound):
            return compound, name[len(compound):]
    return name[:1], name[1:]


def _person(name: str) -> bool:
    surname, given = _split_surname(name)
    return (surname in _COMPOUND or surname in _SURNAMES) and 1 <= len(given) <= 2 and _given_ok(given)


def roster_parts(names: Iterable[str]) -> list[str]:
    """The parts of roster names people use on their own: a given name of two or more characters
    (丽丽 of 张丽丽, 庆军 of 宋庆军) and each part of a · name of two or more (买买提, 艾力)."""
    parts = set()
    for name in names:
        pieces = [p for p in re.split(rf"[{re.escape(NAME_DOTS)}\s]+", name) if p]
        if len(pieces) > 1:
            parts.update(p for p in pieces if len(p) >= 2)
        else:
            _, given = _split_surname(_plain(name))
            if len(given) >= 2:
                parts.add(given)
    return sorted(parts - {_plain(n) for n in names}, key=len, reverse=True)


def _pattern(name: str) -> re.Pattern:
    """A name however it is spaced or dotted in the text (买买提·艾力, 买买提 • 艾力, 张 三)."""
    chars = [c for c in _plain(name)]
    return re.compile(rf"[ {re.escape(NAME_DOTS)}]*".join(re.escape(c) for c in chars))


def _mask(start: int, end: int, text: str, keep_first: bool) -> list[Edit]:
    first = start + 1 if keep_first else start
    return [(i, i + 1, MASK) for i in range(first, end) if not text[i].isspace() and text[i] not in NAME_DOTS]


_NEXT_NAME = re.compile(rf"\s*[、和与及]\s*({_SURNAME}{_GIVEN}{{1,2}}?){_END}")  # 余中华、王才茂


_CUES = ("我叫", "我的名字", "名叫", "名字叫", "叫做", "本人", "，叫", ",叫", "联系人", "姓名", "签名", "署名", "落款",
         "留言人", "投诉人", "举报人", "反映人", "来信人", "经办人", "负责人", "申请人", "我是", "鄙人", "在下")
# Every sign a rule needs, found in one scan: most statements have none and cost this scan only.
# (every branch starts with a plain character, so the engine skips ahead on their first characters)
_SIGNS = re.compile("|".join(re.escape(w) for w in sorted({*_CUES, *_NAMED_TITLES, *_ROLES, "姓", "总", *NAME_DOTS},
                                                           key=len, reverse=True)))
_KIND = {**{c: "cue" for c in _CUES}, **{t: "title" for t in _NAMED_TITLES}, **{r: "role" for r in _ROLES},
         "姓": "surname", "总": "boss", **{d: "dot" for d in NAME_DOTS}}


def _found(s: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is a whole name) of names the rules find in the simplified text; each rule
    runs only where its sign is (the pipeline masks every statement: most have none)."""
    seen = set()
    for sign in _SIGNS.finditer(s):
        kind = _KIND.get(sign.group(0), "dot")
        if kind == "cue":
            yield from _introduced(s, sign.start())
        elif kind in ("title", "role"):
            if kind == "title":
                yield from _titled(s, sign)
            m = _TITLE_FIRST.match(s, sign.start())
            group = next((g for g in (1, 2, 3) if m and m.group(g)), None)
            if group and _person(m.group(group)):
                yield m.start(group), m.end(group), True
        elif kind not in seen:  # these rules read the whole text, once
            seen.add(kind)
            yield from _WHOLE_TEXT_RULES[kind](s)
        if kind == "cue" and "described" not in seen:
            seen.add("described")
            for m in _DESCRIBED.finditer(s):
                if _person(m.group(1)):
                    yield m.start(1), m.end(1), True
    tail = max(0, len(s) - 12)  # a signature closes the text
    signed = _SIGNED.search(s[tail:])
    if signed and _person(signed.group(1)) and _SIGN_CUE.search(s, 0, tail + signed.start(1)) and \
            (tail == 0 or signed.start() > 0 or s[tail] in "，,。.；;！!？? —-"):
        yield tail + signed.start(1), tail + signed.end(1), True


def _introduced(s: str, at: int) -> Iterator[tuple[int, int, bool]]:
    m = _INTRODUCED.match(s, at)
    if m is None:
        return
    if m.group(1):
        # the longest reading that ends where the clause does (我叫苏波，男 → 苏波), else the longest
        name, at = m.group(1), m.start(1)
        readings = [n for n in (name, name[:-1]) if len(n) >= 2 and _person(n)]
        ended = [n for n in readings if re.match(_END, s[at + len(n):])]
        if ended or readings:
            yield at, at + len((ended or readings)[0]), True
    elif _person(m.group(2)):
        yield m.start(2), m.end(2), True


def _titled(s: str, title: re.Match) -> Iterator[tuple[int, int, bool]]:
    for back in (1, 2, 3, 4):  # 王|经理, 张三|教授, 宋庆军|教授, 欧阳娜娜|老师
        m = _TITLED.match(s, title.start() - back) if title.start() >= back else None
        if m and m.end() >= title.end():
            if m.group(1):
                yield m.start(1), m.end(1), False
                return
            if _person(m.group(2)):
                yield m.start(2), m.end(2), True
                return


def _surnamed(s: str) -> Iterator[tuple[int, int, bool]]:
    for m in _SURNAME_ONLY.finditer(s):
        yield m.start(1), m.end(1), False
    for m in _SURNAME_AND_GIVEN.finditer(s):
        if _given_ok(m.group(2)):
            yield m.start(1), m.end(2), False


def _bosses(s: str) -> Iterator[tuple[int, int, bool]]:
    for m in _BOSS.finditer(s):
        yield m.start(1), m.end(1), False


def _dotted(s: str) -> Iterator[tuple[int, int, bool]]:
    for m in _DOTTED.finditer(s):
        name = _dotted_name(s, m)
        if name:
            yield name[0], name[1], True


_WHOLE_TEXT_RULES = {"surname": _surnamed, "boss": _bosses, "dot": _dotted}


def _candidates(s: str) -> Iterator[tuple[int, int, bool]]:
    """The rules' names that can be names (`_free`), each followed by any names listed after it,
    and then every other place in the text a full name found this way appears (……苏波 电话)."""
    names = set()
    for start, end, whole_name in _found(s):
        if not _free(s, start, end):
            continue
        yield start, end, whole_name
        if whole_name:
            names.add(s[start:end])
        while whole_name and (more := _NEXT_NAME.match(s, end)) and _person(more.group(1)):
            start, end = more.start(1), more.end(1)
            names.add(s[start:end])
            yield start, end, True
    for name in names:
        for m in re.finditer(re.escape(name), s):
            yield m.start(), m.end(), True


# Where the words around a · name start and end: 我是热合曼·阿不都拉 → 热合曼·阿不都拉, …说 → cut.
_AFTER_NAME = re.compile(r"说|建议|提到|提出|认为|表示|反映|的|也|和|等|是|在|要|希望|补充|介绍|指出|同意|讲|称|告诉|家|今年")


def _dotted_name(s: str, m: re.Match) -> tuple[int, int] | None:
    pieces = re.split(rf"(\s*[{re.escape(NAME_DOTS)}]\s*)", m.group(0))
    parts = pieces[0::2]
    keep = len(parts[0])
    while keep and parts[0][keep - 1] in _TRANSLIT:  # 我是热合曼: the name is 热合曼
        keep -= 1
    after = _AFTER_NAME.search(parts[-1])
    right = parts[-1][:after.start()] if after else parts[-1]
    names = [parts[0][keep:], *parts[1:-1], right]
    if not all(names) or sum(map(len, names)) < 4:
        return None
    if not all(sum(c in _TRANSLIT for c in p) * 3 >= len(p) * 2 for p in names):
        return None
    return m.start() + keep, m.end() - (len(parts[-1]) - len(right))


@functools.lru_cache(maxsize=64)
def _roster(names: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """One pattern for the roster's full names (however spaced or dotted) and one for their
    parts, longest first; made once per roster."""
    written = {simplified(n) for n in names if n}
    full = sorted({_plain(n) for n in written}, key=len, reverse=True)
    parts = roster_parts(written)
    return (re.compile("|".join(_pattern(n).pattern for n in full)) if full else None,
            re.compile("|".join(re.escape(p) for p in parts)) if parts else None)


def find(text: str, names: Iterable[str], whole: bool) -> Iterator[tuple[int, int, list[Edit]]]:
    """(start, end, edits) of every name in `text`: the roster's, then those found by the rules.
    Readers see a full name as its surname and stars (张**), a roster part or a surname before a
    title as stars (**, *经理); `whole` masks every character."""
    s = simplified(text)
    full, parts = _roster(tuple(names))
    if full is not None and full.search(s):
        for m in full.finditer(s):
            yield m.start(), m.end(), _mask(m.start(), m.end(), text, not whole)
    if parts is not None and parts.search(s):
        for m in parts.finditer(s):
            yield m.start(), m.end(), _mask(m.start(), m.end(), text, False)
    for start, end, is_name in _candidates(s):
        yield start, end, _mask(start, end, text, is_name and not whole)


_FIELD_NAME = re.compile(rf"^\s*({_SURNAME}{_GIVEN}{{1,2}})\s*(?:[（(]?(?:个人|本人|群众|市民|个体|个体户|村民|居民)[）)]?)?\s*$")


def whole_field_name(text: str) -> tuple[int, int] | None:
    """(start, end) of a name that is a whole field by itself (an organisation field: 王红,
    王红（个人）), else None."""
    m = _FIELD_NAME.match(simplified(text))
    return (m.start(1), m.end(1)) if m and _person(m.group(1)) and _free(text, m.start(1), m.end(1)) else None


def might_name(text: str) -> bool:
    """Cheap first look: one character holds no name."""
    return len(text) > 1
