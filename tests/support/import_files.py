"""Files in each platform's export shape, built by the tests (nothing is checked in).

The goal names come from the seed plan (tests/support/staff.PLAN_ID); the answers are chosen so
each goal's expected score is known per row."""
from __future__ import annotations

import csv
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
