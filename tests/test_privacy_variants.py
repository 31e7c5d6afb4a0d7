"""Personal data however people write it (issue 21 item 3), in analysis.privacy, the one owner:
names given without a roster, traditional forms and parts of roster names, phones in Chinese
numerals and with separators, disguised e-mails, QQ/WeChat ids, bank cards, the organisation
field; and what must stay (places, organisations, products, amounts, numbers)."""
from __future__ import annotations

import pytest
from test_privacy import _flat

from analysis.clouds import drawable, render_wordcloud
from analysis.privacy import (
    Masker,
    NoMasking,
    contact_spans,
    has_contact_details,
    has_personal_data,
    mask_organisation,
    mask_text,
)

ROSTER = ["张丽丽", "买买提·艾力", "王伟（主任）", "宋庆军教授", "欧阳 娜娜"]

# (text, what must not survive in either form once separators are ignored, what readers see)
VARIANTS = [
    ("我是开小饭馆的，王小红。", "小红", "我是开小饭馆的，王**。"),
    ("我叫朱明远，是落户的硕士毕业生。", "明远", "我叫朱**，是落户的硕士毕业生。"),
    ("本人杨均，反映供暖问题。", "均", "本人杨*，反映供暖问题。"),
    ("鄙人王建华，退休教师。", "建华", "鄙人王**，退休教师。"),
    ("联系人：刘德福，有事请找他。", "德福", "联系人：刘**，有事请找他。"),
    ("王经理说审批太慢。", "王经理", "*经理说审批太慢。"),
    ("李局长很重视。", "李局长", "*局长很重视。"),
    ("张三教授提出建议。", "三", "张*教授提出建议。"),
    ("局长赵国强说明年出台。", "国强", "局长赵**说明年出台。"),
    ("热合曼·阿不都拉说贷款难。", "阿不都拉", None),
    ("以上意见请考虑，谢谢！唐国华", "国华", "以上意见请考虑，谢谢！唐**"),
    ("張麗麗也同意。", "麗麗", "張**也同意。"),
    ("宋慶軍提出設立基金。", "慶軍", "宋**提出設立基金。"),
    ("丽丽也来了。", "丽丽", "**也来了。"),
    ("买买提说贷款办不下来。", "买买提", "***说贷款办不下来。"),
    ("电话一三八一二三四五六七八。", "一二三四", "电话一三八****五六七八。"),
    ("电话幺三八幺二三四五六七八", "幺二三四", None),
    ("请拨打壹叁玖壹贰叁肆伍陆柒捌。", "壹贰叁肆", None),
    ("电话138—1234—5678。", "1234", "电话138—****—5678。"),
    ("维权中心电话138—1234—5678一直打不通。", "1234", "维权中心电话138—****—5678一直打不通。"),
    ("我是开小饭馆的，王小红。审批材料太多。", "小红", "我是开小饭馆的，王**。审批材料太多。"),
    ("请发 张三@例子.", "三", "请发 张***@例子."),
    ("手机 138  1234  5678", "1234", None),
    ("手机138_1234_5678", "1234", None),
    ("邮箱zhangsan[at]example.com", "hangsan", "邮箱z***[at]example.com"),
    ("请发到 wangli(at)163.com", "angli", None),
    ("邮箱：liming＠qq.com", "iming", None),
    ("联系邮箱 chenjie at gmail dot com", "henjie", None),
    ("邮箱zhaolei[at]sina[dot]com", "haolei", None),
    ("我的QQ：123456789", "23456789", "我的QQ：1********"),
    ("微信号：wangxiaohong88", "angxiaohong88", None),
    ("加我VX：liming-1990", "iming-1990", None),
    ("我的银行卡号6222021234567890128，补贴未到。", "02123456789", "我的银行卡号6222***********0128，补贴未到。"),
    ("卡号：6222 0212 3456 7890 128", "0212 3456", None),
    ("信用卡号5555-5555-5555-4444被盗刷。", "5555-5555-5555", None),
]

LOOK_ALIKES = [
    "王府井的店铺租金太高。", "张家港市的经验值得学习。", "张江高科的企业很多。", "李家村的路一直没修。",
    "高新区管委会主任亲自协调。", "各位局长都很重视。", "泰安市长期以来重视知识产权。", "中国·泰安知识产权论坛。",
    "我是万科魅力之城小区的业主。", "我是企业代表。", "我是来反映问题的。", "王老吉凉茶卖得很好。",
    "投资一百三十八万元。", "营业额13812345678元。", "一五一十地说清楚。", "一二三四季度都在增长。",
    "专利号ZL202310123456.7", "订单号202311151234567890", "商品条码6901234567892", "发票代码037001900111",
    "微信公众号不能办理业务。", "QQ群里通知得太晚。", "网址是www.taian.gov.cn", "关注at一下最新政策。",
    "王某某说得对。", "老王和小李都参加了。", "请尽快处理，谢谢。高新区", "希望早日解决，谢谢！",
    "感谢快递师傅顶着大雨送货。", "公安局长亲自督办。", "儿子高兴得很。",
]


@pytest.mark.parametrize("text, secret, shown", VARIANTS)
def test_variants_masked_in_both_forms(text, secret, shown):
    mask = Masker.for_people(ROSTER)
    assert _flat(secret) not in _flat(mask(text)), mask(text)
    assert _flat(secret) not in _flat(mask(text, whole=True)), mask(text, whole=True)
    if shown is not None:
        assert mask(text) == shown
    assert has_personal_data(text, mask.names)
    assert NoMasking()(text) == text


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_stay(text):
    assert Masker.for_people(ROSTER)(text) == text
    assert mask_text(text, whole=True) == text


def test_whole_masks_every_character_of_a_name():
    assert mask_text("我是开小饭馆的，王小红。", whole=True) == "我是开小饭馆的，***。"
    assert mask_text("王经理说", whole=True) == "*经理说"
    assert Masker.for_people(ROSTER)("张丽丽和丽丽", whole=True) == "***和**"


def test_a_name_found_once_is_masked_everywhere_in_the_text():
    assert mask_text("我叫苏波，男，35岁。有事找苏波。") == "我叫苏*，男，35岁。有事找苏*。"


def test_names_listed_after_a_label():
    masked = mask_text("举报人：余中华、王才茂、李杰")
    assert "中华" not in masked and "才茂" not in masked and "杰" not in masked


@pytest.mark.parametrize("field, shown", [
    ("王红", "王*"), ("王红（个人）", "王*（个人）"), ("张丽丽（个人）", "张**（个人）"),
    ("王小红 13812345678", "王** 138****5678"), ("泰安某公司 联系人王红 13912345678", "泰安某公司 联系人王* 139****5678"),
    ("泰山学院", "泰山学院"), ("山东科技大学", "山东科技大学"), ("王府井", "王府井"), ("个人", "个人"), ("", ""),
])
def test_organisation_field(field, shown):
    mask = Masker.for_people(ROSTER)
    assert mask.organisation(field) == shown
    assert mask_organisation(field, mask.names) == shown
    assert NoMasking().organisation(field) == field


def test_contacts_without_names_for_the_report_check():
    assert has_contact_details("QQ：123456789") and has_contact_details("邮箱zhangsan[at]example.com")
    assert has_contact_details("电话一三八一二三四五六七八") and has_contact_details("卡号6222021234567890128")
    assert not has_contact_details("王局长说审批太慢") and has_personal_data("王局长说审批太慢")
    assert contact_spans("电话138 1234 5678，邮箱a@b.cn") == [(2, 15), (18, 24)]


def test_clouds_never_draw_a_roster_name_or_a_part(tmp_path):
    counts = {"张丽丽": 5, "丽丽": 4, "張麗麗": 3, "买买提": 3, "艾力": 2, "娜娜": 2, "庆军": 1, "***": 9,
              "王经理": 2, "13812345678": 1, "专利": 6, "质押融资": 2}
    assert drawable(counts, ROSTER) == {"专利": 6.0, "质押融资": 2.0}
    only_names = {"张丽丽": 3, "丽丽": 2}
    path = render_wordcloud(only_names, tmp_path / "names.png", names=ROSTER)
    assert path.is_file()  # an empty picture, never a name
    from PIL import Image

    assert Image.open(path).convert("L").getextrema() == (255, 255)


def test_masking_is_cached_and_cheap_for_text_without_anything():
    text = "高校与企业之间缺乏有效的专利技术信息沟通，成果转化渠道不畅。"
    assert mask_text(text) == text and mask_text(text, whole=True) == text
