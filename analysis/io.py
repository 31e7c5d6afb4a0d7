"""Reading the answers staff export: CSV (UTF-8 with or without BOM, GB18030, Big5, UTF-16 and
UTF-32 with a BOM), XLSX or .xls (问卷星's older download), all within a `ReadBudget` (rows,
columns, cells, cell length, time; for XLSX also the decompressed size and shared strings, see
analysis.budget).

`read_grid` is the one public spreadsheet reader (a file → rows of text cells): `read_table`
(the analysis CLI) and survey.imports.readers (imports) both read through it.

Every problem a user can cause (wrong path, wrong column, empty, undecodable, over-budget or
broken file) raises `InputError` with a one-line Chinese message, so callers can print it
without a traceback.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._sheets import InputError, read_csv, read_xls, read_xlsx
from .budget import DEFAULT_BUDGET, LOCAL_FILE_BUDGET, ReadBudget

# Column names that hold the free text, in order of preference (compared lowercased).
TEXT_COLUMN_NAMES = ("text", "内容", "意见", "建议", "问题", "意见建议", "意见和建议", "回答", "答案",
                     "文本", "评价", "留言", "comment", "comments", "answer", "response")
_TEXT_NAME_PARTS = ("意见", "建议", "问题", "内容", "看法", "评价")
_LONG = 8  # characters; shorter values (names, dates, scores) do not make a text column
_NUMERIC = re.compile(r"^[\d\s.,:/%+\-]*$")


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]
    rows: list[dict[str, str | None]]  # one dict per data row, in file order, blank rows kept
    text_column: str

    @property
    def texts(self) -> list[str | None]:
        return self.values(self.text_column)

    def values(self, column: str) -> list[str | None]:
        if column not in self.columns:
            raise InputError(f"{self.path.name} 中找不到列“{column}”，现有列：{'、'.join(self.columns)}")
        return [row.get(column) for row in self.rows]


def read_grid(path: str | Path, budget: ReadBudget = DEFAULT_BUDGET, name: str | None = None) -> list[list[str | None]]:
    """The first sheet of an .xlsx/.xlsm/.xls file, or a CSV (any other name), as rows of text
    cells (None: empty), read within `budget`. `name`: the file's name as the user knows it
    (an upload is stored under another), used in every message. InputError (one line of
    Chinese) for anything that cannot be read."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, budget, name)
    if suffix == ".xls":
        return read_xls(path, budget, name)
    return read_csv(path, budget, name)


def read_table(path: str | Path, text_column: str | None = None, budget: ReadBudget = LOCAL_FILE_BUDGET) -> Table:
    """Read a CSV, XLSX or XLS file and choose its text column (given, else guessed), within
    `budget` (by default one for files on this machine, larger than a web upload's)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到输入文件：{path}")
    grid = read_grid(path, budget)

    while grid and not any(_filled(c) for c in grid[0]):  # blank lines above the header
        grid.pop(0)
    while grid and not any(_filled(c) for c in grid[-1]):  # trailing blank lines
        grid.pop()
    if not grid:
        raise InputError(f"{path.name} 是空文件，没有表头也没有数据")
    columns = _column_names(grid[0])
    if len(grid) == 1:
        raise InputError(f"{path.name} 只有表头，没有数据行")
    rows = [{name: (cells[i] if i < len(cells) else None) for i, name in enumerate(columns)}
            for cells in grid[1:]]
    table = Table(path, columns, rows, "")
    chosen = _choose_text_column(table, text_column)
    return Table(path, columns, rows, chosen)


def _filled(cell: str | None) -> bool:
    return cell is not None and cell.strip() != ""


def _column_names(header: Sequence[str | None]) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(header, start=1):
        name = (cell or "").strip().lstrip("\ufeff") or f"列{i}"
        base, n = name, 2
        while name in names:  # duplicate headers would overwrite each other
            name, n = f"{base}({n})", n + 1
        names.append(name)
    return names


def _choose_text_column(table: Table, wanted: str | None) -> str:
    if wanted is not None:
        if wanted in table.columns:
            return wanted
        for name in table.columns:  # forgive case and stray spaces, nothing more
            if name.strip().lower() == wanted.strip().lower():
                return name
        table.values(wanted)  # raises the "找不到列" error listing the columns
    lowered = {name.strip().lower(): name for name in table.columns}
    for candidate in TEXT_COLUMN_NAMES:
        if candidate in lowered:
            return lowered[candidate]
    for name in table.columns:
        if any(part in name for part in _TEXT_NAME_PARTS):
            return name
    best, best_mean = None, 0.0
    for name in table.columns:
        values = [v.strip() for v in table.values(name) if _filled(v)]
        texts = [v for v in values if not _NUMERIC.match(v)]
        if not texts:
            continue
        if sum(len(v) >= _LONG for v in texts) >= 0.5 * len(values):
            return name  # the first column of mostly long text
        mean = sum(map(len, texts)) / len(values)
        if mean > best_mean:
            best, best_mean = name, mean
    if best is None:
        raise InputError(f"{table.path.name} 中没有文本列，请用 --text-column 指定，现有列：{'、'.join(table.columns)}")
    return best


# --- staff decisions -----------------------------------------------------------------------

def read_confirmed(path: str | Path, category_ids: Sequence[str]) -> dict[str, str]:
    """Confirmed statements from a CSV or XLSX with columns `text` and `category`.

    `category` is one of `category_ids` (a plan category id) or "other". Returns text →
    category id (file order; a text given twice keeps its last category). Blank rows are
    skipped; anything else wrong raises `InputError` naming the file, row and problem.
    """
    from .plan import OTHER

    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到确认文件：{path}")
    table = read_table(path, "text")  # no text column: "找不到列“text”，现有列：…"
    if "category" not in table.columns:
        raise InputError(f"{path.name} 中找不到列“category”，应有 text 和 category 两列，"
                         f"现有列：{'、'.join(table.columns)}")
    allowed = list(category_ids) + [OTHER]
    out: dict[str, str] = {}
    for number, row in enumerate(table.rows, start=2):  # row 1 is the header
        text = (row.get(table.text_column) or "").strip()
        category = (row.get("category") or "").strip()
        if not text and not category:
            continue
        if not text:
            raise InputError(f"{path.name} 第 {number} 行：text 为空")
        if category not in allowed:
            raise InputError(f"{path.name} 第 {number} 行：类别“{category}”不在计划中，"
                             f"可用：{'、'.join(allowed)}")
        out[text] = category
    return out


def labelled_sample(path: Path, n: int, seed: int) -> tuple[list[str], list[str]]:
    """`n` rows of a labelled CSV (columns text, label), as the quality figures read them: texts
    normalised, exact duplicates dropped, shuffled with `seed` — one sampler for the evaluation
    script and the quality guards, so a guard checks the figure RESULTS.md reports."""
    import random

    from .text import normalize

    seen, rows = set(), []
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            text = normalize(row.get("text") or "")
            if text and text not in seen:
                seen.add(text)
                rows.append((text, row["label"].strip()))
    random.Random(seed).shuffle(rows)
    rows = rows[:n]
    return [t for t, _ in rows], [y for _, y in rows]
