"""Segmentation speed: plain jieba against ChineseTokenizer's two engines, on the same texts.

    python benchmarks/segmentation.py [N] [REPEATS]

N shopping reviews from /work/shared/data (default 5000), best of REPEATS runs (default 3).
Dictionary loading is done before timing; figures are characters per second and the ratio
to plain ``jieba.lcut`` measured in the same run.
"""
from __future__ import annotations

import csv
import logging
import sys
import time
from pathlib import Path

import jieba

from analysis.tokenize import ChineseTokenizer

DATA = Path("/work/shared/data/online_shopping_reviews.csv")


def load(n: int) -> list[str]:
    with DATA.open(encoding="utf-8") as f:
        return [row["text"] for row, _ in zip(csv.DictReader(f), range(n))]


def best_times(cases: dict, texts: list[str], repeats: int) -> dict[str, float]:
    """Best wall time per case; the cases take turns so a busy machine slows them alike."""
    for fn in cases.values():
        fn(texts[0])  # build dictionaries outside the timing
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(repeats):
        for name, fn in cases.items():
            start = time.perf_counter()
            for text in texts:
                fn(text)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 5000
    repeats = int(argv[2]) if len(argv) > 2 else 3
    if not DATA.exists():
        sys.exit(f"找不到数据文件 {DATA}")
    jieba.setLogLevel(logging.WARNING)
    texts = load(n)
    chars = sum(map(len, texts))
    cases = {
        "jieba.lcut (HMM on, default)": jieba.lcut,
        "jieba.lcut(HMM=False)": lambda t: jieba.lcut(t, HMM=False),
        "ChineseTokenizer(engine='jieba')": ChineseTokenizer(engine="jieba"),
        "ChineseTokenizer(engine='rjieba')": ChineseTokenizer(engine="rjieba"),
        "ChineseTokenizer(engine='rjieba').cut": ChineseTokenizer(engine="rjieba").cut,
    }
    print(f"{len(texts)} 条评论，{chars} 个字符，取 {repeats} 次中最快的一次")
    times = best_times(cases, texts, repeats)
    baseline = chars / times["jieba.lcut (HMM on, default)"]
    for name, seconds in times.items():
        rate = chars / seconds
        print(f"{name:40s} {rate:12,.0f} 字符/秒   {rate / baseline:5.2f}× jieba.lcut")


if __name__ == "__main__":
    main(sys.argv)
