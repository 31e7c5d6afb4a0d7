"""analysis.privacy, the one owner of masking: every way people write a number or a name is
masked, and numbers that only look like personal data are kept (issue 17 item 4)."""
import pytest

from analysis.privacy import Masker, has_personal_data, looks_like_id_number, mask_text, roster_names
from survey.reports import privacy as report_privacy

ROSTER = ["买买提·艾力", "王伟（主任）", "李四 局长", "宋庆军教授", "张丽丽", "欧阳 娜娜", "阿依古丽•吐尔逊"]
_PLAIN = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {ord(c): None for c in " -.\u3000·•"}


def _flat(text: str) -> str:
    return text.translate(_PLAIN)


# (text, what must not survive, once separators are ignored)
MASKED = [
    ("请打13812345678联系", "1234"),
    ("电话 138-1234-5678。", "1234"),
    ("电话 138 1234 5678", "1234"),
    ("电话1381 234 5678", "1234"),
    ("电话138.1234.5678", "1234"),
    ("手机 1 3 8 1 2 3 4 5 6 7 8 谢谢", "1234"),
    ("手机１３８１２３４５６７８", "1234"),
    ("手机１３８\u3000１２３４\u3000５６７８", "1234"),
    ("手机 138\u30001234\u30005678", "1234"),
    ("+86 13912345678", "1234"),
    ("+8613912345678", "1234"),
    ("+86-139-1234-5678", "1234"),
    ("0086 139 1234 5678", "1234"),
    ("８６ １３９１２３４５６７８", "1234"),
    ("联系方式：15012345678。", "1234"),
    ("电话:19912345678,邮箱无", "1234"),
    ("座机0538-8221234", "822"),
    ("座机（0538）82212345", "8221"),
    ("座机(0538)8221234", "822"),
    ("010 62751234", "6275"),
    ("办公室电话0538 8221234", "822"),
    ("身份证11010519491231002X", "19491231"),
    ("身份证号 110105194912310021 已登记", "19491231"),
    ("身份证370902199001011234", "19900101"),
    ("身份证370902 19900101 1234", "19900101"),
    ("身份证370902-19900101-1234", "19900101"),
    ("身份证3709 0219 9001 0112 34", "19900101"),
    ("身份证３７０９０２１９９００１０１１２３Ｘ", "19900101"),
    ("身份证 37090219900101123x 丢失", "19900101"),
    ("老身份证370902900101123", "900101"),
    ("老身份证370902 900101 123", "900101"),
    ("邮箱 zhang.san@example.com 联系", "hang.san"),
    ("邮箱wangli@example.com", "angli"),
    ("邮箱 WangLi_88@mail.taian.gov.cn", "angLi_88"),
    ("邮箱ｗａｎｇ@example.com", "ａｎｇ"),
    ("请发 张三@例子.中国 谢谢", "三"),
    ("会上宋庆军提出", "庆军"),
    ("宋庆军教授发言", "庆军"),
    ("张丽丽也同意", "丽丽"),
    ("买买提·艾力说", "艾力"),
    ("买买提•艾力说", "艾力"),
    ("买买提艾力说", "艾力"),
    ("买买提 · 艾力说", "艾力"),
    ("王伟主任说", "伟"),
    ("王伟（主任）说", "伟"),
    ("李四局长说", "四"),
    ("欧阳娜娜提到", "娜娜"),
    ("阿依古丽·吐尔逊提到", "吐尔逊"),
]

LOOK_ALIKES = [
    "合同金额1,380,000元。",
    "投资1380000元",
    "会议于2023-11-15召开",
    "会议于20231115召开",
    "2023.11.15 下午",
    "专利号ZL202310123456.7",
    "专利号 ZL 2023 1 0123456.7",
    "公开号CN115000000A",
    "泰政办字〔2022〕22号",
    "鲁政发〔2021〕13号文件",
    "增长77%",
    "占比12.5%",
    "2023年",
    "2021年至2025年",
    "有效发明专利4398件",
    "质押金额10.06亿元",
    "第13条产业链",
    "统一社会信用代码91370900MA3C123456",
    "订单号202311151234567890",
    "局长们都来了，主任也在",
    "教授和老师们",
    "王某某说得对",
    "版本v2.0",
    "1.5亿元",
]


@pytest.mark.parametrize("text, secret", MASKED)
def test_masked(text, secret):
    mask = Masker.for_people(ROSTER)
    shown = mask(text)
    assert shown != text and "*" in shown
    assert secret not in _flat(shown)
    assert secret not in _flat(mask(text, whole=True))


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_left_alone(text):
    assert Masker.for_people(ROSTER)(text) == text
    assert not has_personal_data(text, roster_names(ROSTER))


def test_roster_names_with_titles_and_dots():
    assert roster_names(["王伟（主任）", "李四 局长", "买买提·艾力", "欧阳 娜娜", "Li Wei"]) == [
        "买买提·艾力", "欧阳娜娜", "李四", "王伟"]


def test_title_is_not_masked():
    mask = Masker.for_people(["李四 局长"])
    assert mask("李四局长说，各位局长要重视") == "李*局长说，各位局长要重视"


def test_whole_leaves_no_fragment():
    text = "联系人电话13812345678，邮箱wangli@example.com"
    whole = mask_text(text, whole=True)
    assert not any(part in whole for part in ("138", "5678", "wangli", "example", "com"))


def test_id_shape_and_birth_date():
    assert looks_like_id_number("370902199001011234")
    assert looks_like_id_number("370902900101123")
    assert not looks_like_id_number("370902199013011234")  # month 13
    assert not looks_like_id_number("202311151234567890")  # no such birth date


def test_reports_use_the_same_owner():
    assert report_privacy.mask_text is mask_text
    assert report_privacy.Masker is Masker
