"""Files → a grid of text cells with the row numbers staff see in Excel.

CSV (UTF-8 with or without BOM, GB18030, Big5, UTF-16/32 with BOM) and XLSX are read by
`analysis.io`, the reader the analysis CLI uses, so both accept exactly the same files; .xls
(问卷星's older download) by xlrd. All three are read within one `ReadBudget` (rows, columns,
cells, cell length, time; see analysis.budget), so a small file cannot cost the server
gigabytes, and every cell is cleaned like a form field (survey.cleaning).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from struct import error as struct_error

from analysis.budget import (
    DEFAULT_BUDGET,
    ReadBudget,
    too_long_cell,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    too_slow,
)
from analysis.io import InputError, _read_csv, _read_xlsx  # one reader for CSV encodings and XLSX

from ..cleaning import clean_text

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")


class ImportFileError(ValueError):
    """A file that cannot be imported at all; the message is one line of Chinese for staff."""


@dataclass(frozen=True)
class Sheet:
    name: str  # the file name as staff know it
    header: list[str]  # column names, made unique
    rows: list[tuple[int, list[str]]]  # (row number as Excel shows it, one text per column)

    def column(self, index: int) -> list[str]:
        return [cells[index] for _, cells in self.rows]


def read_sheet(path: str | Path, name: str | None = None, budget: ReadBudget = DEFAULT_BUDGET) -> Sheet:
    """The first sheet of an .xlsx/.xls file, or a CSV; blank rows are dropped, cells are
    stripped, cleaned text ("" for empty), row numbers count from the header's row 1.
    ImportFileError (one line of Chinese) for anything that cannot be read within `budget`."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(f"{name}：不支持的文件类型，请上传 .xlsx、.xls 或 .csv 文件")
    try:
        if suffix in (".xlsx", ".xlsm"):
            grid = _read_xlsx(path, budget, name)
        elif suffix == ".xls":
            grid = _read_xls(path, name, budget)
        else:
            grid = _read_csv(path, budget)
    except InputError as exc:
        raise ImportFileError(str(exc).replace(path.name, name)) from exc
    texts = [[_text(c) for c in row] for row in grid]
    numbered = [(n, cells) for n, cells in enumerate(texts, start=1) if any(cells)]
    if not numbered:
        raise ImportFileError(f"{name} 是空文件，没有表头也没有数据")
    (_, header_cells), data = numbered[0], numbered[1:]
    if not data:
        raise ImportFileError(f"{name} 只有表头，没有数据行")
    width = max(len(header_cells), *(len(cells) for _, cells in data))
    if width * len(numbered) > budget.cells:
        raise ImportFileError(str(too_many_cells(name, len(numbered), width, budget)))
    header = _unique_names(header_cells + [""] * (width - len(header_cells)))
    rows = [(n, cells + [""] * (width - len(cells))) for n, cells in data]
    return Sheet(name, header, rows)


def _text(cell: str | None) -> str:
    return clean_text((cell or "").replace("\r\n", "\n")).strip().lstrip("\ufeff").strip()


def _unique_names(cells: list[str]) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(cells, start=1):
        name = cell or f"第{i}列"
        base, n = name, 2
        while name in names:
            name, n = f"{base}({n})", n + 1
        names.append(name)
    return names


def _read_xls(path: Path, name: str, budget: ReadBudget) -> list[list[str | None]]:
    import time

    import xlrd
    from xlrd.compdoc import CompDocError

    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"PK"):  # an .xlsx saved under an .xls name; openpyxl goes by the name
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "renamed.xlsx"
            shutil.copyfile(path, copy)
            return _read_xlsx(copy, budget, name)
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):  # a web page or XML named .xls
        raise ImportFileError(f"{name} 实际是网页（HTML/XML）格式而不是 Excel 文件，"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")
    deadline = budget.deadline()
    try:
        # on_demand: only the first sheet is parsed; ragged_rows: rows are not padded to the
        # widest one (a cell in column IV would otherwise give every row 256 cells).
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True, logfile=io.StringIO())
        sheet = book.sheet_by_index(0)
    except (xlrd.XLRDError, CompDocError, OSError, ValueError, AssertionError, IndexError, KeyError,
            TypeError, struct_error, EOFError, RecursionError) as exc:
        raise ImportFileError(f"{name} 不是有效的 Excel（.xls）文件，或文件不完整（可能没有下载完），"
                              "请重新下载或用 Excel 另存为 .xlsx 再导入") from exc
    if sheet.nrows > budget.rows:
        raise ImportFileError(str(too_many_rows(name, budget)))
    if sheet.ncols > budget.columns:
        raise ImportFileError(str(too_many_columns(name, sheet.ncols, budget)))
    if sheet.nrows * sheet.ncols > budget.cells:
        raise ImportFileError(str(too_many_cells(name, sheet.nrows, sheet.ncols, budget)))
    grid = []
    for r in range(sheet.nrows):
        if r % 512 == 0 and time.monotonic() > deadline:
            raise ImportFileError(str(too_slow(name, budget)))
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode).isoformat())
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    row.append(str(cell.value))
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                value = cell.value
                row.append(str(int(value)) if float(value).is_integer() else str(value))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                text = str(cell.value)
                if len(text) > budget.cell_chars:
                    raise ImportFileError(str(too_long_cell(name, f"第 {r + 1} 行有单元格", budget)))
                row.append(text)
        grid.append(row)
    book.release_resources()
    return grid


def parse_time(value: str) -> dt.datetime | None:
    """A submit time as platforms write it (2023/11/15 14:35:12, 2023-11-15 14:35, ISO), or None."""
    value = value.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value[:19], fmt)
        except ValueError:
            continue
    return None
