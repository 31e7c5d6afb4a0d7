"""Word clouds of Chinese keywords.

WordCloud's bundled font has no Chinese glyphs and would draw every word as boxes, so a CJK
font is always passed: the Noto Sans SC file shipped by the zhplot package (a declared
dependency, so the same font on every machine), else whatever fontconfig knows for Chinese.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path


class FontNotFoundError(FileNotFoundError):
    """No font that can draw Chinese."""


def _zhplot_font() -> Path | None:
    # find_spec locates the package without importing it (its __init__ pulls in matplotlib)
    spec = importlib.util.find_spec("zhplot")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        fonts = sorted(Path(folder).rglob("NotoSansSC*.[ot]tf"))
        regular = [f for f in fonts if "Regular" in f.name]
        if regular or fonts:
            return (regular or fonts)[0]
    return None


def _fontconfig_font() -> Path | None:
    if shutil.which("fc-list") is None:
        return None
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                                 timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(Path(line.split(":")[0].strip()) for line in listing.splitlines() if line.strip())
    # prefer a regular-weight sans face: it stays legible at the small end of a cloud
    files.sort(key=lambda f: ("Sans" not in f.name, "Regular" not in f.name, f.name))
    return next((f for f in files if f.is_file()), None)


def find_cjk_font() -> Path:
    """A font file that has Chinese glyphs: zhplot's Noto Sans SC, else fontconfig's choice."""
    font = _zhplot_font() or _fontconfig_font()
    if font is None:
        raise FontNotFoundError("找不到中文字体：请安装 zhplot（pip install zhplot）或系统中文字体（如 fonts-noto-cjk）")
    return font


def render_wordcloud(frequencies: Mapping[str, float], path: str | Path, *, font_path: str | Path | None = None,
                     width: int = 800, height: int = 500, max_words: int = 80) -> Path:
    """Draw `frequencies` (word → weight) to a PNG at `path`; returns the path."""
    from wordcloud import WordCloud

    words = {w: float(f) for w, f in frequencies.items() if w.strip() and f > 0}
    if not words:
        raise ValueError("没有可以画进词云的词")
    cloud = WordCloud(
        font_path=str(font_path or find_cjk_font()),
        width=width,
        height=height,
        background_color="white",
        max_words=max_words,
        # a cap on the largest size spares WordCloud a trial layout (2 s → 0.1 s for a few words)
        max_font_size=max(10, height * 3 // 10),
        random_state=0,  # the same data gives the same picture
    ).generate_from_frequencies(words)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cloud.to_file(str(path))
    return path
