"""Files → a grid of text cells with the row numbers staff see in Excel.

CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX are read by `analysis.io`, the reader the
analysis CLI uses, so both accept exactly the same files; .xls (问卷星's older download) by xlrd.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from analysis.io import InputError, _read_csv, _read_xlsx  # one reader for CSV encodings and XLSX

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


def read_sheet(path: str | Path, name: str | None = None) -> Sheet:
    """The first sheet of an .xlsx/.xls file, or a CSV; blank rows are dropped, cells are
    stripped text ("" for empty), row numbers count from the header's row 1."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(f"{name}：不支持的文件类型，请上传 .xlsx、.xls 或 .csv 文件")
    try:
        if suffix in (".xlsx", ".xlsm"):
            grid = _read_xlsx(path)
        elif suffix == ".xls":
            grid = _read_xls(path, name)
        else:
            grid = _read_csv(path)
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
    header = _unique_names(header_cells + [""] * (width - len(header_cells)))
    rows = [(n, cells + [""] * (width - len(cells))) for n, cells in data]
    return Sheet(name, header, rows)


def _text(cell: str | None) -> str:
    return (cell or "").replace("\r\n", "\n").strip().lstrip("\ufeff").strip()


def _unique_names(cells: list[str]) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(cells, start=1):
        name = cell or f"第{i}列"
        base, n = name, 2
        while name in names:
            name, n = f"{base}({n})", n + 1
        names.append(name)
    return names


def _read_xls(path: Path, name: str) -> list[list[str | None]]:
    import xlrd

    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"PK"):  # an .xlsx saved under an .xls name; openpyxl goes by the name
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "renamed.xlsx"
            shutil.copyfile(path, copy)
            return _read_xlsx(copy)
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):  # a web page or XML named .xls
        raise ImportFileError(f"{name} 实际是网页（HTML/XML）格式而不是 Excel 文件，"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")
    try:
        book = xlrd.open_workbook(str(path))
    except (xlrd.XLRDError, OSError, ValueError, AssertionError) as exc:
        raise ImportFileError(f"{name} 不是有效的 Excel（.xls）文件") from exc
    sheet = book.sheet_by_index(0)
    grid = []
    for r in range(sheet.nrows):
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode).isoformat())
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                value = cell.value
                row.append(str(int(value)) if float(value).is_integer() else str(value))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                row.append(str(cell.value))
        grid.append(row)
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
