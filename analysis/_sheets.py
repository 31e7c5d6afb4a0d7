"""The file formats behind analysis.io's one reader (`read_grid`): CSV (its encodings guessed),
XLSX (openpyxl, after analysis.budget has checked the archive) and .xls (xlrd, 问卷星's older
download), each the first sheet as rows of text cells within a `ReadBudget`. Private: callers
use analysis.io."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path
from struct import error as struct_error

from .budget import (
    OverBudget,
    ReadBudget,
    check_xlsx,
    column_letter,
    too_long_cell,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    too_slow,
)


class InputError(ValueError):
    """Input the analysis cannot use; the message is one line of Chinese for the user
    (defined here, below analysis.io, which re-exports it as its own)."""


# --- CSV -----------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
         (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"), (b"\xff\xfe", "utf-16", "UTF-16"),
         (b"\xfe\xff", "utf-16", "UTF-16"))
_TRIED = "UTF-8、GB18030、Big5（UTF-16、UTF-32 需带 BOM）"
_PUNCT = re.compile(r"[\u2000-\u206f\u3000-\u303f\uff00-\uffef]")
_MIN_SCORED = 8  # below this many CJK characters, a clean decode is trusted as it is


def _plausible(text: str, encoding: str) -> float:
    """The share of CJK characters that are common in that encoding's texts: GB2312's hanzi
    for GB18030, Big5's first level for Big5. A Big5 file read as GB18030 decodes without an
    error but into kana, Cyrillic and rare hanzi, and scores low; 1.0 without enough CJK."""
    seen = common = 0
    for ch in text:
        if ch < "\u0080":
            continue
        seen += 1
        if _PUNCT.match(ch):
            common += 1
        elif "\u4e00" <= ch <= "\u9fff":
            try:
                raw = ch.encode("gb2312" if encoding == "gb18030" else "big5")
            except UnicodeEncodeError:
                continue
            common += encoding == "gb18030" or 0xA4 <= raw[0] <= 0xC6
    return 1.0 if seen < _MIN_SCORED else common / seen


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16/UTF-32 with a BOM, GB18030 (GBK, GB2312) or Big5;
    a decode that only succeeds into garbled text is refused, naming what was tried."""
    for bom, encoding, label in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                line = raw[:exc.start].count(b"\n") + 1  # approximate for UTF-16/32
                raise InputError(f"{name} 以 {label} 的 BOM 开头，但第 {line} 行附近的字节不是 {label} 编码，"
                                 "请另存为 UTF-8 CSV") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
    if raw[:4096].count(b"\x00") > 64:  # UTF-16/32 without a BOM
        raise InputError(f"{name} 的编码无法识别（已尝试 {_TRIED}），请在 Excel 或 WPS 中另存为“CSV UTF-8”后再导入")
    best, best_score = None, 0.0
    for encoding in ("gb18030", "big5"):  # gb18030 is a superset of GBK and GB2312
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausible(text, encoding)
        if score > best_score:
            best, best_score = text, score
    if best is None:
        raise InputError(f"{name} 第 {line} 行附近有无法识别的字节，编码无法识别（已尝试 {_TRIED}），"
                         "请在 Excel 或 WPS 中另存为“CSV UTF-8”后再导入")
    if best_score < 0.8:
        raise InputError(f"{name} 的编码无法识别：按 {_TRIED} 解码都是乱码，"
                         "请在 Excel 或 WPS 中另存为“CSV UTF-8”后再导入")
    return best


def read_csv(path: Path, budget: ReadBudget, name: str) -> list[list[str | None]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {name}：{exc.strerror or exc}") from exc
    text = _decode(raw, name)
    if not text.strip().strip("\ufeff"):
        return []
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    deadline, grid, width = budget.deadline(), [], 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            grid.append(row)
            _within(name, budget, grid, row, deadline)
            width = max(width, len(row))
            if len(grid) * width > budget.cells:
                raise InputError(str(too_many_cells(name, len(grid), width, budget)))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(str(too_long_cell(name, f"第 {len(grid) + 1} 行有单元格", budget))) from None
        raise InputError(f"{name} 不是有效的 CSV 文件：第 {len(grid) + 1} 行格式有误") from None
    return grid


def _within(name: str, budget: ReadBudget, grid: list, row: list, deadline: float) -> None:
    if len(grid) > budget.rows:
        raise InputError(str(too_many_rows(name, budget)))
    if len(row) > budget.columns:
        raise InputError(str(too_many_columns(name, len(row), budget)))
    for i, cell in enumerate(row):
        if cell is not None and len(cell) > budget.cell_chars:
            raise InputError(str(too_long_cell(name, f"单元格 {column_letter(i + 1)}{len(grid)} ", budget)))
    if len(grid) % 512 == 0 and time.monotonic() > deadline:
        raise InputError(str(too_slow(name, budget)))


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


def read_xlsx(path: Path, budget: ReadBudget, name: str) -> list[list[str | None]]:
    """The active sheet as rows of text, read within `budget` (see analysis.budget): the
    archive and its XML are checked before openpyxl builds anything, then the rows are read
    one by one with the clock and the grid's size watched."""
    import zipfile

    from openpyxl import load_workbook

    deadline = budget.deadline()
    try:
        check_xlsx(path, name, budget)
        book = load_workbook(path, read_only=True, data_only=True)
    except OverBudget as exc:
        raise InputError(str(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, KeyError, OSError, ValueError,
            TypeError, AttributeError, IndexError, EOFError, SyntaxError) as exc:
        raise InputError(f"{name} 不是有效的 Excel（.xlsx）文件") from exc
    try:
        # The sheet Excel opens on. A formula's result is only in the file if the program
        # that saved it computed one; without it the cell would silently read as empty.
        sheet = book.active or book.worksheets[0]
        grid: list[list[str | None]] = []
        uncomputed: list[str] = []
        width = 0
        for number, cells in _sheet_rows(sheet):
            while len(grid) < number - 1:  # rows the file leaves out are blank
                grid.append([])
            row: list[str | None] = []
            for cell in cells:
                column, value = cell["column"], cell["value"]
                if value is None and cell.get("uncomputed"):
                    uncomputed.append(f"{column_letter(column)}{number}")
                if value is not None:
                    row.extend([None] * (column - 1 - len(row)))
                    row.append(_cell_text(value))
            grid.append(row)
            width = max(width, len(row))
            if len(grid) * width > budget.cells:
                raise too_many_cells(name, len(grid), width, budget)
            if number % 512 == 0 and time.monotonic() > deadline:
                raise too_slow(name, budget)
    except OverBudget as exc:
        raise InputError(str(exc)) from None
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, SyntaxError) as exc:
        raise InputError(f"{name} 的工作表内容无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from exc
    finally:
        book.close()
    if uncomputed:
        shown = "、".join(uncomputed[:_FORMULAS_LISTED]) + ("等" if len(uncomputed) > _FORMULAS_LISTED else "")
        raise InputError(f"{name} 中有 {len(uncomputed)} 个公式单元格没有保存计算结果（{shown}），"
                         f"无法读取其内容。请用 Excel 或 WPS 打开后保存一次，或把这些单元格复制后“选择性粘贴为数值”，再重试")
    return grid


def _sheet_rows(sheet):
    """(row number, cell dicts) of a read-only worksheet, straight from openpyxl's parser:
    no padding to the sheet's claimed dimension, and a formula without a saved result marked."""
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    formula_tag = f"{{{SHEET_MAIN_NS}}}f"

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(formula_tag) is not None:
                cell["uncomputed"] = True
            return cell

    book = sheet.parent
    with sheet._get_source() as source:
        parser = Parser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                        date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        yield from parser.parse()


# --- XLS (问卷星's older download) -------------------------------------------------------------

def read_xls(path: Path, budget: ReadBudget, name: str) -> list[list[str | None]]:
    """The first sheet of a BIFF .xls (xlrd), within `budget`; an .xlsx named .xls is read as one."""
    import shutil
    import tempfile

    import xlrd
    from xlrd.compdoc import CompDocError

    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"PK"):  # an .xlsx saved under an .xls name; openpyxl goes by the name
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "renamed.xlsx"
            shutil.copyfile(path, copy)
            return read_xlsx(copy, budget, name)
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):  # a web page or XML named .xls
        raise InputError(f"{name} 实际是网页（HTML/XML）格式而不是 Excel 文件，"
                         "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")
    deadline = budget.deadline()
    try:
        # on_demand: only the first sheet is parsed; ragged_rows: rows are not padded to the
        # widest one (a cell in column IV would otherwise give every row 256 cells).
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True, logfile=io.StringIO())
        sheet = book.sheet_by_index(0)
    except (xlrd.XLRDError, CompDocError, OSError, ValueError, AssertionError, IndexError, KeyError,
            TypeError, struct_error, EOFError, RecursionError) as exc:
        raise InputError(f"{name} 不是有效的 Excel（.xls）文件，或文件不完整（可能没有下载完），"
                         "请重新下载或用 Excel 另存为 .xlsx 再导入") from exc
    if sheet.nrows > budget.rows:
        raise InputError(str(too_many_rows(name, budget)))
    if sheet.ncols > budget.columns:
        raise InputError(str(too_many_columns(name, sheet.ncols, budget)))
    if sheet.nrows * sheet.ncols > budget.cells:
        raise InputError(str(too_many_cells(name, sheet.nrows, sheet.ncols, budget)))
    grid: list[list[str | None]] = []
    for r in range(sheet.nrows):
        if r % 512 == 0 and time.monotonic() > deadline:
            raise InputError(str(too_slow(name, budget)))
        grid.append([_xls_cell(cell, book.datemode, name, r, budget) for cell in sheet.row(r)])
    book.release_resources()
    return grid


def _xls_cell(cell, datemode: int, name: str, r: int, budget: ReadBudget) -> str | None:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode).isoformat()
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return str(int(value)) if float(value).is_integer() else str(value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    text = str(cell.value)
    if len(text) > budget.cell_chars:
        raise InputError(str(too_long_cell(name, f"第 {r + 1} 行有单元格", budget)))
    return text
