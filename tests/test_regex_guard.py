"""The first-character look-ahead (analysis/_regex_guard.py) changes no match of the kind rules."""
import csv
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.shared_data import shared_data

import analysis._kinds_cues as cues
import analysis._kinds_evidence as evidence
from analysis._regex_guard import first_chars, guarded

# (?=[…])(?:pattern), or past a ^-anchored branch (?:^|(?=[…]))(?:pattern)
GUARD = re.compile(r"^(?:\(\?=\[(?:\\.|[^\]\\])*\]\)|\(\?:\^\|\(\?=\[(?:\\.|[^\]\\])*\]\)\))\(\?:(.*)\)$", re.S)


def unguarded(pattern: re.Pattern) -> re.Pattern:
    m = GUARD.match(pattern.pattern)
    return re.compile(m.group(1), pattern.flags) if m else pattern


GUARDED = [(f"{m.__name__}.{name}", p) for m in (evidence, cues) for name, p in vars(m).items()
           if isinstance(p, re.Pattern) and GUARD.match(p.pattern)]


def same(a: re.Pattern, b: re.Pattern, text: str) -> bool:
    return ([m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
            and a.sub("|", text) == b.sub("|", text))


def test_the_heavy_kind_patterns_are_guarded():
    names = {n.split(".")[-1] for n, _ in GUARDED}
    assert {"PRAISE_EVIDENCE", "COMPLAINT", "COMPLAINT_AFTER", "PROPOSAL_VERBS", "_PRAISE"} <= names


@pytest.mark.parametrize("pattern, chars", [("好评|很好", {"好", "很"}), ("(?:非常)?满意", {"非", "满"}),
                                            ("(?<!不)满意|^[ab]x", {"满", "a", "b"}), ("a*b", {"a", "b"})])
def test_first_characters(pattern, chars):
    assert first_chars(re.compile(pattern)) == chars


@pytest.mark.parametrize("pattern", ["a?", "[^，]好", ".好", r"\d+元", "[一-龥]+", "(?i)abc", "(?:ab)?"])
def test_left_alone_where_the_first_characters_are_not_a_small_known_set(pattern):
    p = re.compile(pattern)
    assert guarded(p) is p


def test_same_matches_on_real_statements():
    texts = []
    with open(shared_data("citizen_messages_dev.csv"), encoding="utf-8-sig") as f:
        texts += [r["text"] for r in csv.DictReader(f)]
    with open(shared_data("online_shopping_reviews.csv"), encoding="utf-8-sig") as f:
        texts += [r["text"] for _, r in zip(range(3000), csv.DictReader(f))]
    for name, p in GUARDED:
        plain = unguarded(p)
        assert plain.pattern != p.pattern
        assert all(same(p, plain, t) for t in texts), name


ALPHABET = sorted({c for _, p in GUARDED for c in first_chars(unguarded(p)) or ()} | set("，。！？了不没很的")
                  | set("您好谢尊敬领导书记：\n"))  # COURTESY's, whose ^-anchored branch has no first characters


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_same_matches_on_any_text_of_their_characters(text):
    for name, p in GUARDED:
        assert same(p, unguarded(p), text), name


def test_whitespace_is_a_known_set_of_first_characters():
    # \s holds what `str.isspace` takes (`re` tests the same): REQUEST's (?:^|[，,…\s])请 could not be guarded before
    assert first_chars(re.compile(r"(?:^|[，\s])请|希望")) == {"请", "希", "，"} | {c for c in map(chr, range(0x110000))
                                                                          if c.isspace()}
    assert "REQUEST" in {n.split(".")[-1] for n, _ in GUARDED}
    assert guarded(re.compile(r"\S好")).pattern == r"\S好"


def test_an_alternation_with_a_branch_anchored_at_the_start_is_guarded_past_the_start():
    # COURTESY's "^[^，]{0,6}(?:书记|市长…)：" can start with any character, but only at the start of the text
    p = re.compile(r"(?:尊敬|亲爱)的领导|^[^，]{0,6}(?:书记|市长)：|谢谢")
    g = guarded(p)
    assert g.pattern.startswith("(?:^|(?=[") and unguarded(g).pattern == p.pattern
    for text in ["王书记：谢谢", "x王书记：", "，书记：", "尊敬的领导：谢谢", "谢谢 书记：", "", "好"]:
        assert same(g, p, text), text
    assert "COURTESY" in {n.split(".")[-1] for n, _ in GUARDED}
    assert guarded(re.compile(r"^[^，]好|a*")).pattern == r"^[^，]好|a*"  # another branch may match nothing
