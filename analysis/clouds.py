"""Word clouds of Chinese keywords.

No personal data is ever drawn: `drawable` leaves out every word that holds a phone, an e-mail,
a name (analysis.privacy), a masked fragment (*), a roster name or any part of one two or more
characters long (丽丽, 买买提, also in traditional characters), whatever the caller counted.

WordCloud's bundled font has no Chinese glyphs and would draw every word as boxes, so a CJK
font is always passed: the Noto Sans SC file shipped by the zhplot package (a declared
dependency, so the same font on every machine), else whatever fontconfig knows for Chinese.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from .privacy import MASK, has_personal_data, roster_names


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


def _name_pieces(names: Iterable[str]) -> set[str]:
    """Every run of two or more characters inside a roster name (张丽丽 → 张丽, 丽丽, 张丽丽)."""
    from ._names import NAME_DOTS, simplified

    pieces = set()
    for name in roster_names(names):
        plain = simplified("".join(c for c in name if c not in NAME_DOTS and not c.isspace()))
        pieces.update(plain[i:j] for i in range(len(plain)) for j in range(i + 2, len(plain) + 1))
    return pieces


def drawable(frequencies: Mapping[str, float], names: Iterable[str] = ()) -> dict[str, float]:
    """The words of `frequencies` a cloud may show (see the module docstring)."""
    from ._names import simplified

    names = tuple(names)
    pieces = _name_pieces(names)
    out = {}
    for word, weight in frequencies.items():
        plain = simplified(word.strip())
        if not plain or weight <= 0 or MASK in plain or plain in pieces:
            continue
        if any(piece in plain for piece in pieces) or has_personal_data(plain, names):
            continue
        out[word] = float(weight)
    return out


def render_wordcloud(frequencies: Mapping[str, float], path: str | Path, *, font_path: str | Path | None = None,
                     width: int = 800, height: int = 500, max_words: int = 80, names: Iterable[str] = ()) -> Path:
    """Draw `frequencies` (word → weight) to a PNG at `path`; returns the path. `names`: the
    roster's entries, none of which (nor any part) is drawn."""
    from wordcloud import WordCloud

    if not any(w.strip() and f > 0 for w, f in frequencies.items()):
        raise ValueError("没有可以画进词云的词")
    words = drawable(frequencies, names)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not words:  # every word was personal data: an empty picture, never a name
        from PIL import Image

        Image.new("RGB", (width, height), "white").save(path, "PNG")
        return path
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
    # WordCloud.to_file saves with optimize=True: a third of a cloud's time for a file 2% smaller
    cloud.to_image().save(path, "PNG")
    return path


def cloud_name(kind: str, ident: str) -> str:
    """File name of a word cloud inside `wordclouds/`: category-<id>.png, theme-<id>.png (here,
    with no tokenizer around, so the analysis page can name them without loading scikit-learn)."""
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_-]+', '_', str(ident)) or '_'}.png"
