"""What each platform's export looks like: how to recognise it, which columns are its own
bookkeeping, how question headers and answer cells are written.

问卷星: leading columns 序号、提交答卷时间、所用时间、来源、来源详情、来自IP; questions headed
`1、题目`, matrix rows `5(子题)`, `5、(子题)` or `第5题(子题)`; multiple choices joined with ┋;
text typed into an option in 〖…〗; skipped questions as (跳过) or -2/-3. Downloads come
按文本 (option texts) or 按序号 (option numbers).
腾讯问卷: a header row of question titles (often `Q1:` or `1.` in front) after columns such
as 编号、开始答题时间、结束答题时间、答题时长.
"""
from __future__ import annotations

import re

from .readers import Sheet

WJX = "问卷星"
TENCENT = "腾讯问卷"
SPREADSHEET = "表格"

_WJX_MARKS = ("提交答卷时间", "所用时间", "来自IP", "来源详情")
_TENCENT_MARKS = ("开始答题时间", "结束答题时间", "答题时长")
# Columns platforms add about the submission, never about the answer. The submit time is
# still used: it becomes the response's time.
META_COLUMNS = frozenset({
    "序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分", "答卷编号",
    "编号", "开始答题时间", "结束答题时间", "答题时长", "IP", "IP地址", "IP所在地", "IP省份", "IP城市",
    "地理位置", "用户类型", "用户标识", "昵称", "性别", "国家", "省份", "城市", "设备", "浏览器", "操作系统",
    "填写设备", "渠道", "来源渠道", "微信昵称", "自定义字段", "提交时间", "填写时间", "答题时间", "开始时间", "结束时间",
})
SUBMIT_TIME_COLUMNS = ("提交答卷时间", "结束答题时间", "提交时间", "填写时间", "答题时间", "结束时间")

SKIPPED = frozenset({"(跳过)", "（跳过）", "跳过", "-2", "-3", "(空)", "（空）"})
MULTI_SEPARATOR = "┋"
_TYPED_IN = re.compile(r"〖(.*?)〗", re.S)

_MATRIX = (re.compile(r"^第\s*(\d+)\s*题\s*[(（](.+)[)）]$", re.S),
           re.compile(r"^(\d+)\s*、?\s*[(（](.+)[)）]$", re.S))
_QUESTION = (re.compile(r"^第\s*(\d+)\s*题\s*[.．、:：]?\s*(.+)$", re.S),
             re.compile(r"^[Qq](\d+)\s*[.．、:：_-]?\s*(.+)$", re.S),
             re.compile(r"^(\d+)\s*[、.．:：]\s*(.+)$", re.S))
# Markers some platforms put after a title: 【单选题】, (必填), *, a closing colon.
_TITLE_NOISE = re.compile(r"【[^】]*】|[(（](必填|选填|单选|多选|单选题|多选题|填空题|矩阵[^)）]*)[)）]|[*＊]")


def detect(sheet: Sheet) -> str:
    header = set(sheet.header)
    if sum(mark in header for mark in _WJX_MARKS) >= 2:
        return WJX
    if sum(mark in header for mark in _TENCENT_MARKS) >= 2:
        return TENCENT
    return SPREADSHEET


def question_title(header: str) -> str:
    """The words of a column header without the question number: "5(政务服务便利度)" →
    "政务服务便利度" (a matrix row is its sub-question), "1、您的单位名称：" → "您的单位名称"."""
    text = header.strip()
    for pattern in _MATRIX:
        match = pattern.match(text)
        if match:
            return _tidy(match.group(2))
    for pattern in _QUESTION:
        match = pattern.match(text)
        if match:
            return _tidy(match.group(2))
    return _tidy(text)


def _tidy(text: str) -> str:
    text = _TITLE_NOISE.sub("", text)
    return text.strip().rstrip(":：?？").strip()


def is_skipped(value: str) -> bool:
    return value.strip() in SKIPPED


def choices(value: str) -> list[tuple[str, str]]:
    """A choice cell as (option, typed-in text) pairs: "其他〖行业协会〗┋企业" →
    [("其他", "行业协会"), ("企业", "")]. Skipped answers give []."""
    if is_skipped(value) or not value.strip():
        return []
    out = []
    for part in value.split(MULTI_SEPARATOR):
        typed = " ".join(t.strip() for t in _TYPED_IN.findall(part) if t.strip())
        option = _TYPED_IN.sub("", part).strip()
        if option or typed:
            out.append((option, typed))
    return out


def as_text(value: str) -> str:
    """A cell for a written answer: skipped → "", multiple choices → one line each,
    an option with typed-in text → "其他：行业协会"."""
    parts = choices(value)
    if len(parts) <= 1 and MULTI_SEPARATOR not in value and "〖" not in value:
        return "" if is_skipped(value) else value.strip()
    return "\n".join(f"{option}：{typed}" if option and typed else (option or typed)
                     for option, typed in parts)


_NUMBER = re.compile(r"^\d+$")


def numbered_download(sheet: Sheet, choice_columns: list[int]) -> bool:
    """Whether a 问卷星 file was downloaded 按序号: every answer in its choice columns
    (单位类型, ratings) is an option number."""
    seen = False
    for index in choice_columns:
        for value in sheet.column(index):
            for option, _ in choices(value):
                if not _NUMBER.match(option):
                    return False
                seen = True
    return seen
