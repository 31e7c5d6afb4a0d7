"""The demo's theme labels, for judging them by the rubric in analysis/labels.py.

    PYTHONPATH=. python benchmarks/demo_labels.py [--representation auto|tfidf] [--json OUT]

Analyses `corpus/demo/responses.toml` (both fields, with the field as the kind prior) against
the seed plan and prints each theme: id, kind, size, label, keywords. Also checks that no
keyword, label or quote holds an e-mail or number fragment, and prints the kind counts.
"""
from __future__ import annotations

import argparse
import json
import re
import tomllib

from analysis import analyze, load_plan
from analysis.resources import corpus_path

FRAGMENT = re.compile(r"\d|@|com\b|example|www|http", re.IGNORECASE)


def demo_input() -> tuple[list[str], list[str], list[str]]:
    data = tomllib.loads(corpus_path("demo", "responses.toml").read_text(encoding="utf-8"))
    texts, fields, groups = [], [], []
    for r in data["responses"]:
        for key, name in (("problems", "存在问题"), ("suggestions", "意见建议")):
            if r.get(key):
                texts.append(r[key])
                fields.append(name)
                groups.append(r.get("organisation_type"))
    return texts, fields, groups


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--representation", default="auto")
    ap.add_argument("--json")
    args = ap.parse_args()
    texts, fields, groups = demo_input()
    plan = load_plan(corpus_path("plans", "taian-ip-14th-fyp.toml"))
    result = analyze(texts, plan, groups=groups, fields=fields, representation=args.representation,
                     cache_dir=False)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
    print("kinds:", {k["id"]: k["count"] for k in result["kinds"]})
    print("categories:", {c["id"]: c["count"] for c in result["categories"]})
    leaks = []
    for t in result["themes"]:
        print(f"{t['id']}\t{t['kind']}\t{t['size']}\t{t['label']}\t{'、'.join(t['keywords'][:6])}")
        leaks += [w for w in t["keywords"] + [t["label"]] if FRAGMENT.search(w)]
    print("e-mail or number fragments in keywords or labels:", leaks or "none")


if __name__ == "__main__":
    main()
