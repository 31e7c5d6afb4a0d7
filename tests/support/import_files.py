"""Files in each platform's export shape, built by the tests (nothing is checked in).

The goal names come from the seed plan (tests/support/staff.PLAN_ID); the answers are chosen so
each goal's expected score is known per row."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

GOALS = ("知识产权创造", "知识产权发展环境", "知识产权政策体系", "知识产权赋能助企",
         "知识产权全链条保护", "知识产权服务能力", "知识产权文化环境")
GOAL_IDS = ("creation", "environment", "policy", "enterprise-support", "protection", "services", "culture")
WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]

# Expected after import: organisation, type, scores per goal id (None = 不了解 / skipped), problems, suggestions
EXPECTED = [
    ("山东科技大学", "高校/科研院所", (5, 4, 3, 2, 1, None, None), "高校与企业之间缺乏有效的专利技术信息沟通。", "建立校企对接平台。"),
    ("泰安市知识产权保护协会", "其他", (5, 5, 4, 4, 3, 3, None), "专业人才缺乏", "加强培训"),
    ("山东鲁普科技有限公司", "企业", (4, None, 4, 5, 4, 4, 3), "", "希望加大资金扶持力度。"),
]


def _matrix_header(question: int, goal: str, style: int) -> str:
    # 问卷星 writes matrix rows three ways depending on its version; use all of them.
    return (f"{question}({goal})", f"{question}、({goal})", f"第{question}题({goal})")[style % 3]


def wjx(numbered: bool = False) -> tuple[list[str], list[list[object]]]:
    """A 问卷星 download, 按文本 or 按序号 (options numbered 1 很差 … 5 很好, 6 不了解)."""
    header = WJX_META + ["1、您的单位名称：", "2、您的单位类型："]
    header += [_matrix_header(3, g, i) for i, g in enumerate(GOALS)]
    header += ["4、您认为《规划》实施中存在哪些问题？", "5、您对《规划》实施有哪些意见建议？", "6、您了解政策的渠道（多选）"]
    if numbered:
        types = ["1", "5〖行业协会〗", "2"]
        ratings = [["5", "4", "3", "2", "1", "6", "-3"], ["5", "5", "4", "4", "3", "3", "6"],
                   ["4", "-2", "4", "5", "4", "4", "3"]]
        channels = ["1┋3", "2", "(跳过)"]
    else:
        types = ["高校/科研院所", "其他〖行业协会〗", "企业"]
        ratings = [["很好", "较好", "一般", "较差", "很差", "不了解", "(跳过)"],
                   ["非常满意", "非常满意", "满意", "满意", "一般", "一般", "不了解"],
                   ["较好", "(跳过)", "4", "5", "较好", "较好", "一般"]]
        channels = ["微信┋网站", "座谈会", "(跳过)"]
    rows = []
    for n, ((org, _, _, problems, suggestions), kind, scores, channel) in enumerate(
            zip(EXPECTED, types, ratings, channels), start=1):
        meta = [n, f"2023/11/15 14:{30 + n:02d}:12", f"{100 + n}秒", "微信", "N/A", f"123.1.1.{n}(山东-泰安)"]
        rows.append(meta + [org, kind] + scores + [problems or "(跳过)", suggestions, channel])
    return header, rows


def tencent() -> tuple[list[str], list[list[object]]]:
    header = ["编号", "开始答题时间", "结束答题时间", "答题时长", "IP", "Q1:贵单位名称", "Q2:单位性质"]
    header += [f"Q3:请对《规划》以下目标的完成情况打分—{g}" for g in GOALS]
    header += ["Q4:存在的问题和困难", "Q5:意见和建议"]
    scores = [["5", "4", "3", "2", "1", "不了解", "不了解"], ["5", "5", "4", "4", "3", "3", "不了解"],
              ["4", "不了解", "4", "5", "4", "4", "3"]]
    kinds = ["高校", "社会组织", "民营企业"]
    rows = []
    for n, ((org, _, _, problems, suggestions), kind, s) in enumerate(zip(EXPECTED, kinds, scores), start=1):
        rows.append([n, f"2023-11-15 14:{20 + n:02d}:00", f"2023-11-15 14:{30 + n:02d}:00", "600", "1.2.3.4",
                     org, kind, *s, problems, suggestions])
    return header, rows


def plain() -> tuple[list[str], list[list[object]]]:
    """A spreadsheet typed by staff: short headers, ratings as numbers or words."""
    header = ["单位名称", "单位类型", *GOALS, "存在问题", "意见建议"]
    rows = []
    for org, kind, scores, problems, suggestions in EXPECTED:
        cells = ["不了解" if s is None else (f"{s}分" if s == 3 else s) for s in scores]
        rows.append([org, kind, *cells, problems, suggestions])
    return header, rows


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# Downloads in the shape people publish them, on the second plan (市优化营商环境三年行动方案), for an
# anonymous session: no organisation columns, the platform's bookkeeping as it really comes.
BUSINESS_PLAN_ID = "city-business-environment"
BUSINESS_GOALS = ("政务服务便利度", "市场准入和退出", "融资便利", "工程建设项目审批", "公平公正监管", "惠企政策和减负")
BUSINESS_GOAL_IDS = ("government-services", "market-access", "financing", "construction-permits", "fair-regulation",
                     "enterprise-burden")
_PROBLEMS = ("办营业执照要跑好几个窗口", "银行续贷要先还款再贷", "一个月来了几拨检查", "补贴申报材料太多", "", "网上办事系统经常卡顿")
_SUGGESTIONS = ("推行一件事一次办", "", "多给中小微企业首贷支持", "减少重复检查", "政策解读要通俗", "无")


def business_session(app, *, anonymous: bool = True, **overrides) -> str:
    """A session on the 营商环境 plan (anonymous: a public consultation); returns its code."""
    import datetime as dt

    from analysis.resources import corpus_path
    from survey.extensions import db
    from survey.plans import sync_plan_file
    from survey.sessions import create_session

    fields = dict(plan_id=BUSINESS_PLAN_ID, title="优化营商环境行动方案实施情况意见征集", form="问卷调查",
                  organiser="市营商环境建设局", starts_at=dt.datetime(2023, 5, 10, 9, 0), place="网上",
                  anonymous=anonymous)
    fields.update(overrides)
    with app.app_context():
        sync_plan_file(corpus_path("plans", f"{BUSINESS_PLAN_ID}.toml"))
        code = create_session(**fields).code
        db.session.commit()
    return code


def wjx_2023_numbered(n: int = 245) -> tuple[list[str], list[list[object]], list[dict]]:
    """A 2023 问卷星 download 按序号 (.xlsx): no organisation or type question, 所用时间 "137秒",
    来源 微信, 来自IP with its region; matrix ratings as option numbers 1 很不满意 … 5 很满意, 6 不了解,
    -3 skipped; a multiple-choice question as "1┋3". Returns header, rows and what each row must become."""
    header = WJX_META + [f"1({g})" for g in BUSINESS_GOALS]
    header += ["2、您在办事过程中遇到过哪些问题？", "3、您对进一步优化营商环境有什么意见建议？", "4、您通过哪些渠道了解惠企政策？"]
    rows, expected = [], []
    for i in range(n):
        options = [(i + k) % 7 + 1 for k in range(len(BUSINESS_GOALS))]  # 1..7: 7 stands for skipped
        cells = ["-3" if o == 7 else str(o) for o in options]
        scores = {gid: (o if o <= 5 else None) for gid, o in zip(BUSINESS_GOAL_IDS, options)}
        problems, suggestions = _PROBLEMS[i % 6], _SUGGESTIONS[(i // 6) % 6]
        if not problems and not suggestions:
            suggestions = "希望继续保持"
        minute, second = divmod(i, 60)
        submitted = f"2023/5/{12 + minute // 60} {9 + minute % 60 // 6}:{minute % 6 * 10:02d}:{second:02d}"
        meta = [i + 1, submitted, f"{100 + i % 90}秒" if i else "137秒", "微信", "N/A",
                f"123.1.{i // 250}.{i % 250 + 1}(山东-泰安)" if i else "123.1.2.3(山东-泰安)"]
        rows.append(meta + cells + [problems or "(跳过)", suggestions or "(跳过)", "1┋3" if i % 2 else "2"])
        expected.append({"submitted": submitted.replace("/", "-"), "scores": scores, "problems": problems,
                         "suggestions": suggestions, "organisation": "", "organisation_type": ""})
    return header, rows, expected


_TEXT_SCALE = ("非常不满意", "不满意", "一般", "满意", "非常满意")
_VARIED = (
    "办营业执照要跑好几个窗口，材料重复提交", "网上办事系统经常卡顿，最后还是要去大厅", "银行贷款要房产抵押，小企业贷不到",
    "续贷要先还款再贷，只能借高息过桥资金", "一个月来了四拨检查，内容都差不多", "同样的问题不同执法人员说法不一样",
    "补贴申报材料太多，兑现要等大半年", "不知道有哪些惠企政策，错过了申报期", "工程项目审批环节多，联合验收还要排队",
    "希望推行一件事一次办，减少跑腿", "建议银行多给首贷和信用贷款，降低担保费用", "建议合并检查事项，推行双随机一公开",
    "政策解读要通俗易懂，最好有专人上门讲解", "拖欠中小企业的账款要尽快清理", "12345热线反映的问题要有回音",
)


def wjx_text_xls(n: int = 80) -> tuple[list[str], list[list[object]], list[dict]]:
    """An older 问卷星 download 按文本 (.xls): bookkeeping cells left empty (来源详情, 所用时间), a
    身份 question whose answers are not this plan's types, ratings on 非常满意…非常不满意 with 不了解,
    text answers with ┋ choices and 〖typed-in〗 text."""
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的身份："]
    header += [f"第2题({g})" for g in BUSINESS_GOALS]
    header += ["3、您遇到的主要问题（多选）", "4、您的意见建议："]
    identities = (("个体户", "个体工商户"), ("民营企业", "企业"), ("市民", "个人/群众"), ("事业单位", "政府部门"),
                  ("其他〖退休教师〗", "其他"), ("(跳过)", ""), ("外卖骑手", "其他"))
    rows, expected = [], []
    for i in range(n):
        written, kind = identities[i % len(identities)]
        options = [(i * 5 + k) % 6 for k in range(len(BUSINESS_GOALS))]  # 0..4 a scale step, 5 不了解
        cells = ["不了解" if o == 5 else _TEXT_SCALE[o] for o in options]
        scores = {gid: (o + 1 if o < 5 else None) for gid, o in zip(BUSINESS_GOAL_IDS, options)}
        problems = "审批慢┋其他〖窗口人员态度差〗" if i % 3 == 0 else "融资难" if i % 3 == 1 else "(跳过)"
        stored_problems = "审批慢\n其他：窗口人员态度差" if i % 3 == 0 else "融资难" if i % 3 == 1 else ""
        suggestions = _VARIED[i % len(_VARIED)] + ("" if i < len(_VARIED) else f"（第{i + 1}份）")
        submitted = f"2021-9-{1 + i // 40} 10:{i % 40:02d}:00"
        rows.append([i + 1, submitted, "", "", "", "", written, *cells, problems, suggestions])
        expected.append({"submitted": f"2021-09-{1 + i // 40:02d} 10:{i % 40:02d}:00", "scores": scores,
                         "problems": stored_problems, "suggestions": suggestions, "organisation": "",
                         "organisation_type": kind})
    return header, rows, expected


def wjx_satisfaction() -> tuple[list[str], list[list[object]], list[dict]]:
    """A 问卷星 file on the 很满意/满意/一般/不满意/很不满意 scale (6 of these 8 rows used to be refused)."""
    header = WJX_META[:4] + ["1、您对政务服务便利度是否满意？", "2、您对融资便利是否满意？", "3、您的意见建议"]
    words = (("很满意", 5), ("满意", 4), ("一般", 3), ("不满意", 2), ("很不满意", 1), ("不清楚", None),
             ("很满意", 5), ("无法评价", None))
    rows, expected = [], []
    for i, (word, score) in enumerate(words):
        other, other_score = words[(i + 3) % len(words)]
        submitted = f"2023/6/1 8:{i:02d}:00"
        rows.append([i + 1, submitted, "95秒", "手机提交", word, other, f"意见{i + 1}"])
        expected.append({"submitted": submitted.replace("/", "-"), "problems": "", "suggestions": f"意见{i + 1}",
                         "scores": {"government-services": score, "financing": other_score},
                         "organisation": "", "organisation_type": ""})
    return header, rows, expected


def tencent_2023() -> tuple[list[str], list[list[object]], list[dict]]:
    """A 腾讯问卷 download: 编号, 开始/结束答题时间, 答题时长, IP and 地理位置; a 1–10 score and stars."""
    header = ["编号", "开始答题时间", "结束答题时间", "答题时长", "IP", "地理位置", "Q1:您的身份",
              "Q2:请给政务服务便利度打分（1-10分）", "Q3:融资便利（星级评价）", "Q4:您的建议"]
    tens = (10, 9, 7, 6, 3, 1, 8, 2)
    stars = ("★★★★★", "★★★★☆", "★★★☆☆", "★★☆☆☆", "★☆☆☆☆", "", "★★★☆☆", "★★★★☆")
    kinds = (("企业", "企业"), ("商户", "个体工商户"), ("群众", "个人/群众"), ("", ""))
    rows, expected = [], []
    for i, (ten, star) in enumerate(zip(tens, stars)):
        written, kind = kinds[i % len(kinds)]
        end = f"2023-07-0{1 + i % 3} 20:{10 + i:02d}:30"
        rows.append([i + 1, f"2023-07-0{1 + i % 3} 20:0{i}:00", end, "300", f"1.2.3.{i}", "山东省泰安市", written,
                     str(ten), star, f"腾讯问卷建议{i + 1}"])
        expected.append({"submitted": end, "problems": "", "suggestions": f"腾讯问卷建议{i + 1}",
                         "scores": {"government-services": (ten + 1) // 2,
                                    "financing": star.count("★") or None},
                         "organisation": "", "organisation_type": kind})
    return header, rows, expected


# Spreadsheets built member by member: import bombs and broken files (tests and benchmarks)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def base_xlsx(path: Path) -> Path:
    return write_xlsx(path, ["单位名称", "意见建议"], [["山东科技大学", "建立平台"]])


def rebuild(path: Path, out: Path, **members) -> Path:
    """A copy of the .xlsx at `path` with members replaced or added: bytes, or an iterable of
    byte chunks written one by one (so a bomb is never held in the test's memory). An added
    sharedStrings.xml is not named by the workbook's relationships: openpyxl ignores it, the
    budget's scan of every XML member does not."""
    replacements = {name.replace("__", "/").replace("_xml", ".xml"): value for name, value in members.items()}
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            if name not in replacements:
                dst.writestr(name, src.read(name))
        for name, value in replacements.items():
            with dst.open(name, "w", force_zip64=True) as f:
                for chunk in [value] if isinstance(value, bytes) else value:
                    f.write(chunk)
    return out
