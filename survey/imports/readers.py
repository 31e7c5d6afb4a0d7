"""Files → a grid of text cells with the row numbers staff see in Excel.

CSV (UTF-8 with or without BOM, GB18030, Big5, UTF-16/32 with BOM), XLSX and .xls (问卷星's older
download) are read by `analysis.io.read_grid`, the reader the analysis CLI uses, so both accept
exactly the same files, within one `ReadBudget` (rows, columns, cells, cell length, time; see
analysis.budget), so a small file cannot cost the server gigabytes; every cell is cleaned like a
form field (survey.cleaning).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from analysis.budget import (
    DEFAULT_BUDGET,
    ReadBudget,
    too_many_cells,
)
from analysis.io import InputError, read_grid  # the one spreadsheet reader (CSV, XLSX, XLS)

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
        grid = read_grid(path, budget, name)
    except InputError as exc:
        raise ImportFileError(str(exc)) from exc
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


def parse_time(value: str) -> dt.datetime | None:
    """A submit time as platforms write it (2023/11/15 14:35:12, 2023-11-15 14:35, ISO), or None."""
    value = value.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value[:19], fmt)
        except ValueError:
            continue
    return None
