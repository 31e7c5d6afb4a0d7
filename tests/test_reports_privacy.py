"""Masking personal information in free text (survey/reports/privacy.py)."""
import pytest

from survey.reports.privacy import Masker, mask_text, roster_names, valid_id_number


@pytest.mark.parametrize("text, expected", [
    ("请打13812345678联系", "请打138****5678联系"),
    ("电话 138-1234-5678。", "电话 138-****-5678。"),
    ("+86 13912345678", "+86 139****5678"),
    ("手机１３８１２３４５６７８", "手机１３８****５６７８"),  # full-width digits from a Chinese keyboard
    ("座机0538-8221234", "座机0538-***1234"),
    ("座机（0538）82212345", "座机（0538）****2345"),
    ("010 62751234", "010 ****1234"),
    ("邮箱 zhang.san@example.com 联系", "邮箱 z***@example.com 联系"),
    ("身份证11010519491231002X", "身份证110105********002X"),
    # a wrong check digit is still someone's ID (a typo): shape and birth date decide (issue 17)
    ("身份证号 110105194912310021 已登记", "身份证号 110105********0021 已登记"),
])
def test_patterns(text, expected):
    assert mask_text(text) == expected


def test_numbers_that_are_not_personal_stay():
    text = "截至2023年6月底，有效发明专利4398件，增长77%，质押金额10.06亿元，专利号ZL202310123456.7。"
    assert mask_text(text) == text


def test_valid_id_number():
    assert valid_id_number("11010519491231002X")
    assert valid_id_number("11010519491231002x")
    assert not valid_id_number("110105194912310021")
    assert not valid_id_number("1101051949123100")


def test_roster_names_drop_titles():
    assert roster_names(["宋庆军教授", "张丽丽", "", "Li Wei", "王主任、赵六"]) == ["宋庆军", "张丽丽", "赵六"]


def test_name_inside_a_sentence():
    mask = Masker.for_people(["宋庆军教授", "张丽丽"])
    assert mask("会上宋庆军提出，张丽丽也同意这个看法。") == "会上宋**提出，张**也同意这个看法。"
    assert mask("会上宋庆军教授提出") == "会上宋**教授提出"


def test_none_and_empty():
    assert mask_text(None) == ""
    assert Masker()("") == ""
