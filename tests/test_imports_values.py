"""Cells and headers as platforms write them → what the phone form posts and which field."""
from __future__ import annotations

import pytest

from survey.imports import platforms
from survey.imports.values import ValueProblem, column_scale, organisation_type, parse_scale_text, rating
from survey.roster import match_org_type


@pytest.mark.parametrize("cell,expected", [
    ("5", "5"), ("5.0", "5"), ("4分", "4"), ("5 很好", "5"), ("5（非常满意）", "5"), ("很好", "5"), ("较差", "2"),
    ("非常满意", "5"), ("满意", "4"), ("一般", "3"), ("不满意", "2"), ("非常不满意", "1"), ("★★★", "3"),
    ("不了解", "na"), ("", "na"), ("(跳过)", "na"), ("-3", "na"), ("-2", "na"),
])
def test_ratings(cell, expected):
    assert rating(cell) == expected


def test_numbered_download_six_is_unknown_only_there():
    assert rating("6", numbered=True) == "na"
    with pytest.raises(ValueProblem, match="“6”不是评分"):
        rating("6")
    for cell in ("很棒", "0", "4很好", "3┋4"):
        with pytest.raises(ValueProblem):
            rating(cell)


@pytest.mark.parametrize("written,kind", [
    ("高校/科研院所", "高校/科研院所"), ("高校／科研院所", "高校/科研院所"), ("大学", "高校/科研院所"),
    ("科研院所", "高校/科研院所"), ("民营企业", "企业"), ("有限公司", "企业"), ("知识产权代理机构", "服务机构"),
    ("律师事务所", "服务机构"), ("政府", "政府部门"), ("市直部门", "政府部门"), ("行业协会", "其他"), ("其它", "其他"),
])
def test_organisation_type_synonyms(written, kind):
    assert match_org_type(written) == kind


def test_organisation_type_cells():
    roster = {"山东科技大学": "高校/科研院所"}
    assert organisation_type("其他〖行业协会〗", "x", roster) == "其他"
    assert organisation_type("2", "x", roster, numbered=True) == "企业"
    assert organisation_type("5〖行业协会〗", "x", roster, numbered=True) == "其他"
    assert organisation_type("", "山东科技大学", roster) == "高校/科研院所"
    assert organisation_type("(跳过)", "山东科技大学", roster) == "高校/科研院所"
    for cell, org in (("", "不在名单"), ("企业┋政府部门", "x")):
        with pytest.raises(ValueProblem):
            organisation_type(cell, org, roster)


def test_types_outside_the_list_map_by_alias_or_to_other_never_refused():
    assert organisation_type("事业单位", "x", {}) == "政府部门"  # an alias
    assert organisation_type("外星机构联合体", "x", {}) == "服务机构"  # a word inside
    assert organisation_type("火星来客", "x", {}) == "其他"
    assert organisation_type("7", "x", {}, numbered=True) == "其他"  # beyond the session's options
    assert organisation_type("", "不在名单", {}, missing="") == ""  # anonymous session
    assert organisation_type("", "不在名单", {}, missing="其他") == "其他"  # staff chose to import


def test_plan_types_with_aliases_and_anonymous_public_type():
    from analysis.plan import parse_plan
    plan = parse_plan(PLAN_WITH_TYPES)
    types = plan.types_for(anonymous=False)
    assert [t.name for t in types] == ["企业", "个体工商户", "社会组织", "其他"]
    assert [t.name for t in plan.types_for(anonymous=True)] == ["企业", "个体工商户", "社会组织", "个人/群众", "其他"]
    assert organisation_type("民营企业", "x", {}, types=types) == "企业"
    assert organisation_type("个体户", "x", {}, types=types) == "个体工商户"
    assert organisation_type("2", "x", {}, types=types, numbered=True) == "个体工商户"
    assert organisation_type("高校", "x", {}, types=types) == "其他"  # not a type of this plan
    assert match_org_type("市民", plan.types_for(anonymous=True)) == "个人/群众"


PLAN_WITH_TYPES = """
id = "p"
title = "某市优化营商环境行动方案"
[[goals]]
id = "g"
name = "政务服务"
[[categories]]
id = "c"
name = "办事难"
description = "办事难"
keywords = ["办事"]
[[respondent_types]]
name = "企业"
aliases = ["民营企业", "国有企业"]
[[respondent_types]]
name = "个体工商户"
aliases = ["个体户"]
[[respondent_types]]
name = "社会组织"
aliases = ["行业协会", "商会"]
"""


@pytest.mark.parametrize("cell,expected", [
    ("很满意", "5"), ("满意", "4"), ("比较满意", "4"), ("一般", "3"), ("不太满意", "2"), ("不满意", "2"),
    ("很不满意", "1"), ("非常同意", "5"), ("同意", "4"), ("不同意", "2"), ("非常不同意", "1"), ("很好", "5"),
    ("很差", "1"), ("★★★★☆", "4"), ("★☆☆☆☆", "1"), ("4星", "4"), ("不清楚", "na"), ("无法评价", "na"),
])
def test_common_scales(cell, expected):
    assert rating(cell) == expected


def test_a_ten_point_column_folds_onto_five_and_staff_override_wins():
    cells = ["10", "9", "7", "6", "3", "1", "", "不了解"]
    scale = column_scale(cells)
    assert scale == {"10": "5", "9": "5", "7": "4", "6": "3", "3": "2", "1": "1", "不了解": "na"}
    assert rating("6", scale=scale) == "3"
    # 按序号 of a questionnaire whose options run from best to worst: staff reverse them.
    scale = column_scale(["1", "2", "5", "6"], numbered=True, overrides=parse_scale_text("1:5,2:4,4:2,5:1"))
    assert [rating(c, numbered=True, scale=scale) for c in ("1", "2", "5", "6")] == ["5", "4", "1", "na"]
    with pytest.raises(ValueProblem, match="不是评分"):
        rating("差不多", scale=column_scale(["差不多"]))
    with pytest.raises(ValueProblem, match="值:分"):
        parse_scale_text("很满意=五")


@pytest.mark.parametrize("header,title", [
    ("1、您的单位名称：", "您的单位名称"), ("3(知识产权创造)", "知识产权创造"), ("3、(知识产权创造)", "知识产权创造"),
    ("第3题(知识产权创造)", "知识产权创造"), ("3（知识产权创造）", "知识产权创造"), ("Q2:单位性质", "单位性质"),
    ("2.单位类型【单选题】", "单位类型"), ("单位名称*", "单位名称"), ("意见建议", "意见建议"),
])
def test_question_titles(header, title):
    assert platforms.question_title(header) == title


def test_choice_cells_as_text():
    assert platforms.as_text("微信┋网站") == "微信\n网站"
    assert platforms.as_text("融资难┋其他〖缺少专业人才〗") == "融资难\n其他：缺少专业人才"
    assert platforms.as_text("(跳过)") == "" and platforms.as_text("-3") == ""
    assert platforms.as_text("一是……；二是……") == "一是……；二是……"
