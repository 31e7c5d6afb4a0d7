"""Writing an analysis result to disk: analysis.json, summary.md and word-cloud PNGs.

The result is the dict `analysis.pipeline.analyze` returns (statements, categories, themes);
this module only presents it, for staff who read Chinese and open files, not JSON.
"""
from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .clouds import cloud_name, find_cjk_font, render_wordcloud
from .kind_names import KIND_NAMES, NONE, PRAISE, PROBLEM, SUGGESTION
from .plan import OTHER
from .privacy import mask_text
from .tokenize import ChineseTokenizer, is_keyword

QUOTES = 3
KEYWORDS_SHOWN = 8
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Source:
    """What was analysed, for the summary's header."""

    input_name: str
    text_column: str
    rows: int
    split: bool
    plan_title: str = ""
    group_column: str = ""


def write_json(result: Mapping, path: Path) -> Path:
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def token_counts(texts: Iterable[str], tokenizer: Callable[[str], list[str]]) -> Counter:
    """Word-cloud frequencies: keyword tokens only (see tokenize.is_keyword)."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(t for t in tokenizer(text) if is_keyword(t))
    return counts


def cloud_counts(result: Mapping, *, tokenizer: Callable[[str], list[str]] | None = None,
                 names: Iterable[str] = ()) -> dict[tuple[str, str], Counter]:
    """The word frequencies of every cloud: ("category", id) and ("theme", id) → token counts of
    its statements, with personal data (and the roster's `names`) masked first, so no digit or
    address fragment (com, example) can show. Groups with no content word are left out."""
    tokenizer = tokenizer or ChineseTokenizer()
    names = tuple(names)
    by_key: dict[tuple[str, str], list[str]] = {}
    for s in result["statements"]:
        text = mask_text(s["text"], names, whole=True)
        by_key.setdefault(("category", s["category"]), []).append(text)
        by_key.setdefault(("theme", s["theme"]), []).append(text)
    wanted = [("category", c["id"]) for c in result["categories"]] + [("theme", t["id"]) for t in result["themes"]]
    out = {key: token_counts(by_key.get(key, []), tokenizer) for key in wanted}
    return {key: counts for key, counts in out.items() if counts}


def write_wordclouds(result: Mapping, folder: Path, *, tokenizer: Callable[[str], list[str]] | None = None,
                     font_path: Path | None = None, progress: Progress | None = None,
                     names: Iterable[str] = ()) -> list[Path]:
    """One cloud per category and per theme, from `cloud_counts` (masked text).

    A group whose statements leave no content words (all stopwords) gets no picture.
    """
    font_path = font_path or find_cjk_font()
    counts = cloud_counts(result, tokenizer=tokenizer, names=names)
    wanted = [("category", c["id"]) for c in result["categories"]] + [("theme", t["id"]) for t in result["themes"]]
    written = []
    for done, key in enumerate(wanted, start=1):
        if key in counts:
            written.append(render_wordcloud(counts[key], folder / cloud_name(*key), font_path=font_path, names=names))
        if progress:
            progress("绘制词云", done, len(wanted))
    return written


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _md(text: object) -> str:
    """Participants' words (and anything read from their files) as Markdown text: HTML escaped,
    since Markdown viewers render raw HTML, and on one line so it cannot start a heading."""
    return html.escape(" ".join(str(text).split()), quote=False)


def _quote(text: str) -> str:
    return "> " + _md(text)


def summary_markdown(result: Mapping, source: Source, *, clouds: Iterable[Path] = (),
                     names: Iterable[str] = ()) -> str:
    """The staff-facing summary: per category its count and themes, then 未归类/新问题, then
    the praise and the statements with nothing to act on (no category)."""
    statements = result["statements"]
    names = tuple(names)
    total = len(statements)
    cloud_files = {p.name for p in clouds}
    themes_of: dict[str, list[Mapping]] = {}
    for theme in result["themes"]:
        themes_of.setdefault(theme["category"], []).append(theme)

    lines = ["# 意见分析汇总", ""]
    if source.plan_title:
        lines.append(f"- 对照政策：《{_md(source.plan_title.strip('《》'))}》")
    else:
        lines.append("- 未指定计划文件（--plan），全部意见只按主题归纳")
    lines.append(f"- 输入文件：{_md(source.input_name)}（文本列“{_md(source.text_column)}”，{source.rows} 行）")
    how = "按句拆分后" if source.split else "每行作为一条，"
    other = sum(c["count"] for c in result["categories"] if c["id"] == OTHER)
    used = sum(1 for c in result["categories"] if c["id"] != OTHER and c["count"])
    placed = sum(c["count"] for c in result["categories"])
    lines.append(f"- {how}共 {total} 条意见：{placed - other} 条归入 {used} 个问题类别，{other} 条未归类")
    kinds = {k["id"]: k["count"] for k in result.get("kinds", [])}
    if kinds:
        lines.append("- 按性质：" + "，".join(f"{KIND_NAMES[k]} {n} 条" for k, n in kinds.items())
                     + f"（{KIND_NAMES[PRAISE]}和{KIND_NAMES[NONE]}不计入问题类别）")
    if source.group_column:
        lines.append(f"- 按“{_md(source.group_column)}”统计各主题的来源")
    lines.append("")

    ordered = [c for c in result["categories"] if c["id"] != OTHER]
    ordered += [c for c in result["categories"] if c["id"] == OTHER]
    number = 0
    for category in ordered:
        is_other = category["id"] == OTHER
        if is_other:
            heading = f"## {_md(category['name'] or '未归类/新问题')}"
        else:
            number += 1
            heading = f"## {number}. {_md(category['name'])}"
        lines += [heading, "", f"共 {category['count']} 条，占 {_percent(category['count'], total)}。", ""]
        if is_other and category["count"] and source.plan_title:
            lines += ["这些意见不属于计划中的任何问题类别，可能是新问题，请逐条查看。", ""]
        name = cloud_name("category", category["id"])
        if name in cloud_files:
            lines += [f"![{_md(category['name'])}词云](wordclouds/{name})", ""]
        themes = sorted(themes_of.get(category["id"], []), key=lambda t: -t["size"])
        for theme in themes:
            lines += _theme_lines(theme, cloud_files)
        if not themes and category["count"]:
            quotes = [s["text"] for s in statements if s["category"] == category["id"]][:QUOTES]
            lines += [_quote(mask_text(q, names)) for q in quotes] + [""]
    praise = [s["text"] for s in statements if s.get("kind") == PRAISE]
    if praise:
        lines += [f"## {KIND_NAMES[PRAISE]}", "", f"共 {len(praise)} 条。", ""]
        lines += [_quote(mask_text(q, names)) for q in praise[:QUOTES]] + [""]
    empty = sum(1 for s in statements if s.get("kind") == NONE and s["category"] is None)
    if empty:
        lines += [f"## {KIND_NAMES[NONE]}", "", f"共 {empty} 条（如“没有问题”“同上”、仅留联系方式），未作分析。", ""]
    return "\n".join(lines).rstrip() + "\n"


def kind_mix(counts: Mapping[str, int]) -> str:
    """A theme's mix of kinds as staff read it: "问题 3 · 建议 2 · 肯定 1" (kinds with none left out)."""
    return " · ".join(f"{KIND_NAMES[k]} {counts[k]}" for k in (PROBLEM, SUGGESTION, PRAISE)
                      if counts.get(k))


def _theme_lines(theme: Mapping, cloud_files: set[str]) -> list[str]:
    mix = kind_mix(theme.get("kinds") or {})
    lines = [f"### {_md(theme['label'])}（{theme['size']} 条{'：' + mix if mix else ''}）", ""]
    if theme.get("keywords"):
        lines += [f"关键词：{'、'.join(_md(k) for k in theme['keywords'][:KEYWORDS_SHOWN])}", ""]
    groups = theme.get("groups") or {}
    if groups:
        parts = [f"{_md(name)} {count}" for name, count in sorted(groups.items(), key=lambda kv: -kv[1])]
        lines += [f"来源：{'，'.join(parts)}", ""]
    quotes = theme.get("representatives", [])[:QUOTES]
    if quotes:
        lines += [_quote(q) for q in quotes] + [""]
    name = cloud_name("theme", theme["id"])
    if name in cloud_files:
        lines += [f"![{_md(theme['label'])}词云](wordclouds/{name})", ""]
    return lines


def write_report(result: Mapping, out_dir: Path, source: Source, *, wordclouds: bool = True,
                 progress: Progress | None = None, names: Iterable[str] = ()) -> dict[str, Path | list[Path]]:
    """Write analysis.json, summary.md and (unless turned off) wordclouds/*.png into out_dir;
    clouds and summary quotes mask personal data and the roster's `names`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = tuple(names)
    clouds = write_wordclouds(result, out_dir / "wordclouds", progress=progress, names=names) if wordclouds else []
    json_path = write_json(result, out_dir / "analysis.json")
    summary = out_dir / "summary.md"
    summary.write_text(summary_markdown(result, source, clouds=clouds, names=names), encoding="utf-8")
    return {"json": json_path, "summary": summary, "wordclouds": clouds}
