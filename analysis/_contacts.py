"""Numbers and addresses that reach a person (analysis.privacy's private part): phones,
resident ID numbers, e-mail addresses however they are disguised, QQ and WeChat ids, bank cards.

Every pattern runs on a probe of the text with the same length (so an edit applies to the text
as typed): full-width forms and U+3000 as ASCII, dashes as "-", and Chinese numerals as digits
(一三八一二三四五六七八, 幺 for 1, 壹贰叁 as on a cheque; 〇 and 零 for 0), so a number spoken
into a phone's voice input or written out to dodge a filter is read like the digits it says.
`find` yields (start, end, edits) of each match, the kinds that hold others first.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

MASK = "*"
Edit = tuple[int, int, str]

# Between the digits of one number: up to two spaces, or one dash, dot, underscore or slash.
_S = r"(?:[\-._/]|[ ]{1,2})?"
_MOBILE = re.compile(rf"(?<![\d])(?:(?:\+|00)?86{_S}[ ]?|\(\+?86\)[ ]?)?(1{_S}[3-9](?:{_S}\d){{9}})(?!\d)")
# a local number never starts with 0 (发票代码037001900111 is no landline)
_LANDLINE = re.compile(r"(?<!\d)([(（]?0[1-9]\d{1,2}[)）]?[- ]?)([1-9]\d{2,3})[- ]?(\d{4})(?!\d)")
_ID18 = re.compile(rf"(?<![\dXx])([1-8](?:{_S}\d){{16}}{_S}[\dXx])(?![\dXx])")
_ID15 = re.compile(rf"(?<![\dXx])([1-8](?:{_S}\d){{14}})(?![\dXx])")
# What follows a number that is an amount or a count, not a phone (营业额13812345678元).
_UNIT_AFTER = re.compile(r"\s*(?:元|万|亿|件|个|人|次|台|套|吨|米|平方|户|家|项|笔|份|%|％)")

# E-mail: "@" however it is disguised ([at], (at), {at}, " at ", #, 艾特, ＠ via the probe) and
# "." too ([dot], " dot ", 点); a local part of letters and digits, a domain with a real ending.
_AT = r"(?:[ ]?@[ ]?|[ ]?[\[(（【{<]\s*(?:at|AT|At)\s*[\])）】}>][ ]?|[ ]+(?:at|AT)[ ]+|#|[ ]?艾特[ ]?)"
_DOT = r"(?:[ ]?\.[ ]?|[ ]?[\[(（【{<]\s*(?:dot|DOT|点)\s*[\])）】}>][ ]?|[ ]+(?:dot|DOT)[ ]+|点)"
_TLD = r"(?:com|cn|net|org|edu|gov|info|top|xyz|io|me|cc|biz|co|hk|tw|mo|us|uk|de|jp|[a-z]{2}|中国|公司|网络)"
_EMAIL = re.compile(rf"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+|[\u4e00-\u9fff]{{1,4}})({_AT}"
                    rf"[A-Za-z0-9\u4e00-\u9fff-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}{_TLD})(?![A-Za-z0-9])",
                    re.IGNORECASE)
# An address whose ending was cut off (a statement split at its dot: 请发 张三@例子.)
_EMAIL_CUT = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+|[\u4e00-\u9fff]{1,4})(@[A-Za-z0-9\u4e00-\u9fff-]+)(?=\.\s*$)")
# QQ and WeChat: the app's name (QQ, 扣扣, 企鹅, 微信, VX, WX, V信…) then an id.
_IM = re.compile(r"(?:QQ|qq|Qq|扣扣|企鹅号|微信|威信|薇信|V信|v信|VX|vx|Vx|WX|wx|Wx|weixin|WeChat|wechat)"
                 r"(?:号码|号|账号|帐号|ID|id)?(?:是|为)?\s*[:：]?\s*"
                 r"([A-Za-z][A-Za-z0-9_-]{4,19}|\+?\d[\d ]{4,14}\d)(?![A-Za-z0-9_-])")
_QQ_CUE = re.compile(r"QQ|qq|Qq|扣扣|企鹅")
# Bank cards: 16–19 digits, in groups or not, that pass the Luhn check.
_CARD = re.compile(r"(?<!\d)(\d(?:[ \-]?\d){15,18})(?!\d)")
_CARD_CUE = re.compile(r"(?:卡号|银行卡|储蓄卡|信用卡|借记卡|工资卡|社保卡|账号|帐号|账户|帐户|卡)\s*[:：是为]?\s*$")

_NUMERALS = "零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖两"
_NUMERAL_DIGITS = "0012345678911234567892"
_BASE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20} | {ord(c): ord("-") for c in "—–‐‑‒―﹣"}
_WITH_NUMERALS = _BASE | {ord(c): ord(d) for c, d in zip(_NUMERALS, _NUMERAL_DIGITS)}
# Only a run of seven numerals or more is read as digits (一五一十, 十三五 stay words).
_NUMERAL_RUN = re.compile(rf"[{_NUMERALS}0-9０-９](?:[{_NUMERALS}0-9０-９ \-—]{{5,}})[{_NUMERALS}0-9０-９]")
_MAYBE = re.compile(rf"[0-9０-９@＠#QqVvWwAa]|[{_NUMERALS}]{{4}}|艾特|扣扣|企鹅|微信|威信|薇信")


def might_contact(text: str) -> bool:
    """Cheap first look: no digit, numeral run, @, "at" or messaging app, no contact."""
    return bool(_MAYBE.search(text))
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


_NEEDS_PROBE = re.compile(f"[\uff01-\uff5e\u3000—–‐‑‒―﹣{_NUMERALS}]")
_HAS_NUMERAL = re.compile(f"[{_NUMERALS}]")
# Which kinds a text can hold at all: each pattern runs only when its sign is there.
_SIGN_EMAIL = re.compile(r"[@#]|(?i:at)|艾特")
_SIGN_IM = re.compile(r"(?i:qq|vx|wx|wechat|weixin)|扣扣|企鹅|微信|威信|薇信|V信|v信")
_DIGIT_RUN = re.compile(r"\d(?:[ \-._/()+]{0,3}\d){6}")  # seven digits close together


def probes(text: str) -> list[str]:
    """`text` with full-width forms and dashes as ASCII, character for character; and when it
    has a run of seven or more digits and Chinese numerals, a second reading with the numerals
    as digits too (read second: in 138—1234—5678一直 the 一 is a word, not a twelfth digit)."""
    if not _NEEDS_PROBE.search(text):
        return [text]
    base = text.translate(_BASE)
    out = base
    for m in _NUMERAL_RUN.finditer(text) if _HAS_NUMERAL.search(text) else ():
        out = out[:m.start()] + m.group(0).translate(_WITH_NUMERALS) + out[m.end():]
    return [base] if out == base else [base, out]


def find_all(text: str, whole: bool) -> Iterator[tuple[int, int, list[Edit]]]:
    """`find` over each reading of `text` (see `probes`)."""
    for p in probes(text):
        yield from find(p, whole)


def valid_id_number(number: str) -> bool:
    """An 18-digit resident ID number with a correct ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def looks_like_id_number(number: str) -> bool:
    """18 digits (the last may be X) or 15 digits, a region code and a real birth date; the
    check digit is not required (a typo in the last digit is still someone's ID)."""
    if len(number) == 18 and number[:17].isdigit() and number[17] in "0123456789Xx":
        return number[0] in "12345678" and _plausible_birth(number[6:14])
    if len(number) == 15 and number.isdigit():
        return number[0] in "12345678" and _plausible_birth("19" + number[6:12])
    return False


def luhn(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _digits(p: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if p[i].isascii() and (p[i].isdigit() or p[i] in "Xx")]


def _each(positions: Iterable[int]) -> list[Edit]:
    return [(i, i + 1, MASK) for i in positions]


def find(p: str, whole: bool) -> Iterator[tuple[int, int, list[Edit]]]:
    """(start, end, edits) of every contact in the probe `p`."""
    numbers = bool(_DIGIT_RUN.search(p))
    emails = [*_EMAIL.finditer(p), *_EMAIL_CUT.finditer(p)] if _SIGN_EMAIL.search(p) else []
    for m in emails:
        local = range(m.start(1), m.end(1))
        if whole:
            yield m.start(), m.end(), _each(i for i in range(m.start(), m.end()) if p[i].isalnum())
        else:  # the reports' form: first character, three stars, the domain
            yield m.start(), m.end(), [(local.start + 1, local.stop, MASK * 3)]
    for pattern in (_ID18, _ID15) if numbers else ():
        for m in pattern.finditer(p):
            digits = _digits(p, m.start(1), m.end(1))
            if looks_like_id_number("".join(p[i] for i in digits)):
                birth = digits[6:14] if len(digits) == 18 else digits[6:12]
                yield m.start(1), m.end(1), _each(digits if whole else birth)
    for m in _CARD.finditer(p) if numbers else ():
        digits = _digits(p, m.start(1), m.end(1))
        number = "".join(p[i] for i in digits)
        cue = bool(_CARD_CUE.search(p[max(0, m.start() - 8):m.start()]))
        if luhn(number) and (number[0] in "3456" or cue):
            yield m.start(1), m.end(1), _each(digits if whole else digits[4:-4])
    for m in _IM.finditer(p) if _SIGN_IM.search(p) else ():
        value = range(m.start(1), m.end(1))
        chars = [i for i in value if not p[i].isspace()]
        if _QQ_CUE.match(m.group(0)) and not p[chars[0]].isdigit():
            continue  # a QQ number is digits
        yield m.start(1), m.end(1), _each(chars if whole else chars[1:])
    for m in _MOBILE.finditer(p) if numbers else ():
        if _UNIT_AFTER.match(p, m.end()):
            continue
        digits = _digits(p, m.start(1), m.end(1))
        yield m.start(), m.end(), _each(digits if whole else digits[3:7])
    for m in _LANDLINE.finditer(p) if numbers else ():
        if _UNIT_AFTER.match(p, m.end()):
            continue
        span = range(m.start(), m.end()) if whole else range(m.start(2), m.end(2))
        yield m.start(), m.end(), _each(i for i in span if p[i].isdigit())
