"""Reading a spreadsheet within a budget: a small file must not cost the server gigabytes.

An .xlsx is a zip of XML. A 3 MB file can hold one 3 GiB cell, 40 million rows, a cell in
column XFD (every row padded to 16,384 cells) or 20 million shared strings; its XML can declare
entities (billion laughs, XXE). So before openpyxl builds anything, `check_xlsx` looks at the
archive: the members' declared sizes (zipfile never yields more than a member declares), then
one streaming pass of expat over every XML member, which refuses a DOCTYPE or an entity and, in
the worksheets and the shared strings, counts rows, columns, cells, shared strings and the
characters of each cell against the budget, and watches the clock. Nothing it reads is kept.
After it, openpyxl (read-only, with defusedxml) reads a file known to be within every bound.

Every refusal is `OverBudget` with one line of Chinese naming the bound.
"""
from __future__ import annotations

import re
import time
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

MiB = 1024 * 1024


@dataclass(frozen=True)
class ReadBudget:
    unzipped_bytes: int = 64 * MiB  # all members of an .xlsx, decompressed
    members: int = 1_000  # files inside the .xlsx
    rows: int = 100_000  # rows of a sheet, counted by number (row 1,048,576 counts as that many)
    columns: int = 1_000  # the rightmost column with a cell
    cells: int = 2_000_000  # rows x columns of the grid built from the sheet
    shared_strings: int = 1_000_000
    cell_chars: int = 32_767  # Excel's own limit for one cell
    seconds: float = 20.0

    def deadline(self) -> float:
        return time.monotonic() + self.seconds


DEFAULT_BUDGET = ReadBudget()  # what a web upload may cost (survey.imports)
# `pingjia analyze` and `read_table` read a file staff chose on their own machine: the same
# checks, with room for the 100,000-statement runs the analysis is measured on.
LOCAL_FILE_BUDGET = ReadBudget(unzipped_bytes=1024 * MiB, rows=2_000_000, columns=5_000, cells=50_000_000,
                               shared_strings=10_000_000, seconds=600.0)


class OverBudget(ValueError):
    """A file over one of the bounds, or unsafe to parse; the message names it (Chinese)."""


def column_letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,10})$")
_CHUNK = 64 * 1024
_TEXT_MEMBER = (".xml", ".rels", ".vml")


def too_slow(name: str, budget: ReadBudget) -> OverBudget:
    return OverBudget(f"{name} 读取超过 {budget.seconds:g} 秒（上限），文件过大或结构异常，未导入")


def too_many_rows(name: str, budget: ReadBudget) -> OverBudget:
    return OverBudget(f"{name} 超过 {budget.rows:,} 行（上限），请分成几个文件导入")


def too_many_columns(name: str, column: int, budget: ReadBudget) -> OverBudget:
    return OverBudget(f"{name} 在第 {column_letter(column)} 列有内容，超过 {budget.columns:,} 列（上限），"
                      "请删除多余的列后再导入")


def too_long_cell(name: str, where: str, budget: ReadBudget) -> OverBudget:
    return OverBudget(f"{name} {where}超过 {budget.cell_chars:,} 字（单元格上限），未导入")


def too_many_cells(name: str, rows: int, columns: int, budget: ReadBudget) -> OverBudget:
    return OverBudget(f"{name} 有 {rows:,} 行 × {columns:,} 列，超过 {budget.cells:,} 个单元格（上限），"
                      "请删除多余的行列或分成几个文件导入")


def check_xlsx(path, name: str, budget: ReadBudget = DEFAULT_BUDGET) -> None:
    """Raise OverBudget unless the .xlsx at `path` is within `budget` (and has no DTD);
    zipfile.BadZipFile for a file that is not a zip."""
    deadline = budget.deadline()
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > budget.members:
            raise OverBudget(f"{name} 内含 {len(members):,} 个文件，超过 {budget.members:,} 个（上限），不像是 Excel 文件")
        total = sum(m.file_size for m in members)
        if total > budget.unzipped_bytes:
            raise OverBudget(f"{name} 解压后有 {total / MiB:,.0f} MB，超过 {budget.unzipped_bytes / MiB:g} MB（上限），"
                             "可能是异常文件，未导入")
        for member in members:
            lowered = member.filename.lower()
            if not lowered.endswith(_TEXT_MEMBER):
                continue
            if lowered.startswith("xl/worksheets/"):
                scanner = _SheetScanner(name, budget)
            elif lowered.endswith("sharedstrings.xml"):
                scanner = _SharedStringScanner(name, budget)
            else:
                scanner = _Scanner(name, budget)
            scanner.scan(archive, member, deadline)


class _Scanner:
    """expat over one member: refuses a DOCTYPE or an entity declaration; subclasses count."""

    def __init__(self, name: str, budget: ReadBudget):
        self.name, self.budget = name, budget

    def _handlers(self, parser) -> None:
        """Set the element handlers (none for members that are only checked for a DTD)."""

    def scan(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo, deadline: float) -> None:
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.ExternalEntityRefHandler = self._refuse_dtd
        parser.buffer_text = True
        self._handlers(parser)
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    if time.monotonic() > deadline:
                        raise too_slow(self.name, self.budget)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise OverBudget(f"{self.name} 内部的 {member.filename} 已损坏（XML 第 {exc.lineno} 行：{expat.ErrorString(exc.code)}），"
                             "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from None

    def _refuse_dtd(self, *_args):
        raise OverBudget(f"{self.name} 含有 XML 文档类型或实体声明（DOCTYPE/ENTITY），Excel 文件不会有，"
                         "出于安全原因未读取")


def _local(tag: str) -> str:
    return tag.rpartition(":")[2]


class _SheetScanner(_Scanner):
    """Rows (by number), columns (by reference), cells of a worksheet and each cell's text."""

    def _handlers(self, parser) -> None:
        self.row = 0
        self.column = 0
        self.in_cell = False
        self.chars = 0
        self.cell_ref = ""
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text

    def _start(self, tag: str, attrs: dict) -> None:
        tag = _local(tag)
        if tag == "row":
            number = attrs.get("r")
            self.row = int(number) if number and number.isdigit() else self.row + 1
            self.column = 0
            if self.row > self.budget.rows:
                raise too_many_rows(self.name, self.budget)
        elif tag == "c":
            ref = attrs.get("r")
            match = _CELL_REF.match(ref) if ref else None
            if match:
                self.column = _column_index(match.group(1).upper())
                row = int(match.group(2))
                if row > self.budget.rows:
                    raise too_many_rows(self.name, self.budget)
            else:
                self.column += 1
            if self.column > self.budget.columns:
                raise too_many_columns(self.name, self.column, self.budget)
            self.in_cell, self.chars, self.cell_ref = True, 0, ref or ""

    def _end(self, tag: str) -> None:
        if _local(tag) == "c":
            self.in_cell = False

    def _text(self, data: str) -> None:
        if self.in_cell:
            self.chars += len(data)
            if self.chars > self.budget.cell_chars:
                raise too_long_cell(self.name, f"单元格 {self.cell_ref} " if self.cell_ref else "有单元格", self.budget)


class _SharedStringScanner(_Scanner):
    """The number of shared strings and the characters of each."""

    def _handlers(self, parser) -> None:
        self.count = 0
        self.chars = 0
        parser.StartElementHandler = self._start
        parser.CharacterDataHandler = self._text

    def _start(self, tag: str, _attrs: dict) -> None:
        if _local(tag) == "si":
            self.count += 1
            self.chars = 0
            if self.count > self.budget.shared_strings:
                raise OverBudget(f"{self.name} 的共享字符串超过 {self.budget.shared_strings:,} 个（上限），"
                                 "可能是异常文件，未导入")

    def _text(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > self.budget.cell_chars:
            raise too_long_cell(self.name, f"第 {self.count:,} 个共享字符串", self.budget)
