"""What is said of wrongs set right, gone, or no longer feared (issue 24 item 2), for `analysis._kinds_evidence` (no
complaint there) and `analysis.kinds` (no problem cue there): "停车难这个老大难问题终于得到解决了", "再也不为没水吃发愁了",
"就没有那股臭味了", "路上垃圾很少了", and a problem raised and answered ("反映的问题基本都有回音")."""
from __future__ import annotations

import re

from ._kinds_cues import settled
from ._regex_guard import guarded

# A wrong said to be set right, gone or no longer feared: no complaint, and no problem cue for the rules either
# (`solved`, read by `analysis.kinds` before it looks for one: "停车难这个老大难问题终于得到解决了", "再也不为没水吃发愁了")
_SOLVED_WORDS = (
    # a wrong set right ("切实解决了家长接送孩子难…的问题", "扭转了脏乱差的局面")
    r"(?:渡过|度过|闯过|挺过|解决)了?[^，,。！!？?]{0,4}(?:难关|难题|困难)|"
    r"(?:解决|破解|扭转|改变|告别|摆脱|根治)了[^，,。！!？?；;]{0,20}(?:问题|难题|困难|局面|面貌|状况|现象|日子|历史)|"
    # problems said to be solved ("急难愁盼问题都能得到解决", "老大难问题得到解决", "这个难题落了地"; not "问题两年都没有得到解决")
    r"(?:老大难的?|[^，,。！!？?；;没未不]{1,6}难的?)?(?:问题|难题|困难|诉求|急难愁盼)[^，,。！!？?；;没未不难]{0,10}(?:都|均|已|也|全部|基本)?(?:能|可以|已经?)?(?:得到|获得)了?"
    r"(?:妥善|及时|有效|圆满|很好|较好)?的?(?:解决|处理|回应|答复|落实|安排)|"
    r"(?:问题|难题|困难|心病|心事)[^，,。！!？?；;没未不]{0,6}(?:落了地|落地了|迎刃而解|了却了?|画上了?句号)|"
    r"有效(?:解决|破解|缓解)[^，,。！!？?；;]{0,30}(?:问题|难题|困难)|"
    # a harm no longer feared ("不用再担心", "没受什么影响", "再也没有过去…道路泥泞的情况了")
    r"(?:不用|不必|不再|再也不用?)再?(?:担心|发愁|操心|害怕)|没(?:有)?受?(?:什么|多大|太大)?影响|"
    # (not a refusal: "以后再也不会买了")
    r"再也(?:没有|不会|不用|不)(?!会?再?(?:买|来|去|用|住|选|信|相信|光顾|找|吃|点|订|理|推荐))[^，,。！!？?]{0,24}了|"
    # a nuisance cleared away ("现在垃圾杂物清理了") or no longer there ("就没有那股臭味了"; "没有垃圾桶" stays a want)
    r"(?:垃圾|杂物|杂草|积水|淤泥|污水|违建|违章建筑|窝棚|小广告)[^，,。！!？?；;]{0,4}(?:清理|清除|清走|清运|拆除|拆掉|铲除|疏通)(?:了|掉了|干净了|一空)|"
    r"(?:没有?|不再有)[^，,。！!？?；;]{0,4}(?:臭味|异味|臭气|积水|噪音|噪声|灰尘|油烟|黑烟|苍蝇|蚊子|蚊蝇)了")
# and a problem raised and answered ("反映的问题基本都有回音"): no complaint
_RAISED = guarded(re.compile(r"(?:反映|发现|遇到|提出|提|解答|解决|处理|回应)(?:了|的|过)?[^，,。！!？?]{0,12}问题|" + _SOLVED_WORDS + "|"
                     # a wrong denied ("没有一个被推脱"), difficulties someone understands ("了解…企业经营的实际困难")
                     r"没有(?:一个|一件|一条|一次|任何)[^，,。！!？?；;]{0,6}(?:推脱|推诿|拖延|敷衍|搁置|遗漏|落下)|"
                     r"(?:了解|体谅|理解|关心|关注|倾听|知道)[^。！!？?；;]{0,20}(?:困难|难处|难题|疾苦|诉求)|"
                     # the weather is a circumstance, no complaint ("遇上不好的天气还帮着出力")
                     r"(?:不好|恶劣|糟糕)的天气|天气不好|"
                     # an effort not wasted ("大家的辛苦没有白费")
                     r"(?:辛苦|心血|汗水|努力)[^，,。！!？?；;]{0,2}没(?:有)?白(?:费|流)|"
                     # problems a report says it took on ("聚焦企业反映强烈的举证难…等问题，积极建立…")
                     r"(?:聚焦|针对|围绕)[^，,。；;]{0,40}(?:问题|难题|痛点|堵点|难点)"))
_SOLVED = re.compile(_SOLVED_WORDS)
# a wrong named as gone ("这些水坑几乎看不到了"): its clause says nothing wrong; looked up only where such an
# ending is in the text (a scan that starts a clause at every character costs)
_GONE = re.compile(r"[^，,。；;！!？?]{0,12}(?:[看闻听]不(?:到|见|着)|见不到|不见|消失)了")
_GONE_ENDS = ("不到了", "不见了", "不着了", "见不到了", "消失了")


def _raised(text: str) -> str:
    """`text` without what is said of problems raised, solved or gone (no complaint there), nor of wrongs that fell or
    were dealt with ("路上垃圾很少了", "受理投诉很快": `analysis._kinds_cues.settled`)."""
    return _without_gone(settled(_RAISED.sub("", text)))


def solved(text: str) -> str:
    """`text` without what it says of wrongs set right, gone or no longer feared (`_SOLVED`): the rules look for a
    problem cue in what is left."""
    return _without_gone(_SOLVED.sub("，", text))


def _without_gone(text: str) -> str:
    """`text` without the clauses that name a wrong as gone (`_GONE`), where such an ending is in it."""
    return _GONE.sub("", text) if any(end in text for end in _GONE_ENDS) else text
