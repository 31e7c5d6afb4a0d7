"""Two sessions on the 营商环境 plan for the report tests, with answers written for the tests
(fictional; what people say at such a meeting, first person and all):

- a named round-table (专题座谈会) with a roster of six organisations, answered by those and
  by four that are not on it (two people from one of them);
- an anonymous online consultation (问卷调查 on the city's website): no names, types 企业/个体工商户/个人/群众 or none.

Both go through the real analysis and store (TF-IDF, no word clouds) like `store_demo_analysis`.
"""
from __future__ import annotations

import datetime as dt

from support.import_files import BUSINESS_PLAN_ID, business_session
from survey.extensions import db
from survey.models import Rating, Response, RosterEntry
from survey.sessions import by_code

GOALS = ("government-services", "market-access", "financing", "construction-permits", "fair-regulation",
         "enterprise-burden")

ROSTER = [("泰山建工集团有限公司", "刘建国", "企业"), ("岱岳区小微企业协会", "", "行业协会商会"),
          ("市农商银行", "王芳", "金融机构"), ("鲁泰食品有限公司", "", "企业"),
          ("市政务服务中心", "", "政府部门"), ("东岳物流有限公司", "", "企业")]

# (organisation, type, scores per goal (None: 不了解), problems, suggestions)
NAMED = [
    ("泰山建工集团有限公司", "企业", (4, 4, 3, 2, 3, 2),
     "政府欠我们的工程款两年多了还没结清，我们只能借钱给工人发工资。工程项目联合验收还是要排队，材料交了好几遍。",
     "建议把清欠拖欠中小企业账款纳入考核，定期公布进度。"),
    ("泰山建工集团有限公司", "企业", (4, 5, 3, 3, 3, 3),
     "拿地即开工说得好，实际上多测合一还没真正打通，测绘报告各部门都要单独出。",
     "希望工程建设项目审批再压减一些环节，联合验收一次办结。"),
    ("岱岳区小微企业协会", "行业协会商会", (3, 4, 2, 3, 2, 3),
     "会员企业普遍反映贷款难，银行要房产抵押，轻资产的小企业根本贷不到款。消防检查和卫生检查一个月来好几次，查的内容差不多。",
     "建议推行双随机一公开，合并检查事项，减少多头检查。"),
    ("市农商银行", "金融机构", (4, 4, 4, 3, 4, 4),
     "小微企业财务不规范，信用信息分散在好几个部门，银行做授信时拿不到完整数据。",
     "建议搭建全市涉企信用信息共享平台，把纳税、社保、水电数据接进来。"),
    ("鲁泰食品有限公司", "企业", (5, 4, 3, None, 3, 3),
     "去年申请的技改补贴到现在还没拨下来，问了几次都说在走流程。同样的问题不同执法人员说法不一样，有的说要罚有的说整改就行。",
     "希望惠企政策免申即享，补贴兑现时间公开。"),
    ("鲁泰食品有限公司", "企业", (5, 5, 4, None, 4, 3),
     "政务服务大厅办事比以前快多了，一窗受理确实方便。",
     "轻微违法免罚清单要多宣传，让执法人员和企业都心里有数。"),
    ("市政务服务中心", "政府部门", (5, 4, 4, 4, 4, 4),
     "部门之间数据不共享，企业办一件事还要来回跑，线上系统有时候卡顿。",
     "推进一网通办，部门数据统一归集，减少企业重复提交材料。"),
    ("东岳物流有限公司", "企业", (4, 3, 2, 3, 2, 2),
     "物流车辆检查多头执法，交通、城管都来查，罚款标准还不一样。续贷要先还款再贷，只能去借高息的过桥资金。",
     "希望银行推行无还本续贷，降低中小微企业融资成本。"),
    # not on the roster
    ("泰安宏达机械有限公司", "企业", (3, 3, 2, 2, 3, 2),
     "我们厂去年被查了六次，环保、安监轮流来，正常生产都受影响。银行贷款利率和担保费加起来太高了。",
     "合并环保、安监等检查事项，一次检查多项内容。"),
    ("泰安宏达机械有限公司", "企业", (3, 4, 3, 3, 2, 3),
     "拖欠账款问题突出，政府项目的工程款拖了一年多。",
     "对拖欠中小企业账款的单位要有问责。"),
    ("新泰市个体劳动者协会", "行业协会商会", (4, 4, 3, 3, 3, 3),
     "个体户不知道有哪些惠企政策，知道的时候已经过了申报期，政策解读太少。",
     "政策解读要通俗易懂，最好有专人到商圈上门讲解。"),
    ("泰安市担保有限公司", "金融机构", (4, 4, 4, 3, 4, 4),
     "政府性融资担保的代偿补偿资金到位慢，担保机构不敢放大倍数。",
     "建议建立政府性融资担保风险补偿机制，补偿资金按季度拨付。"),
    ("肥城新能源科技有限公司", "企业", (5, 4, 3, 4, 4, 4),
     "总体感觉营商环境这两年改善明显，开办企业一天就办完了。",
     "继续推行帮办代办，重大项目安排专人跟进。"),
]

# (type, scores, problems, suggestions): an online consultation, nobody named
ANONYMOUS = [
    ("个体工商户", (4, 4, 3, 3, 2, 3), "一个月来了四拨检查，内容都差不多，影响正常营业。", "合并检查事项，推行双随机一公开。"),
    ("个体工商户", (3, 4, 3, 3, 2, 3), "消防检查和卫生检查一个月来好几次，我们小店根本应付不过来。", "希望检查能一次查完。"),
    ("个体工商户", (4, 5, 3, 4, 3, 3), "打12345热线反映油烟扰民的问题，处理得比较慢。", "12345热线反映的问题要有回音，限时办结。"),
    ("个体工商户", (5, 5, 4, 4, 4, 4), "营业执照现在网上就能办，比以前方便多了。", "无"),
    ("企业", (3, 3, 2, 2, 3, 2), "银行贷款要房产抵押，小企业贷不到。", "建议银行多给首贷和信用贷款，降低担保费用。"),
    ("企业", (3, 3, 2, 3, 3, 2), "续贷要先还款再贷，只能借高息过桥资金。", "推行无还本续贷。"),
    ("企业", (4, 4, 3, 3, 3, 2), "补贴申报材料太多，兑现要等大半年。", "惠企政策免申即享，减少申报材料。"),
    ("企业", (4, 3, 3, 2, 3, 3), "工程项目审批环节多，联合验收还要排队。", "推行拿地即开工，压减审批时间。"),
    ("企业", (3, 3, 3, 3, 2, 2), "同样的问题不同执法人员说法不一样，自由裁量太大。", "细化处罚标准，推行轻微违法免罚清单。"),
    ("企业", (4, 4, 3, 3, 3, 3), "网上办事系统经常卡顿，最后还是要去大厅。", "优化一网通办系统，提升线上办理体验。"),
    ("个人/群众", (4, 4, None, None, 3, None), "办营业执照要跑好几个窗口，材料重复提交。", "推行一件事一次办，减少跑腿。"),
    ("个人/群众", (5, 4, None, None, 4, None), "政务服务中心的工作人员态度很好，办事效率高。", "继续保持。"),
    ("个人/群众", (3, 3, None, None, 2, None), "我超生要罚31万，我一家七口还吃饭吗", "希望执法多讲人情。"),
    ("个人/群众", (4, 4, None, None, 3, None), "不知道有哪些惠企政策，错过了申报期。", "政策解读要通俗易懂，多在社区宣传。"),
    ("", (4, 3, 3, 3, 3, 3), "拖欠中小企业的账款迟迟不清理。", "拖欠中小企业的账款要尽快清理。"),
    ("", (3, 3, 3, 2, 3, 3), "工程建设项目审批时间长，多测合一没落实。", "推行多测合一、联合验收。"),
    ("个体工商户", (3, 4, 3, 3, 2, 3), "城管和市场监管都来检查门头招牌，标准不一样。", "统一执法标准，减少重复检查。"),
    ("企业", (3, 3, 2, 3, 3, 2), "担保费用高，融资成本降不下来。", "发挥政府性融资担保作用，降低担保费率。"),
]


def _response(session, n: int, org: str, kind: str, scores, problems: str, suggestions: str) -> Response:
    at = dt.datetime(2024, 6, 18, 6, 30) + dt.timedelta(minutes=2 * n)
    return Response(session=session, submission_id=f"biz-{session.code}-{n}", organisation=org,
                    organisation_type=kind, problems=problems, suggestions=suggestions, created_at=at,
                    ratings=[Rating(goal_id=g, score=s) for g, s in zip(GOALS, scores)])


def named_business_session(app) -> str:
    """The round-table on the 营商环境 plan: roster of six, answers from ten organisations."""
    code = business_session(app, anonymous=False, title="优化营商环境三年行动方案实施情况政策评价专题座谈会",
                            form="专题座谈会", place="市营商环境建设局三楼会议室",
                            starts_at=dt.datetime(2024, 6, 18, 14, 30))
    with app.app_context():
        session = by_code(code)
        session.roster = [RosterEntry(organisation=o, person=p, organisation_type=t) for o, p, t in ROSTER]
        for n, (org, kind, scores, problems, suggestions) in enumerate(NAMED):
            db.session.add(_response(session, n, org, kind, scores, problems, suggestions))
        db.session.commit()
    return code


def anonymous_business_session(app) -> str:
    """The online consultation on the same plan: nobody named."""
    code = business_session(app, anonymous=True, title="优化营商环境三年行动方案实施情况网上征求意见",
                            form="问卷调查", place="市政府门户网站")
    with app.app_context():
        session = by_code(code)
        for n, (kind, scores, problems, suggestions) in enumerate(ANONYMOUS):
            db.session.add(_response(session, n, "", kind, scores, problems, suggestions))
        db.session.commit()
    return code


def analysed(app, code: str) -> str:
    """The real analysis and store over the session's answers (TF-IDF, no word clouds)."""
    from survey.reports.data import evaluation_for_code
    from survey.review.store import analyse

    with app.app_context():
        evaluation = evaluation_for_code(code)
        db.session.commit()
        analyse(evaluation, wordclouds=False, representation="tfidf")
        db.session.commit()
    return code


__all__ = ["BUSINESS_PLAN_ID", "analysed", "anonymous_business_session", "named_business_session"]
