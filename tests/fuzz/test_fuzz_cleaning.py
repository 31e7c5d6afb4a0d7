"""`clean_text` on arbitrary Unicode: what it returns is always storable on PostgreSQL and
writable into the XML of the Word report and the Excel export (lxml, openpyxl), and it removes
nothing else (issue 17: one U+FFFF in an answer broke both for the whole session)."""
from __future__ import annotations

import io
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree
from openpyxl import Workbook
from support.fuzz_strategies import examples

from survey.cleaning import clean_text

ANY = st.text(alphabet=st.characters(codec=None), max_size=80)


def _removed(ch: str) -> bool:
    code = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r") \
        or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


@examples(1.0)
@given(ANY)
@example("专利转化难\uffff")
@example("\ufffe\ufdd0\U0010ffff\x85\x00建议")
def test_clean_text_output_is_valid_xml_text_and_keeps_everything_else(value):
    cleaned = clean_text(value)
    assert cleaned == "".join(ch for ch in value if not _removed(ch))
    element = etree.Element("t")
    element.text = cleaned  # lxml refuses NUL, C0 controls, U+FFFE/U+FFFF and surrogates
    cleaned.encode("utf-8")  # PostgreSQL: valid UTF-8, no NUL
    assert "\x00" not in cleaned
    book = Workbook()
    book.active["A1"] = cleaned
    book.save(io.BytesIO())
