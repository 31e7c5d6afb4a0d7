import pytest

from analysis.text import MAX_STATEMENT_CHARS, Statement, normalize, split_statements, to_statements


@pytest.mark.parametrize("raw, expected", [
    ("\ufeff知识产权\ufeff保护", "知识产权保护"),  # leading and mid-string BOM
    ("专利\u200b导航\u200d", "专利导航"),  # zero-width characters
    ("ＩＰ保护，Ｖ２．０", "IP保护，V2.0"),  # full-width letters/digits → half, Chinese comma kept
    ("质押金额１０．０６亿元！", "质押金额10.06亿元！"),
    ("好评\x07\x00", "好评"),  # control characters
    ("  很好\t\t 很好 \u3000 ", "很好 很好"),  # whitespace, ideographic space
    ("第一段\r\n\r\n  第二段", "第一段\n第二段"),
    ("服务很好👍👍下次再来😀", "服务很好 下次再来"),  # emoji become a space, not glue
    ("①专利", "①专利"),  # enumeration circles are not emoji
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_split_at_sentence_ends_and_newlines():
    text = "企业对知识产权不够重视。代理机构规模小！为什么没有平台？\n希望多组织培训;高校成果转化难"
    assert split_statements(text) == [
        "企业对知识产权不够重视。", "代理机构规模小！", "为什么没有平台？", "希望多组织培训", "高校成果转化难",
    ]


def test_split_at_enumeration_markers_and_drop_them():
    text = "主要问题：一是企业意识不强，二是服务机构规模小；三是高校与企业之间缺乏沟通。"
    # the lead-in stays with the first item it introduces
    assert split_statements(text) == ["主要问题：企业意识不强", "服务机构规模小", "高校与企业之间缺乏沟通。"]


@pytest.mark.parametrize("text", [
    "1.加强专利培育。2、完善融资政策 3）多开展培训",
    "(1)加强专利培育（2）完善融资政策（3）多开展培训",
    "（一）加强专利培育（二）完善融资政策（三）多开展培训",
    "①加强专利培育②完善融资政策③多开展培训",
    "首先，加强专利培育。其次，完善融资政策。最后，多开展培训",
    "第一，加强专利培育；第二，完善融资政策；第三，多开展培训",
])
def test_enumeration_styles(text):
    got = [s.rstrip("。") for s in split_statements(text)]
    assert got == ["加强专利培育", "完善融资政策", "多开展培训"]


@pytest.mark.parametrize("text", [
    "质押金额10.06亿元，同比增长30.90%。",
    "全市每万人口高价值发明专利2.67件，比去年多1.22件。",
    "请升级到V2.0版本，见www.gov.cn网站。",
])
def test_never_split_inside_numbers_or_dotted_words(text):
    assert split_statements(text) == [text]


def test_number_at_clause_start_is_not_a_marker():
    assert split_statements("资金到位了，1.5亿元用于专利转化") == ["资金到位了，1.5亿元用于专利转化"]


def test_words_that_look_like_markers_are_kept():
    assert split_statements("最后一公里的问题还没解决。第一批示范企业效果好") == [
        "最后一公里的问题还没解决。", "第一批示范企业效果好",
    ]


def test_short_fragments_merge_into_a_neighbour():
    assert split_statements("服务态度非常好。赞！") == ["服务态度非常好。赞！"]
    assert split_statements("好！服务态度非常好") == ["好！服务态度非常好"]
    assert split_statements("赞") == ["赞"]  # a short answer on its own stays


def test_punctuation_only_pieces_are_dropped():
    assert split_statements("。。。！！专利转化渠道不畅……？？") == ["专利转化渠道不畅……？？"]
    assert split_statements("！！！。。") == []


def test_long_rows_are_capped_at_commas():
    clause = "高校专利很多躺在抽屉里没人用"  # 14 characters
    text = "，".join([clause] * 100) + "。"
    parts = split_statements(text)
    assert len(parts) > 1
    assert all(len(p) <= MAX_STATEMENT_CHARS for p in parts)
    assert all(p.replace("，", "").replace("。", "").replace(clause, "") == "" for p in parts)  # no clause cut
    assert "".join(parts).count(clause) == 100


def test_comma_less_long_row_is_cut_hard():
    parts = split_statements("专" * 1200)
    assert [len(p) for p in parts] == [500, 500, 200]


def test_to_statements_keeps_rows_and_skips_empty():
    rows = ["一是融资难；二是评估难", None, float("nan"), "", "   ", "无", "暂无。", "专利导航有用"]
    assert to_statements(rows) == [
        Statement(0, "融资难"), Statement(0, "评估难"), Statement(7, "专利导航有用"),
    ]


def test_to_statements_without_splitting():
    rows = ["一是融资难；二是评估难", "\ufeff专利导航有用👍"]
    assert to_statements(rows, split=False) == [
        Statement(0, "一是融资难；二是评估难"), Statement(1, "专利导航有用"),
    ]


def test_duplicates_across_rows_kept_within_a_row_dropped():
    rows = ["代理机构太少。代理机构太少。", "代理机构太少。"]
    assert to_statements(rows) == [Statement(0, "代理机构太少。"), Statement(1, "代理机构太少。")]


def test_statement_is_frozen():
    s = Statement(0, "x")
    with pytest.raises(AttributeError):
        s.row = 1  # type: ignore[misc]


def test_the_break_look_ahead_changes_no_match():
    """`_BREAK` looks at a position's character before its alternation: it must find exactly what
    the pattern alone finds (a marker or sentence end whose first character the look-ahead lacked
    would be lost), on every branch and on random text made of the characters the branches use."""
    import random
    import re

    from analysis import text

    plain = re.compile(text._BREAK_PATTERN)
    alphabet = list("一二三四五六七八九十第首先其次再最后点条个方面是、，,：:.。！!？?；;…)）(（”’」 \n\t") + \
        ["1", "12", "١", "５", "①", "⑴", "⒈", "❶", "a", "停", "车", "v2.0", "10.06"]
    rng = random.Random(0)
    texts = ["一是停车难；二是收费高", "1. 停车 2、收费 3)排队", "第一，停车。第2点：收费", "（1）停车（二）收费",
             "首先，停车。其次收费，最后：排队", "①停车②收费", "版本v2.0很好...真的!!", "\n停车\n收费"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for t in texts:
        assert [(m.lastgroup, m.span()) for m in text._BREAK.finditer(t)] == \
            [(m.lastgroup, m.span()) for m in plain.finditer(t)], t


def test_whether_a_piece_stands_alone_is_its_weight():
    """`_stands_alone` (one match, stopped at the weight it needs) says what counting every CJK character
    and ASCII word says: an ASCII word is one however long, never cut into several to make up the weight."""
    import random

    from analysis import text

    alphabet = list("ab1Z 中文，,。.!?-_😀\n") + ["\u3400", "\u4dbf", "\u9fff", "\uf900", "\ufaff", "\u33ff", "\ua000", "v2.0"]
    rng = random.Random(0)
    pieces = ["", "abc", "ab c", "ab c d", "中 ab", "中文a", "好评！", "😀😀😀", "a.b.c", "12 34", "很好"]
    pieces += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    assert not text._stands_alone("abcdef") and text._stands_alone("ab c d") and text._stands_alone("真好评！") and not text._stands_alone("好评！")
    for p in pieces:
        assert text._stands_alone(p) == (text._weight(p) >= text.MIN_STATEMENT_WEIGHT), p
