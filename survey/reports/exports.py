"""Excel and CSV exports: 答卷 (one row per response), 意见 (one row per statement, excluded ones
too, with why), 主题 and 评分汇总.

Every text cell is neutralised against formula injection (OWASP "CSV injection"): in CSV a
cell starting with = + - @ tab CR or LF gets a leading apostrophe; in XLSX every text cell is
written as a string with Excel's quote prefix, so nothing a participant typed is ever a formula.
Free text is masked (privacy.py) unless staff ask for it unmasked.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from analysis.consensus_text import goal_note, topic_mark, type_note

from ..cleaning import clean_text
from ..consensus import consensus_of
from ..models import Evaluation
from ..review.models import Theme
from ..timefmt import format_datetime, utc_to_local
from .data import (
    SCORES,
    UNKNOWN,
    ScoreSummary,
    category_names,
    evaluation_for_code,
    masker_for,
    responses_of,
    statement_rows,
    statements_of,
    themes_of,
)
from .people import UNSTATED_TYPE  # an answer that gave no type, named as the report names it

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")
TABLE_NAMES = ("答卷", "意见", "主题", "评分汇总", "共识与分歧")


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list]
    widths: list[int] | None = None  # characters; None: from the content


def neutralise(value):
    """A text cell made safe for spreadsheets (CSV rule); numbers and None pass through."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def _local(value) -> str:
    return format_datetime(utc_to_local(value)) if value else ""


def build_tables(code: str, *, unmasked: bool = False) -> list[Table]:
    evaluation = evaluation_for_code(code)
    mask = masker_for(evaluation, unmasked=unmasked)
    return [answers_table(evaluation, mask), statements_table(evaluation, mask),
            themes_table(evaluation, mask), ratings_table(evaluation), consensus_table(evaluation, mask)]


def answers_table(evaluation: Evaluation, mask) -> Table:
    plan = evaluation.plan.definition
    header = ["提交时间", "活动代码", "单位", "单位类型", *[g.name for g in plan.goals], "取得成效", "存在问题", "意见建议",
              "来源"]
    rows = []
    for r in responses_of(evaluation):
        scores = {x.goal_id: x for x in r.ratings}
        ratings = [("" if g.id not in scores else UNKNOWN if scores[g.id].score is None else scores[g.id].score)
                   for g in plan.goals]
        # `source` arrives with imports from other survey platforms (branch imports)
        rows.append([_local(r.created_at), r.session.code, mask.organisation(r.organisation), r.organisation_type, *ratings,
                     mask(r.achievements), mask(r.problems), mask(r.suggestions), getattr(r, "source", None) or "问卷"])
    widths = [17, 10, 28, 14, *[max(8, len(g.name) * 2 + 2) for g in plan.goals], 60, 60, 60, 10]
    return Table("答卷", header, rows, widths)


def statements_table(evaluation: Evaluation, mask) -> Table:
    header = ["意见编号", "答卷编号", "单位", "单位类型", "字段", "意见", "类别", "主题", "主题名称来源",
              "程序置信度", "状态", "审核人", "审核时间", "是否排除", "排除原因"]
    rows = [[s.id, s.response_id, s.organisation, s.organisation_type, s.field_label, s.text, s.category_name,
             s.theme_label, ("程序归纳" if s.theme_machine_label else "工作人员") if s.theme_label else "",
             s.confidence, s.status_label, s.reviewed_by, _local(s.reviewed_at), "是" if s.excluded else "否",
             s.exclude_reason]
            for s in statement_rows(evaluation, statements_of(evaluation), mask)]
    return Table("意见", header, rows, [9, 9, 28, 14, 10, 60, 24, 28, 12, 11, 8, 10, 17, 9, 12])


def themes_table(evaluation: Evaluation, mask) -> Table:
    names = category_names(evaluation.plan.definition)
    themes = themes_of(evaluation)
    counts: Counter = Counter()
    kinds: dict[int, Counter] = defaultdict(Counter)
    for s in statements_of(evaluation):
        theme = Theme.follow_merges(s.theme, themes)
        if theme is not None and s.status != "excluded":
            counts[theme.id] += 1
            kinds[theme.id][s.response.organisation_type or UNSTATED_TYPE] += 1
    order = {c: i for i, c in enumerate([*names])}
    rows = []
    for t in sorted(themes.values(), key=lambda t: (order.get(t.category, 99), -counts[t.id], t.id)):
        merged = themes.get(t.merged_into_id) if t.merged_into_id else None
        rows.append([t.id, names.get(t.category, t.category), mask(t.label), "工作人员" if t.staff_label else "程序归纳",
                     mask(t.machine_label), counts[t.id], "，".join(f"{k} {n}" for k, n in kinds[t.id].most_common()),
                     "、".join(mask(k) for k in (t.keywords or [])[:10]), mask(merged.label) if merged else ""])
    header = ["主题编号", "类别", "主题", "名称来源", "程序原名", "意见数（不含排除）", "单位类型分布", "关键词", "已并入"]
    return Table("主题", header, rows, [9, 24, 30, 10, 30, 12, 30, 40, 20])


def ratings_table(evaluation: Evaluation) -> Table:
    plan = evaluation.plan.definition
    overall = {g.id: ScoreSummary() for g in plan.goals}
    by_type: dict[tuple[str, str], ScoreSummary] = defaultdict(ScoreSummary)
    for r in responses_of(evaluation):
        for x in r.ratings:
            if x.goal_id in overall:
                overall[x.goal_id].add(x.score)
                by_type[(x.goal_id, r.organisation_type or UNSTATED_TYPE)].add(x.score)
    header = ["目标", "单位类型", "打分人数", "平均分", *[f"{s}分" for s in SCORES], UNKNOWN]
    rows = []
    for g in plan.goals:
        groups = [("全部", overall[g.id])] + sorted((k, v) for (gid, k), v in by_type.items() if gid == g.id)
        for kind, s in groups:
            rows.append([g.name, kind, s.rated, round(s.mean, 2) if s.mean is not None else "",
                         *[s.distribution[n] for n in SCORES], s.unknown])
    return Table("评分汇总", header, rows, [22, 16, 10, 9, 7, 7, 7, 7, 7, 8])


CONSENSUS_HEADER = ["对象", "名称", "单位类型", "打分人数", "认可（4–5分）", "中立（3分）", "不认可（1–2分）", "不了解",
                    "认可率（平滑）", "提出人数", "提出单位数", "提出意见数", "占全部参与者", "标记", "说明"]


def consensus_table(evaluation: Evaluation, mask) -> Table:
    """共识与分歧 (survey/consensus.py): per goal its 全部 row and a row per type; per category and
    theme (statements not excluded, merged themes followed) who raised it, against each type's
    share of the participants. The types are the plan's declared ones, not groups the program found."""
    names = category_names(evaluation.plan.definition)
    themes = themes_of(evaluation)
    pairs, used = [], set()
    for s in statements_of(evaluation):
        if s.status == "excluded":
            continue
        if s.category:
            pairs.append((f"c{s.category}", s.response_id))
        theme = Theme.follow_merges(s.theme, themes)
        if theme is not None:
            pairs.append((f"t{theme.id}", s.response_id))
            used.add(theme.id)
    order = {c: i for i, c in enumerate(names)}
    shown = sorted((t for t in themes.values() if t.id in used), key=lambda t: (order.get(t.category, 99), t.id))
    topics = [(f"c{c}", name) for c, name in names.items()] + [(f"t{t.id}", mask(t.label)) for t in shown]
    result = consensus_of(evaluation, topics=topics, statements=pairs)
    rows: list[list] = []
    for g in result.goals:
        o = g.overall
        # the smoothed rate is ½ with no rating at all: a figure nobody gave, so the cell stays empty
        rows.append(["目标", g.goal_name, "全部", o.n, o.agree, o.neutral, o.disagree, o.unknown,
                     round(o.rate, 3) if o.n else None,
                     None, None, None, None, goal_note(g), "；".join(g.reasons)])
        for t in g.types:
            c = t.tally
            rows.append(["目标", g.goal_name, t.type, c.n, c.agree, c.neutral, c.disagree, c.unknown,
                         round(c.rate, 3) if c.n else None,
                         None, None, None, None, "", type_note(g, t)])
    for sp in result.themes:
        if not sp.statements:
            continue
        kind = "类别" if sp.key.startswith("c") else "主题"
        rows.append([kind, sp.label, "全部", None, None, None, None, None, None, sp.people, sp.organisations,
                     sp.statements, None, topic_mark(sp), sp.reason])
        for t in sp.types:
            rows.append([kind, sp.label, t.type, None, None, None, None, None, None, t.people, t.organisations,
                         t.statements, round(t.share, 3), "主要关注" if t.type == sp.concern_type else "", ""])
    return Table("共识与分歧", CONSENSUS_HEADER, rows, [8, 28, 14, 9, 9, 9, 9, 8, 10, 9, 10, 10, 11, 18, 60])


# ---- writers -----------------------------------------------------------------------------------

def write_xlsx(tables: list[Table], out) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        ws = wb.create_sheet(table.name)
        ws.append(table.header)
        for cell in ws[1]:
            cell.font = bold
        for row in table.rows:
            # clean_text: an answer stored before the cleaning dropped non-characters (U+FFFF)
            # would make openpyxl refuse the whole workbook
            ws.append([clean_text(v) if isinstance(v, str) else v for v in row])
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    # openpyxl reads a leading "=" as a formula; force text and Excel's quote
                    # prefix, so the cell shows exactly what was typed and is never evaluated
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    if len(cell.value) > 40:
                        cell.alignment = wrap
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        widths = table.widths or [12] * len(table.header)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
    wb.save(out)


def write_csv_folder(tables: list[Table], folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in tables:
        path = folder / f"{table.name}.csv"
        path.write_bytes(csv_bytes(table))
        paths.append(path)
    return paths


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.header])
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(clean_text(v) if isinstance(v, str) else v) for v in row])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 Chinese correctly


def csv_zip(tables: list[Table]) -> bytes:
    """The CSV files in one zip, for a browser download (a folder can't be downloaded)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for table in tables:
            z.writestr(f"{table.name}.csv", csv_bytes(table))
    return buf.getvalue()

