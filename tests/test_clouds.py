import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFont

import analysis.clouds as clouds
from analysis.clouds import FontNotFoundError, find_cjk_font, render_wordcloud


@pytest.fixture(scope="module")
def latin_font():
    """WordCloud's own font: no Chinese glyphs, so every Chinese character is the same box."""
    import wordcloud

    return Path(wordcloud.__file__).with_name("DroidSansMono.ttf")


def glyph(font_path, char):
    return np.asarray(ImageFont.truetype(str(font_path), 64).getmask(char))


def pixels(path):
    return np.asarray(Image.open(path).convert("L"))


def test_bundled_font_comes_from_zhplot():
    font = find_cjk_font()
    assert font.is_file() and "zhplot" in font.parts and font.name.startswith("NotoSansSC")


def test_cjk_font_has_distinct_glyphs(latin_font):
    # control: without Chinese glyphs two different characters come out identical (boxes)
    assert np.array_equal(glyph(latin_font, "专"), glyph(latin_font, "商"))
    a, b = glyph(find_cjk_font(), "专"), glyph(find_cjk_font(), "商")
    assert a.shape != b.shape or not np.array_equal(a, b)


def test_rendered_cloud_draws_chinese(tmp_path, latin_font):
    # One word per cloud, same layout seed: with box glyphs "专利" and "商标" give the same
    # picture, with real glyphs they cannot.
    boxes = [pixels(render_wordcloud({w: 1}, tmp_path / f"latin-{i}.png", font_path=latin_font))
             for i, w in enumerate(("专利", "商标"))]
    assert np.array_equal(*boxes)  # the test can tell boxes apart from glyphs
    drawn = [pixels(render_wordcloud({w: 1}, tmp_path / f"cjk-{i}.png")) for i, w in enumerate(("专利", "商标"))]
    assert not np.array_equal(*drawn)
    assert (drawn[0] < 128).mean() > 0.01  # and something dark was drawn on the white ground


def test_render_writes_png_of_requested_size(tmp_path):
    out = render_wordcloud({"知识产权": 10, "质押融资": 5, "专利导航": 3}, tmp_path / "sub" / "c.png",
                           width=400, height=300)
    assert out == tmp_path / "sub" / "c.png"
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (400, 300)


def test_render_rejects_nothing_to_draw(tmp_path):
    with pytest.raises(ValueError, match="没有可以画进词云的词"):
        render_wordcloud({"": 3, "专利": 0}, tmp_path / "c.png")


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="系统没有 fontconfig（fc-list）")
def test_falls_back_to_fontconfig(monkeypatch):
    monkeypatch.setattr(clouds, "_zhplot_font", lambda: None)
    font = find_cjk_font()
    assert "zhplot" not in font.parts
    a, b = glyph(font, "专"), glyph(font, "商")
    assert a.shape != b.shape or not np.array_equal(a, b)


def test_no_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(clouds, "_zhplot_font", lambda: None)
    monkeypatch.setattr(clouds, "_fontconfig_font", lambda: None)
    with pytest.raises(FontNotFoundError, match="找不到中文字体"):
        find_cjk_font()


def test_word_cloud_counts_leave_out_single_characters():
    from analysis.report import token_counts
    from analysis.tokenize import ChineseTokenizer

    counts = token_counts(["企业找不到专利评估机构，评估很难。"], ChineseTokenizer())
    assert counts["评估"] == 2
    assert all(len(word) >= 2 for word in counts)
