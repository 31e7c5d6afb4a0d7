"""Theme names judged by issue 24's rubric, on the pipeline's output as `pingjia analyze` writes it.

    PYTHONPATH=. python benchmarks/theme_names.py demo                    # corpus/demo, seed plan, fields
    PYTHONPATH=. python benchmarks/theme_names.py citizen                 # shared citizen_messages_dev.csv
    PYTHONPATH=. python benchmarks/theme_names.py news --sample 2000      # shared thucnews_titles_dev.csv, --themes 10
    PYTHONPATH=. python benchmarks/theme_names.py --json analysis.json    # judge an analysis already written

Each set is run through the CLI (`python -m analysis INPUT --out DIR …`, kinds included, no word
clouds) and every theme of the analysis.json is judged. A name passes when it meets all of:

1. **complete**: no digit, masked character or bracket; its first word is no conjunction,
   preposition, particle or modal/auxiliary (能及时反馈), its last word no particle or function
   word (…的); wherever it appears inside a member, at least once it sits on that member's
   word boundaries and does not stop inside a compound (消防检查和卫生|检查);
2. **shared**: it has key words (content words of two characters or more, not generic: 问题、
   工作、加强…), and at least two thirds of the theme's members contain at least half of them;
3. **not one member's**: every key word is said by at least two members (for themes of two or
   more), so no detail of a single story is in the name.

This file is the rubric's own code: it reads the tokenizer and the dictionary's tags, not the
name builder (analysis/theme_names.py), so a builder that drifts from the rules fails here.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

from analysis.resources import corpus_path
from analysis.tokenize import ChineseTokenizer, is_keyword, word_tag

SHARED = Path(__import__("os").environ.get("PINGJIA_SHARED_DATA", "/work/shared/data"))
GENERIC = frozenset("问题 工作 方面 情况 建议 希望 意见 加强 推进 推动 进一步 提升 提高 加大 完善 开展 进行 做好 "
                    "有关 相关 一些 我们 大家 现在 目前 已经 还是 就是 可以 需要 应该 没有 觉得 认为 比较 存在 "
                    "力度 水平 能力 措施 机制 政策 部门 单位 领导 支持 请问 请求 要求 反映 解决 处理 您好 谢谢 感谢 "
                    "不能 可能 严重 不知 知道 能够 时候 尊敬 恳请 能否 期待 原因 影响 麻烦 是否 "
                    "为何 为什么".split())
START_WORDS = frozenset("能 会 要 可 可以 应 应该 应当 需要 得 必须 把 被 将 对 对于 和 与 及 或 以及 并 而 但 但是 "
                        "也 都 就 还 又 再 才 的 了 着 过 在 从 向 给 让 使 由 因为 所以 如果 以 为 等 更".split())
END_WORDS = frozenset("的 了 着 过 和 与 及 或 以及 把 被 对 在 从 向 给 让 等 吗 呢 吧 啊 得 地 将 是 有 要 能 会 为 并 而".split())
NOUNISH = ("n", "vn", "nz", "ng", "an")
DEGREE = frozenset("太 很 偏 较 过 最 挺 更 不 极 好".split())
BEFORE_OBJECT = frozenset("能 会 要 可以 应 应该 应当 需要 想 得 把 被 将 对 给 让 使".split())


def content_words(text: str, cut) -> list[str]:
    return list(dict.fromkeys(w for w in cut(text) if len(w) >= 2 and is_keyword(w) and w not in GENERIC
                              and "*" not in w and not any(c.isdigit() for c in w)))


def ends_on_content(word: str, before: str = "") -> bool:
    """A noun, verb or adjective of two characters or more; a one-character adjective (慢, 难) or
    any one character after a degree word (太多, 偏高)."""
    tag = word_tag(word)
    if len(word) == 1:
        return tag.startswith("a") or before in DEGREE
    return tag == "" or tag.startswith(("n", "v", "a"))


def _sits_well(name: str, member: str, cut) -> bool:
    tokens = cut(member)
    bounds, at = [0], 0
    for t in tokens:
        at += len(t)
        bounds.append(at)
    pos = member.find(name)
    while pos >= 0:
        if pos in bounds and pos + len(name) in bounds:
            i, j = bounds.index(pos), bounds.index(pos + len(name)) - 1
            tag = [word_tag(t).startswith(NOUNISH) for t in
                   (tokens[i - 1] if i else "", tokens[i], tokens[j], tokens[j + 1] if j + 1 < len(tokens) else "")]
            after = tokens[j + 1] if j + 1 < len(tokens) else ""
            if not (tag[0] and tag[1]) and not (tag[2] and tag[3]) and after not in "的之地得们":
                return True
        pos = member.find(name, pos + 1)
    return False


def judge(name: str, members: list[str], cut) -> list[str]:
    """The rubric's faults of a name over its theme's members (empty: it passes)."""
    faults = []
    tokens = [t for t in cut(name) if t.strip()]
    if (not tokens or "*" in name or any(c.isdigit() for c in name) or re.search(r"[()（）\[\]【】<>《》]", name)
            or tokens[0] in START_WORDS or word_tag(tokens[0]).startswith(tuple("cpuydr"))
            or tokens[-1] in END_WORDS or not ends_on_content(tokens[-1], tokens[-2] if len(tokens) > 1 else "")
            or (len(tokens) > 1 and tokens[-2] in BEFORE_OBJECT)
            or any(word_tag(t).startswith(("p", "t")) or t in ("了", "过", "着", "我", "我们") for t in tokens)):
        faults.append("fragment")
    elif any(name in m for m in members) and not any(_sits_well(name, m, cut) for m in members if name in m):
        faults.append("cut word")
    keys = content_words(name, cut)
    need = max(1, math.ceil(len(keys) / 2))
    said = sum(sum(k in m for k in keys) >= need for m in members) if keys else 0
    if not keys or said * 3 < 2 * len(members):
        faults.append(f"shared by {said}/{len(members)}")
    lone = [k for k in keys if sum(k in m for m in members) < min(2, len(members))]
    if lone:
        faults.append("one member's: " + "、".join(lone))
    return faults


def best_cover(members: list[str], cut) -> tuple[int, str]:
    """The most members any name of one or two content words could be said by (either word):
    below two thirds, no name passes rule 2, however it is built (the theme has no shared words)."""
    vocabulary = {w for m in members for w in content_words(m, cut)}
    # said anywhere in a member, as rule 2 reads it (停车 inside 停车位)
    said = {w: {i for i, m in enumerate(members) if w in m} for w in vocabulary}
    words = sorted(said, key=lambda w: -len(said[w]))[:30]
    best, which = 0, ""
    for i, a in enumerate(words):
        for b in [None, *words[i + 1:]]:
            n = len(said[a] | (said[b] if b else set()))
            if n > best:
                best, which = n, a + ("、" + b if b else "")
    return best, which


def run_cli(input_path: Path, out: Path, *options: str) -> dict:
    cmd = [sys.executable, "-m", "analysis", str(input_path), "--out", str(out), "--no-wordcloud", "--quiet", *options]
    subprocess.run(cmd, check=True)
    return json.loads((out / "analysis.json").read_text(encoding="utf-8"))


def demo_csv(path: Path) -> None:
    data = tomllib.loads(corpus_path("demo", "responses.toml").read_text(encoding="utf-8"))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["意见", "栏目", "单位类型"])
        for r in data["responses"]:
            for key, field in (("problems", "存在问题"), ("suggestions", "意见建议")):
                if r.get(key):
                    w.writerow([r[key], field, r.get("organisation_type", "")])


def sample_csv(src: Path, path: Path, n: int, column: str) -> None:
    with src.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows = random.Random(0).sample(rows, min(n, len(rows)))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([column])
        w.writerows([r[column]] for r in rows)


def analysis_for(which: str, tmp: Path, sample: int) -> dict:
    if which == "demo":
        demo_csv(tmp / "demo.csv")
        return run_cli(tmp / "demo.csv", tmp / "out", "--plan", "taian-ip-14th-fyp", "--text-column", "意见",
                       "--field-column", "栏目", "--group-column", "单位类型")
    if which == "citizen":
        return run_cli(SHARED / "citizen_messages_dev.csv", tmp / "out", "--text-column", "text")
    if which == "news":
        with (SHARED / "thucnews_titles_dev.csv").open(encoding="utf-8") as f:
            column = next(csv.reader(f))[0]
        sample_csv(SHARED / "thucnews_titles_dev.csv", tmp / "news.csv", sample, column)
        return run_cli(tmp / "news.csv", tmp / "out", "--text-column", column, "--no-split", "--themes", "10")
    raise SystemExit(f"unknown set {which}")


def judged(result: dict) -> list[tuple[dict, list[str]]]:
    cut = ChineseTokenizer().cut
    members = defaultdict(list)
    from analysis.privacy import mask_text
    for s in result["statements"]:
        if s["theme"]:
            members[s["theme"]].append(mask_text(s["text"], (), whole=True))
    return [(t, judge(t["label"], members[t["id"]], cut), best_cover(members[t["id"]], cut))
            for t in result["themes"]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("set", nargs="?", choices=["demo", "citizen", "news"])
    ap.add_argument("--json", help="judge an analysis.json already written")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--save", help="keep the analysis.json here")
    args = ap.parse_args()
    if args.json:
        result = json.loads(Path(args.json).read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = analysis_for(args.set, Path(tmp), args.sample)
    if args.save:
        Path(args.save).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    rows = judged(result)
    for t, faults, (best, which) in rows:
        verdict = "pass" if not faults else "FAIL " + "; ".join(faults)
        print(f"{t['id']}\t{t['kind']}\t{t['size']}\t{t['label']}\t{verdict}\tbest 1-2 words: {which} {best}/{t['size']}")
    passed = sum(not f for _, f, _ in rows)
    coherent = sum(3 * best >= 2 * t["size"] for t, _, (best, _) in rows)
    print(f"passed {passed}/{len(rows)} ({passed / max(len(rows), 1):.0%}); themes whose members share "
          f"words at all (some 1-2 words said by two thirds): {coherent}/{len(rows)}; passed among those: "
          f"{sum(not f for t, f, (best, _) in rows if 3 * best >= 2 * t['size'])}")


if __name__ == "__main__":
    main()
