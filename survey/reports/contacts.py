"""Contact details in what participants wrote: a document that leaves the office carries none.

privacy.py masks phone numbers, ID numbers and e-mail addresses (138****5678); the report goes
further: a statement with contact details is never quoted, and where the annex lists it, the
details are cut out, masked or not. A statement that is little more than contact details
("有问题请联系王老师，电话……") is left out altogether.
"""
from __future__ import annotations

import re

from analysis.privacy import personal_data_spans

from .privacy import NoMasking, mask_text

# Words that introduce contact details, cut with them ("电话：", "联系方式是").
_LEAD_IN = re.compile(r"(?:我的|本人)?(?:联系)?(?:电话|手机号?码?|座机|邮箱|电子邮箱|e-?mail|微信号?|QQ|联系方式)\s*(?:号码)?\s*[:：是为]?\s*$",
                      re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def has_contact(text: str | None) -> bool:
    """True when the text holds a phone number, an e-mail address or an ID number."""
    return bool(text) and mask_text(text) != text


def strip_contacts(text: str) -> str | None:
    """The text without its contact details (and the words that introduce them); None when
    what is left says little more than "contact me"."""
    out, end = [], 0
    for start, stop in personal_data_spans(text):
        if start < end:
            continue
        out.append(_LEAD_IN.sub("", text[end:start]))
        end = stop
    out.append(text[end:])
    rest = "".join(out)
    rest = re.sub(r"[，,、；;：:\s]+(?=[。！？!?，,；;]|$)", "", rest)  # punctuation left dangling
    rest = re.sub(r"([，,、；;])[，,、；;]+", r"\1", rest).strip(" ，,、；;：:")
    chars = len(_CJK.findall(rest))
    if chars < 6 or ("联系" in rest and chars < 20):
        return None
    return rest


def outside_text(text: str, mask) -> str | None:
    """What a document that leaves the office may say of this statement (masked), or None.
    Unmasked (staff asked for the original text, inside the office) it is the text as written."""
    if not has_contact(text) or isinstance(mask, NoMasking):
        return mask(text)
    rest = strip_contacts(text)
    return mask(rest) if rest else None
