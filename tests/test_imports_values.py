"""Cells and headers as platforms write them → what the phone form posts and which field."""
from __future__ import annotations

import pytest

from survey.imports import platforms
from survey.imports.values import ValueProblem, organisation_type, rating
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
    for cell, org in (("事业单位", "x"), ("", "不在名单"), ("企业┋政府部门", "x")):
        with pytest.raises(ValueProblem):
            organisation_type(cell, org, roster)
    with pytest.raises(ValueProblem, match="超出范围"):
        organisation_type("7", "x", roster, numbered=True)


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
