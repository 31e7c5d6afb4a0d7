"""Reading the answers staff export: CSV (UTF-8, UTF-8 with BOM, GB18030, UTF-16) or XLSX.

Every problem a user can cause (wrong path, wrong column, empty or undecodable file) raises
`InputError` with a one-line Chinese message, so callers can print it without a traceback.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

# Column names that hold the free text, in order of preference (compared lowercased).
TEXT_COLUMN_NAMES = ("text", "内容", "意见", "建议", "问题", "意见建议", "意见和建议", "回答", "答案",
                     "文本", "评价", "留言", "comment", "comments", "answer", "response")
_TEXT_NAME_PARTS = ("意见", "建议", "问题", "内容", "看法", "评价")
_LONG = 8  # characters; shorter values (names, dates, scores) do not make a text column
_NUMERIC = re.compile(r"^[\d\s.,:/%+\-]*$")


class InputError(ValueError):
    """Input the analysis cannot use; the message is one line of Chinese for the user."""


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


def read_table(path: str | Path, text_column: str | None = None) -> Table:
    """Read a CSV or XLSX file and choose its text column (given, else guessed)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到输入文件：{path}")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(f"{path.name} 是旧版 Excel（.xls）格式，请另存为 .xlsx 或 CSV 后再试")
    grid = _read_xlsx(path) if suffix in (".xlsx", ".xlsm") else _read_csv(path)

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


# --- CSV -----------------------------------------------------------------------------------

def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
    first_error = None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    line = raw[:first_error.start].count(b"\n") + 1
    raise InputError(f"{name} 第 {line} 行附近有无法识别的字节，既不是 UTF-8 也不是 GB18030 编码，请另存为 UTF-8 CSV")


def _read_csv(path: Path) -> list[list[str | None]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {path.name}：{exc.strerror or exc}") from exc
    text = _decode(raw, path.name)
    if not text.strip().strip("\ufeff"):
        return []
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(f"{path.name} 不是有效的 CSV 文件：{exc}") from exc


# --- XLSX ----------------------------------------------------------------------------------

def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


_FORMULAS_LISTED = 10


def _read_xlsx(path: Path) -> list[list[str | None]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path.name} 不是有效的 Excel（.xlsx）文件") from exc
    try:
        # The sheet Excel opens on. A formula's result is only in the file if the program
        # that saved it computed one; without it the cell would silently read as empty.
        sheet = values.active or values.worksheets[0]
        sheet_formulas = formulas[sheet.title]
        grid, uncomputed = [], []
        for row, row_formulas in zip(sheet.iter_rows(), sheet_formulas.iter_rows()):
            cells = []
            for cell, formula in zip_longest(row, row_formulas):
                value = getattr(cell, "value", None)
                if value is None and isinstance(getattr(formula, "value", None), str) \
                        and formula.value.startswith("="):
                    uncomputed.append(formula.coordinate)
                cells.append(_cell_text(value))
            grid.append(cells)
    finally:
        values.close()
        formulas.close()
    if uncomputed:
        shown = "、".join(uncomputed[:_FORMULAS_LISTED]) + ("等" if len(uncomputed) > _FORMULAS_LISTED else "")
        raise InputError(f"{path.name} 中有 {len(uncomputed)} 个公式单元格没有保存计算结果（{shown}），"
                         f"无法读取其内容。请用 Excel 或 WPS 打开后保存一次，或把这些单元格复制后“选择性粘贴为数值”，再重试")
    return grid


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
