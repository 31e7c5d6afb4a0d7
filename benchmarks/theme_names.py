"""Theme names judged by issue 24's rubric, on the pipeline's output as `pingjia analyze` writes it.

    PYTHONPATH=. python benchmarks/theme_names.py demo                    # corpus/demo, seed plan, fields
    PYTHONPATH=. python benchmarks/theme_names.py citizen                 # shared citizen_messages_dev.csv
    PYTHONPATH=. python benchmarks/theme_names.py news --sample 2000      # shared thucnews_titles_dev.csv, --themes 10
    PYTHONPATH=. python benchmarks/theme_names.py shopping --sample 1000  # shared shopping reviews, their plan
    PYTHONPATH=. python benchmarks/theme_names.py --json analysis.json    # judge an analysis already written
    PYTHONPATH=. python benchmarks/theme_names.py citizen --themes 30     # finer themes (a secondary line)

Each set is run through the CLI (`python -m analysis INPUT --out DIR …`, kinds included, no word
clouds) and every theme of the analysis.json is judged. A name passes when it meets all of:

1. **complete**: no digit, masked character or bracket; its first word is no conjunction,
   preposition, particle, modal/auxiliary (能及时反馈) or place word cut from its head (情况|下可以…), it
   asks no rhetorical question (难道…), its last word no particle or function
   word (…的) nor 方面 without its head (专利侵权判定方面); wherever it appears inside a member,
   at least once it sits on that member's word boundaries, does not stop inside a compound
   (消防检查和卫生|检查), does not stop on a verb whose object follows (侵权提高|处罚力度) and is
   not cut out of a word the segmenter left in single characters (普惠|型幼儿园…, …泰民米粉|厂);
2. **shared**: it has key words (content words of two characters or more, not generic: 问题、
   工作、加强…, nor a letter's address, greeting or plea: 贵局、同志、予以、切盼…), and at least two thirds of the theme's members contain at least half of them;
3. **not a few members' story**: every key word, and every word that claims something of the
   topic (没有、知道、感觉、严重…), is said by at least two members (for themes of two or more) and
   by a tenth of them at least, so no detail of a single story (or of a few among many) is in the
   name;
4. **tells the theme apart**: no other theme of its category has the same name;
5. **claims only its members' kind**: 方面的肯定意见 over no member who complains or proposes,
   方面的问题/建议 over no theme most of whose members praise, and either alone only when at least half of
   the members say it (方面的问题和建议 names a mix of the two).

A name that fails (2) is one of two things: **honest about a mixed theme** when it says so
(…等多方面的问题/建议/意见, or 其他问题) and indeed no one or two words are said by two thirds of the members,
or **misleading** (it presents as the theme's topic what most members do not say). Both fail;
the counts are printed apart. A further column, not a rule of the issue, says whether the name's
key words are **distinct**: said by the members at least 1.5 times as often as by the statements
of the other themes (知识产权方面的建议 on an IP plan is true and says nothing).

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
# whom a letter addresses, how it greets and asks for a reply or attention: no topic
LETTER = ("同志 老同志 贵局 贵单位 贵部门 书记 市长 县长 区长 局长 厅长 主任 大人 敬礼 敬爱 此致 至此 切盼 盼复 "
          "为盼 恳盼 烦请 敬请 予以 给予 得到 重视 说法 过问 帮忙 关注 足够 不该 民众 群众 百姓 老百姓 本人 市民 网友")
GENERIC = frozenset(("问题 工作 方面 情况 建议 希望 意见 加强 推进 推动 进一步 提升 提高 加大 完善 开展 进行 做好 "
                    "有关 相关 一些 我们 大家 现在 目前 已经 还是 就是 可以 需要 应该 没有 觉得 认为 比较 存在 "
                    "力度 水平 能力 措施 机制 政策 部门 单位 领导 支持 请问 请求 要求 反映 解决 处理 您好 谢谢 感谢 "
                    "不能 可能 严重 不知 知道 能够 时候 尊敬 恳请 能否 期待 原因 影响 麻烦 是否 "
                    "为何 为什么 肯定 解答 答复 回复 疑问 解决问题 多方面 " + LETTER).split())
# a name that asks (行为难道可以如此轻易纵容) is one writer's outcry, not a topic
ASKING = frozenset("难道 凭什么 何在 岂 怎能 为何 为什么 怎么 何时 吗".split())
# (a letter's words too: 受关注少 over five members of whom one says 关注 is that member's claim)
CLAIMS = frozenset(("没有 不能 不知 知道 觉得 认为 感觉 还有 严重 已经 可能 只能 不是 " + LETTER).split())
START_WORDS = frozenset("请 请问 请求 烦请 恳请 敬请 是 能 会 要 可 可以 应 应该 应当 需要 得 必须 把 被 将 对 对于 和 与 及 或 以及 并 而 但 但是 "
                        "也 都 就 还 又 再 才 的 了 着 过 在 从 向 给 让 使 由 因为 所以 如果 以 为 等 更".split())
END_WORDS = frozenset("的 了 着 过 和 与 及 或 以及 把 被 对 在 从 向 给 让 等 吗 呢 吧 啊 得 地 将 是 有 要 能 会 为 并 而 "
                      "方面".split())
NOUNISH = ("n", "vn", "nz", "ng", "an")
# the builder's words for a theme whose members share no topic: A、B等多方面的问题, or 其他问题
# when not even two members say one word
MIXED = "多方面"
DEGREE = frozenset("太 很 偏 较 过 最 挺 更 不 极 好".split())
HEAD_FOLLOWS = frozenset("的 之 地 得 们".split())  # after a phrase cut from its head: 有资质|的机构
PLACE_SUFFIXES = frozenset("厂 村 镇 乡 县 市 区 路 街 巷 场 店 站 局 所 院 校 馆 园 楼 栋 号 处 室 科 队 行 司 委 办 部".split())
BEFORE_OBJECT = frozenset("能 会 要 可以 应 应该 应当 需要 想 得 把 被 将 对 给 让 使".split())


def content_words(text: str, cut) -> list[str]:
    return list(dict.fromkeys(w for w in cut(text) if len(w) >= 2 and is_keyword(w) and w not in GENERIC
                              and "*" not in w and not any(c.isdigit() for c in w)))


def ends_on_content(word: str, before: str = "") -> bool:
    """A noun, verb, adjective, abbreviation or place word of two characters or more; a one-character adjective (慢, 难) or
    any one character after a degree word (太多, 偏高)."""
    tag = word_tag(word)
    if len(word) == 1:
        return tag.startswith("a") or before in DEGREE
    return tag == "" or tag.startswith(("n", "v", "a", "j", "s"))  # j 社保, s 路口


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
            # a phrase ending on a verb with its object after it in the member (提高|处罚力度) is cut
            # (one word alone is a topic: 停车 in 停车收费)
            cut_object = j > i and word_tag(tokens[j]) == "v" and word_tag(after).startswith(("n", "v"))
            # (a phrase at the member's end has nothing after it: "" is in every string, not in this set)
            before = tokens[i - 1] if i else ""
            if not (tag[0] and tag[1]) and not (tag[2] and tag[3]) and after not in HEAD_FOLLOWS and not cut_object \
                    and not _in_unknown_word(before, tokens[i], tokens[j], after):
                return True
        pos = member.find(name, pos + 1)
    return False


def _single_hanzi(t: str) -> bool:
    return len(t) == 1 and "\u4e00" <= t <= "\u9fff"


def _in_unknown_word(before: str, first: str, last: str, after: str) -> bool:
    """Cut out of a word the segmenter does not know and left in single characters (普惠|型幼儿园…,
    A3|区教师村…, …泥泞不堪的小|含浦镇), or stopped before a place's or a body's one-character
    suffix (…泰民米粉|厂)."""
    after_code = before[-1:].isascii() and before[-1:].isalnum()
    if len(first) == 1 and (after_code or _single_hanzi(before) and word_tag(first)[:1] not in "vad"):
        return True
    if after in PLACE_SUFFIXES:
        return True
    return len(last) == 1 and _single_hanzi(after) and word_tag(after)[:1] not in tuple("cpuydreo") \
        and after not in "的之地得"


# The frames a composed name ends with; the words before them (A、B) are judged as phrases too.
FRAMES = tuple(sorted((pre + kind for pre in ("等多方面的", "等方面的", "方面的其他", "方面的")
                       for kind in ("问题", "建议", "肯定意见", "意见")), key=len, reverse=True)) + ("等多方面意见",)


def topic_parts(name: str) -> list[str]:
    """The phrases a name states: the name itself, or the items listed before its frame
    (专利、质量方面的建议 → 专利, 质量)."""
    for frame in FRAMES:
        if name.endswith(frame) and len(name) > len(frame):
            return name[: -len(frame)].split("、")
    return [name]


def fragment(phrase: str, cut) -> bool:
    tokens = [t for t in cut(phrase) if t.strip()]
    return (not tokens or "*" in phrase or any(c.isdigit() for c in phrase)
            or re.search(r"[()（）\[\]【】<>《》]", phrase) is not None
            or tokens[0] in START_WORDS or (word_tag(tokens[0]).startswith(tuple("cpuydr")) and tokens[0] != "其他")
            or word_tag(tokens[0]).startswith("f") or bool(ASKING & set(tokens))  # 情况|下可以…: cut from its head
            or tokens[-1] in END_WORDS or not ends_on_content(tokens[-1], tokens[-2] if len(tokens) > 1 else "")
            or (len(tokens) > 1 and tokens[-2] in BEFORE_OBJECT)
            or any(word_tag(t).startswith(("p", "t")) or t in ("了", "过", "着", "我", "我们") for t in tokens))


def judge(name: str, members: list[str], cut, siblings: list[str] = ()) -> list[str]:
    """The rubric's faults of a name over its theme's members (empty: it passes); `siblings`:
    the names of the other themes of its category."""
    faults = []
    parts = topic_parts(name)
    framed = parts != [name]
    # a topic listed before 方面的… that is a negated verb or a plea (不到方面的问题) names no topic
    if any(fragment(p, cut) for p in parts) or framed and any(p[:1] in "不没请" and not word_tag(
            (cut(p) or [""])[0]).startswith(NOUNISH) for p in parts):
        faults.append("fragment")
    # a phrase of two words or more cut from a member (one word alone is a topic: 停车)
    elif any(len([t for t in cut(p) if t.strip()]) > 1 and any(p in m for m in members)
             and not any(_sits_well(p, m, cut) for m in members if p in m) for p in parts):
        faults.append("cut word")
    keys = content_words(name, cut)
    need = max(1, math.ceil(len(keys) / 2))
    said = sum(sum(k in m for k in keys) >= need for m in members) if keys else 0
    if not keys or said * 3 < 2 * len(members):
        faults.append(f"shared by {said}/{len(members)}")
    # every word that can tell one story, key word or not (二期 in 二期基金: a modifier)
    # and what the name claims of its topic (酒店也没有: 没有 is generic, but said by one member it is
    # that member's complaint)
    telling = keys + [w for w in dict.fromkeys(cut(name)) if w not in keys and (w in CLAIMS or (
        len(w) >= 2 and w not in GENERIC and word_tag(w)[:1] not in "cpuydreo" and not is_keyword(w) and w != "其他"))]
    said_by = {k: sum(k in m for m in members) for k in telling}
    lone = [k for k in telling if said_by[k] < min(2, len(members))]
    few = [k for k in telling if k not in lone and said_by[k] < len(members) / 10]
    if lone:
        faults.append("one member's: " + "、".join(lone))
    if few:
        faults.append("a few members': " + "、".join(few))
    if name in siblings:
        faults.append("same name as another theme")
    return faults


def lift(name: str, members: list[str], others: list[str], cut) -> float:
    """How much more often the members say the name's key words than the other themes' statements."""
    keys = content_words(name, cut)
    if not keys or not members:
        return 0.0
    need = max(1, math.ceil(len(keys) / 2))
    inside = sum(sum(k in m for k in keys) >= need for m in members) / len(members)
    outside = sum(sum(k in m for k in keys) >= need for m in others) / len(others) if others else 0.0
    return inside / outside if outside else float("inf")


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
            for key, field in (("achievements", "取得成效"), ("problems", "存在问题"), ("suggestions", "意见建议")):
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


def analysis_for(which: str, tmp: Path, sample: int, themes: int | None = None) -> dict:
    more = ("--themes", str(themes)) if themes else ()
    if which == "demo":
        demo_csv(tmp / "demo.csv")
        return run_cli(tmp / "demo.csv", tmp / "out", "--plan", "taian-ip-14th-fyp", "--text-column", "意见",
                       "--field-column", "栏目", "--group-column", "单位类型")
    if which == "citizen":
        return run_cli(SHARED / "citizen_messages_dev.csv", tmp / "out", "--text-column", "text", *more)
    if which == "shopping":
        sample_csv(SHARED / "online_shopping_reviews.csv", tmp / "shopping.csv", sample, "text")
        return run_cli(tmp / "shopping.csv", tmp / "out", "--text-column", "text", "--plan",
                       str(Path(__file__).resolve().parent / "plans" / "shopping.toml"), *more)
    if which == "news":
        with (SHARED / "thucnews_titles_dev.csv").open(encoding="utf-8") as f:
            column = next(csv.reader(f))[0]
        sample_csv(SHARED / "thucnews_titles_dev.csv", tmp / "news.csv", sample, column)
        return run_cli(tmp / "news.csv", tmp / "out", "--text-column", column, "--no-split",
                       *(more or ("--themes", "10")))
    raise SystemExit(f"unknown set {which}")


def judged(result: dict) -> list[tuple[dict, list[str], tuple[int, str], float]]:
    cut = ChineseTokenizer().cut
    members = defaultdict(list)
    from analysis.privacy import mask_text
    for s in result["statements"]:
        if s["theme"]:
            members[s["theme"]].append(mask_text(s["text"], (), whole=True))
    rows = []
    for t in result["themes"]:
        siblings = [o["label"] for o in result["themes"] if o["category"] == t["category"] and o["id"] != t["id"]]
        others = [m for tid, ms in members.items() if tid != t["id"] for m in ms]
        faults = judge(t["label"], members[t["id"]], cut, siblings) + claim_faults(t["label"], t.get("kinds") or {})
        rows.append((t, faults, best_cover(members[t["id"]], cut), lift(t["label"], members[t["id"]], others, cut)))
    return rows


def claim_faults(name: str, mix: dict) -> list[str]:
    """A kind the name claims that its members do not say: 肯定意见 over a member who complains
    or proposes, 问题/建议 over a theme most of whose members praise."""
    problems, proposals, praise = (mix.get(k, 0) for k in ("problem", "suggestion", "praise"))
    against, total = problems + proposals, problems + proposals + praise
    if name.endswith("肯定意见") and against:
        return [f"claims praise over {against} complaints or proposals"]
    if name.endswith(("问题", "建议")) and praise > against:
        return [f"claims {name[-2:]} over {praise} praise of {total}"]
    if not name.endswith("问题和建议"):  # one of the two claimed: at least half the members say it
        for word, n in (("问题", problems), ("建议", proposals)):
            if name.endswith(word) and 2 * n < total:
                return [f"claims {word} said by {n} of {total}"]
    return []


def verdict(theme: dict, faults: list[str], best: int) -> str:
    """pass, mixed (fails, but says plainly that the theme has no shared topic, and it has none)
    or fail."""
    if not faults:
        return "pass"
    mixed = (MIXED in theme["label"] or theme["label"].startswith("其他")) and 3 * best < 2 * theme["size"]
    # a mixed theme's name lists its most said words as examples: under a tenth is allowed there
    shared_only = all(f.startswith(("shared by", "a few members'")) for f in faults)
    return "mixed" if mixed and shared_only else "fail"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("set", nargs="?", choices=["demo", "citizen", "shopping", "news"])
    ap.add_argument("--json", help="judge an analysis.json already written")
    ap.add_argument("--sample", type=int, default=2000, help="rows sampled (news, shopping)")
    ap.add_argument("--save", help="keep the analysis.json here")
    ap.add_argument("--themes", type=int, help="the CLI's --themes (a secondary line: users' runs use the default)")
    args = ap.parse_args()
    if args.json:
        result = json.loads(Path(args.json).read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = analysis_for(args.set, Path(tmp), args.sample, args.themes)
    if args.save:
        Path(args.save).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    rows = judged(result)
    tally: dict[str, int] = defaultdict(int)
    for t, faults, (best, which), ratio in rows:
        said = verdict(t, faults, best)
        tally[said] += 1
        shown = said if not faults else said.upper() + " " + "; ".join(faults)
        print(f"{t['id']}\t{t['kind']}\t{t['size']}\t{t['label']}\t{shown}\tlift {ratio:.1f}"
              f"\tbest 1-2 words: {which} {best}/{t['size']}")
    n = max(len(rows), 1)
    coherent = [(t, f) for t, f, (best, _), _ in rows if 3 * best >= 2 * t["size"]]
    distinct = sum(not f and r >= 1.5 for _, f, _, r in rows)
    print(f"passed {tally['pass']}/{len(rows)} ({tally['pass'] / n:.0%}); honest about a mixed theme "
          f"{tally['mixed']}; misleading or cut {tally['fail']}; passed and distinct (lift >= 1.5) {distinct}; "
          f"themes whose members share words at all (some 1-2 words said by two thirds): "
          f"{len(coherent)}/{len(rows)}; passed among those: {sum(not f for _, f in coherent)}")


if __name__ == "__main__":
    main()
