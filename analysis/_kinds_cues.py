"""The cue words of `analysis.kinds`' rules: what reads as nothing to say, contact details, a proposal,
praise, a problem. Kept apart from the model's code (`analysis.kinds`) so each file stays readable; the
fitted model depends on them (`analysis._kinds_learned.fit_key` hashes this file too)."""
from __future__ import annotations

import re

from ._regex_guard import guarded

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
_KEEP_ON = re.compile(r"继续(?:坚持|保持|办好|做好)|保持下去|坚持下去|(?:这种|这样|此类|类似)[^，,。]{0,10}多(?:开展|举办|搞|办)")
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
    r"(?<![条项件见生化表和及与、])建议(?!\d|的|[很都也已]?(?:好|被|得到|获得|采纳|落实|有用))|不宜|切忌|切勿|^(?:我们|大家|政府|各级|各部门|地方|各地|企业|社区|学校|单位)?要(?![是不然么求])|希望|期望|期待|盼望|呼吁|应当|应该|应予|亟需|亟待|需要(?:进一步|加强|加大|建立|完善|出台)|"
    r"可否|能否|能不能|可不可以|是否可以|是否能|可以考虑|可考虑|最好|务必|请求|恳请|尽快|尽早|"
    r"要是.{1,30}就好了|如果能|如能|若能|"
    r"(?:能|能够|可以|再|多)[^。！？!?]{1,30}就(?:好了|更好了)|"  # a wish: "…能提供一次排查就好了"
    r"有关部门要|政府要|市里要|部门要")
# Policy verbs that make a proposal when the statement opens with them ("加强监管").
_SUGGEST_START = re.compile(
    r"^(?:请|要|应|需|再|多|进一步|继续|切实|持续|不断|大力|积极|适当|逐步|着力|全面|尽量){0,3}"
    r"(?:加强|加大|加快|推进|推动|推行|推广|建立|建设|健全|完善|优化|提高|提升|强化|增加|增设|增强|"
    r"设立|设置|简化|规范|开展|组织|举办|出台|制定|落实|减少|降低|清理|开通|保留|打击|扩大|探索|鼓励|"
    r"支持|引导|培育|引进|加速|统筹|整合|搭建|构建|打造|实行|实施|取消|放宽|延长|缩短|压缩|提供|"
    r"配备|配齐|补齐|畅通|打通|深化|创新|保障|确保|严格|严厉|依法|做好|抓好|重视|关注|关心|"
    r"定期|及时|广泛|形成|用好|发挥|协调|兑现|给予|组建|明确|成立|开设|纳入|将|把|"
    # more of the verbs proposals open with in official writing
    r"整合|压实|加密|丰富|指导|挖掘|拓宽|拓展|疏通|加装|增补|改进|改善|调整|放开|减免|补贴|奖励|扶持|帮扶|"
    r"培养|宣传|普及|公示|互认|联合|联动|试点|修订|细化|督促|监督|考核|问责|追责|提速|精简|下放|"
    r"整治|治理|查处|惩戒|曝光|倡导|扩容|新建|改建|扩建|合理|统一|一律|分类|集中|推出|上线|增派|招聘|补充|注重|聚焦)")
# praise as a comparison, with no other cue: "饭菜比家里的还好吃", "比城里的还干净", "比以前更方便" (not "不比…差", nor what
# is worse: "比以前还难")
COMPARED_BETTER = (r"(?<![不没])比[^，,。！!？?；;]{1,8}?(?:还|更|都)(?:要)?(?:好吃|好喝|好用|好看|好走|好|香|干净|整洁|方便|便捷|"
                   r"便宜|实惠|舒服|舒适|漂亮|宽敞|亮堂|安全|省心)(?![^，,。！!？?；;]{0,3}(?:吗|么|[？?]))")
# a wrong said to have become rare ("路边的垃圾很少了", "乱停车的少多了", "纠纷减少了"): praise of a change
# spoken praise of a change or of a plan, in idioms and verdicts ("一年一个样", "旧貌换新颜", "回家的路好走多了", "我们赞成…",
# "这对…有好处")
SPOKEN_PRAISE = (r"一年一个样|一天一个样|旧貌换新颜|焕然一新|翻天覆地|好[走找停办卖用]多了|"
                 r"(?:我|我们|大家|大伙|群众|村民们?|居民们?)(?:都|也|很|非常|完全|举双手)?(?:赞成|拥护)|有好处")
FEWER_WRONGS = (r"(?:抱怨|矛盾|纠纷|事故|违章|发案|垃圾|噪音|噪声|投诉|堵车|小广告|乱停乱放|乱停车|乱扔|乱摆|蚊蝇|苍蝇|蚊子|积水)"
                r"[^，,。；;！!？?]{0,3}(?:少了|少多了|减少了|下降了)")
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
    r"(?:好|强|快|方便)(?:了)?(?:太多|很多|不少|多)了|比(?:以前|过去|前几年|原来|往年)(?:好|强|快|方便|规范|干净)|" + COMPARED_BETTER + "|" + FEWER_WRONGS + "|" + SPOKEN_PRAISE + "|"
    r""
    r"有了(?:好去处|保障|着落|盼头)|省(?:了|去|下)|不用再|不再(?:跑|排队|来回)|能在本地办了|家门口就能|"
    r"感动|感激|欣慰|暖心|踏实|暖和|实用|有意义|有帮助|有收获|受益匪浅|"
    # a state that now works: 路灯亮了, 按时到账, 供暖达标
    r"(?:亮|通|修好|建好|开通|到账|兑现|落实|解决)了|按时到账|达标|"
    # a matter someone raised, now done; a life that goes better ("那事儿…就办好啦", "村里的日子更红火了")
    r"(?:办好|办成|办妥|办下来)(?:了|啦)|(?:日子|生活)[^，,。！!？?]{0,4}(?:更|越来越|越过越)(?:红火|好过|滋润|甜|有奔头)")
_NEGATED = re.compile(r"(?:不|没|没有|未|欠|不太|不够|不是很|谈不上)$")
# what is said of an effect or a gain that is weak (also analysis._kinds_complaints.WEAK_EFFECT's ending)
WEAK_SAID = r"不(?:太|够|是很|怎么)?(?:明显|显著|理想|突出|强|高|大|足)|有限|较低|偏低|较弱|一般"
# a praise word said to be weak just after it ("获得感不强", "满意度不高", "效果一般"): no praise
_WEAK_AFTER = re.compile(r"[^，,。；;！!？?]{0,2}?(?:" + WEAK_SAID + ")")
_PROBLEM = re.compile(
    r"难|不足|缺乏|缺少|短缺|欠缺|缺|不够|不到位|不完善|不健全|不规范|不畅|不便|不方便|不一致|不统一|"
    r"不透明|不明显|不理想|不尽如人意|不强|不高|不多|不大|不好|不会|不知道|不了解|不清楚|不愿|不敢|不能|无法|无力|没法|没人|没有|"
    r"没(?!问题)|"
    r"偏高|偏低|偏长|偏多|偏少|偏慢|偏大|过高|过低|过长|过多|过少|过度|过于|太[高低长多少慢难冷热吵贵远挤脏乱差小]|"
    r"少|慢|差|低|滞后|薄弱|困难|问题|矛盾|隐患|繁琐|复杂|混乱|严重|突出|重复|拖欠|乱|堵|扰民|负担|"
    r"单一|陈旧|有限|参差不齐|流于形式|形式主义|石沉大海|停留在|刚起步|观望|抽贷|断贷|被抢注|侵权|"
    r"套牌|投诉|占用|挤占|门槛|壁垒|卡脖子|瓶颈|短板|弱|贵|远|挤|脏|差距|下降|减少了|浪费|漏洞|风险|"
    r"重数量轻质量|躺在|等不起|跑不|接不住|留不住|用不上|对不上|看不懂|落不了地|落地难|"
    # something promised or due not done, a wrong that is found ("承诺不兑现", "存在强行要求…的现象")
    r"不(?:兑现|认账|作为|执行|回应|理睬)|存在[^，,。；;]{0,20}(?:现象|情况|隐患|风险)")


# For labels (analysis.labels): what makes a phrase read as an issue or as a proposal.
PROBLEM_CUES = _PROBLEM
PROPOSAL_START = _SUGGEST_START
PROPOSAL_VERBS = re.compile(_SUGGEST_START.pattern.replace("^", "", 1))
# searched in every statement: each with a look-ahead for what it can start with (same matches)
_NO_CONTENT, _SUGGEST_ANY, _PRAISE, PROPOSAL_VERBS = map(guarded, (_NO_CONTENT, _SUGGEST_ANY, _PRAISE, PROPOSAL_VERBS))
# a proposal the rules decide alone: one that opens with 建议/希望/恳请/呼吁, or a wish told as "if only"
# ("如果能装上电梯…就再好不过了", "要是…就好了"), which no complaint is phrased as
_OPENING_WISH = re.compile(r"^(?:(?:我们|我|个人|本人)?(?:建议|希望|恳请|呼吁)|"
                           r"[^。！!？?]*?(?:要是|如果能|如能|若能)[^。！!？?]{1,30}(?:就好了|就更好了|再好不过))")


# A wrong said to have fallen or to have been dealt with ("我们产品被仿冒的情况少多了", "银行放贷的顾虑小了",
# "受理投诉很快", "侵权案一个月就处理完了") and a risk that names a measure (风险补偿机制): no problem cue there, so
# what the rules read of such a statement is what else it says (or its field: 取得成效's praise).
_SETTLED = re.compile(
    r"[^，,。；;！!？?]{0,10}(?:仿冒|假冒|侵权|违法|违规|纠纷|投诉|举报|顾虑|担忧|负担|隐患|垃圾|污染|扰民|排队|跑腿|拖欠|乱象|事故)"
    r"[^，,。；;！!？?]{0,6}(?:少|小|轻|减少|下降|降低|减轻|缓解|没有)(?:多|很多|了不少|不少)?了|"
    r"受理(?:投诉|举报)[^，,。；;！!？?]{0,2}(?:很快|及时|迅速)|"
    r"(?:侵权|违法|违规)?(?:投诉|举报|纠纷|案件?)[^，,。；;！!？?]{0,10}(?:就|已|已经|都)?(?:处理|办结|审结|解决|化解|调解|结案)(?:完|好|成功|掉)?了|"
    r"风险(?=补偿|分担|防控|池|基金|保障)")
_SETTLED_HINT = frozenset("了险快时速")  # every match ends on one of these: most statements are skipped


def settled(text: str) -> str:
    """`text` without what it says of wrongs fallen or dealt with (see `_SETTLED`)."""
    return _SETTLED.sub("，", text) if _SETTLED_HINT & set(text) and _SETTLED.search(text) else text


def praise_cue(text: str) -> str:
    """The first praise cue in `text` that no negation precedes ("不满意", "不够方便") and no weakness follows
    ("获得感不强")."""
    m = _PRAISE.search(text)  # most statements hold none: one scan decides
    while m is not None:
        if not _NEGATED.search(text[max(0, m.start() - 4):m.start()]) and not _WEAK_AFTER.match(text, m.end()):
            return m.group(0)
        m = _PRAISE.search(text, m.end())
    return ""


_STRONG_PROBLEM = re.compile(r"难|不足|缺乏|缺少|欠缺|不够|不到位|不畅|偏高|偏低|偏长|滞后|薄弱|困难|问题|"
                             r"繁琐|混乱|严重|突出|流于形式|参差不齐|没有|无法|不会|不知道")


# "很实用", "特别多": a degree word before anything but a complaint or a "must" reads as approval
# once no problem or proposal cue was found
_DEGREE_GOOD = re.compile(
    r"(?:很|挺|蛮|特别|非常|十分|相当|真心|确实)(?!难|少|多|高|低|慢|贵|差|大|长|乱|远|挤|小|短|弱|累|忙|重|响|吵|臭|脏|"
    r"严重|复杂|麻烦|困难|不|紧张|突出|普遍|一般|有限|头疼|为难|吃力|辛苦|重要|必要|关键|迫切|需要|值得|希望|想|担心|"
    r"容易|可能|少见)[\u4e00-\u9fff]")
# a statement that only says who is speaking: "我们是做机械加工的小企业"
_SELF_INTRO = re.compile(r"^(?:我|我们|本人|本单位|我单位|我公司|我们公司|我们单位)(?:是|属于)")
_SOLVED = re.compile(r"(?:解答|解决|处理|回应)(?:了|好)?(?:各种|很多|不少)?问题")


def _strong_problem(text: str) -> bool:
    """A plain statement of what is wrong: it outweighs praise cues, and under 意见建议 the field.
    "解答问题很及时" names a problem solved, not one that stands."""
    return _STRONG_PROBLEM.search(_SOLVED.sub("", text)) is not None
