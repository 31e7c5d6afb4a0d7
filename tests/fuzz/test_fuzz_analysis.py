"""The plan loader and the text pipeline under arbitrary input.

parse_plan: any text, and the seed plan with values replaced by other types or hostile text,
gives a Plan or a PlanError whose message is `file: field: reason`, never another exception.
to_statements / analyze (TF-IDF, to stay fast): never an exception on any list of values;
every statement points at a row that exists.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz_strategies import any_text, examples, texts

from analysis import PlanError, parse_plan, to_statements

SEED_PLAN = Path(__file__).resolve().parents[2] / "corpus" / "plans" / "taian-ip-14th-fyp.toml"
SOURCE = "plans/fuzz.toml"
MESSAGE = re.compile(rf"^{re.escape(SOURCE)}: [^:]+: .+", re.DOTALL)


def toml_string(value: str) -> str:
    # Every non-ASCII or special character as an escape, so any Unicode scalar can be written.
    out = []
    for c in value:
        if " " <= c <= "~" and c not in '"\\':
            out.append(c)
        else:
            out.append(f"\\U{ord(c):08X}")
    return '"' + "".join(out) + '"'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if not isinstance(value, float) or math.isfinite(value) else "nan"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict) -> str:
    return "\n".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in data.items()) + "\n"


SEED = tomllib.loads(SEED_PLAN.read_text(encoding="utf-8"))
VALUES = st.recursive(
    st.one_of(any_text(20, 300), st.integers(), st.floats(allow_nan=False), st.booleans(),
              st.dates(), st.sampled_from(["other", "a-b", "2022-13", "2022-05", "", " "])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts(6), inner, max_size=3),
    max_leaves=5)


@st.composite
def mutated_plans(draw) -> dict:
    """The seed plan with a few values replaced, removed or duplicated."""
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in SEED.items()}
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(sorted(data) + ["extra"]))
        target = data
        value = data.get(key)
        if isinstance(value, list) and value and draw(st.booleans()):
            i = draw(st.integers(0, len(value) - 1))
            if not isinstance(value[i], dict):
                continue
            value[i] = target = dict(value[i])
            key = draw(st.sampled_from(sorted(target) + ["id", "name", "keywords"]))
        action = draw(st.sampled_from(["replace", "replace", "delete", "copy"]))
        if action == "delete":
            target.pop(key, None)
        elif action == "copy" and isinstance(data.get("categories"), list) and data["categories"]:
            data["categories"] = data["categories"] + [data["categories"][0]]
        else:
            target[key] = draw(VALUES)
    return data


def assert_plan_or_plan_error(text: str) -> None:
    try:
        plan = parse_plan(text, source=SOURCE)
    except PlanError as exc:
        assert MESSAGE.match(str(exc)), str(exc)
        assert "Traceback" not in str(exc)
    else:
        assert plan.id and plan.title and plan.goals and plan.categories


@examples(1.0)
@given(text=any_text(200, 2000))
def test_parse_plan_any_text(text):
    assert_plan_or_plan_error(text)


@examples(1.5)
@given(data=mutated_plans())
def test_parse_plan_mutated_seed(data):
    assert_plan_or_plan_error(toml_document(data))


def test_the_toml_writer_round_trips_the_seed_plan():
    assert parse_plan(toml_document(SEED), source=SOURCE) == parse_plan(SEED_PLAN.read_text(encoding="utf-8"))


ROW_VALUES = st.one_of(any_text(80, 400), st.none(), st.integers(), st.floats(), st.booleans(),
                       st.sampled_from(["无", "无。", "没有", "N/A", "一是人才不足；二是资金短缺。", "（一）专利转化难"]))


@examples(1.0)
@given(rows=st.lists(ROW_VALUES, max_size=20), split=st.booleans())
def test_to_statements_any_rows(rows, split):
    statements = to_statements(rows, split=split)
    assert all(0 <= s.row < len(rows) and s.text and s.text.strip() for s in statements)
    assert [s.row for s in statements] == sorted(s.row for s in statements)


@pytest.fixture(scope="module")
def seed_plan():
    from analysis import load_plan

    return load_plan(SEED_PLAN)


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_analyze_any_rows(seed_plan):
    from analysis import analyze

    category_ids = {c.id for c in seed_plan.categories} | {"other"}

    @examples(0.25)
    @given(rows=st.lists(ROW_VALUES, max_size=25),
           groups=st.one_of(st.none(), st.just("same")), split=st.booleans())
    def check(rows, groups, split):
        group_list = None if groups is None else [g for g, _ in zip(["企业", None, "高校/科研院所", ""] * 7, rows)]
        result = analyze(rows, seed_plan, split=split, groups=group_list, representation="tfidf",
                         cache_dir=False)
        for s in result["statements"]:
            assert 0 <= s["row"] < len(rows)
            # Praise and "nothing to say" count in no category (None), everything else in one.
            assert s["category"] in category_ids if s["kind"] in ("problem", "suggestion") else s["category"] is None
            assert 0.0 <= s["confidence"] <= 1.0 or math.isnan(s["confidence"])
        assert sum(c["count"] for c in result["categories"]) == sum(s["category"] is not None
                                                                    for s in result["statements"])

    check()
