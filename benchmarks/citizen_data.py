"""Rebuild the labelled citizen messages (issue 24) outside the repository, from the public text.

    python benchmarks/citizen_data.py SOURCE [--labels benchmarks/data/citizen_labelled_labels.csv]
                                      [--out ../map_data/citizen_labelled.csv]

SOURCE is the public export of 2020 泰迪杯 C 题 附件2 (messages with their 一级标签):
`C_data/processed/dev3.txt` of the GitHub repository Asimok/DataMining_study_before (commit
57ad42ab26924438d5538428db37c3b6d8d95a31), one message per line, `留言详情<TAB>label index` (the index
into LABELS; the subject line is not in that export). Each message is normalised
(`analysis.text.normalize`) and cut to its opening (`opening`): the set holds the first sentences
of the messages, not whole letters, because the text was copied by hand from a read-only source.
Only the messages whose SHA-1 is in the committed label file are kept, with that file's label and
half (`a`: the development half, whose errors may be read; `b`: held out). Prints what it wrote.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

from analysis.text import normalize

ROOT = Path(__file__).resolve().parent.parent

LABELS = ("城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生")
WINDOW = 80  # characters of a message kept at most
# a cut falls after this many characters: a greeting (尊敬的书记：您好！) or a first short sentence alone
# says nothing of the matter (the first version cut after 20 and left 64 of 392 long messages under 50)
MIN_CUT = 50
_END = re.compile(r"[。！？!?；;]")
_CLAUSE = re.compile(r"[，,、：:]")
LABEL_FILE = ROOT / "benchmarks" / "data" / "citizen_labelled_labels.csv"
DEFAULT_OUT = ROOT.parent / "map_data" / "citizen_labelled.csv"


def opening(text: str) -> str:
    """The message's first WINDOW characters, cut back to the last sentence end inside them that
    falls after the MIN_CUT-th character, else to the last such clause end (a whole sentence or
    clause reads better than half of one)."""
    text = normalize(text)
    if len(text) <= WINDOW:
        return text
    head = text[:WINDOW]
    for mark in (_END, _CLAUSE):
        ends = [m.end() for m in mark.finditer(head) if m.end() >= MIN_CUT]
        if ends:
            return head[: ends[-1]].rstrip("，,、：:")
    return head


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_source(path: Path) -> list[tuple[str, str]]:
    """(opening, label) for every line `text<TAB>index` of the public file, in file order."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, index = line.rpartition("\t")
        if text.strip() and index.strip().isdigit():
            rows.append((opening(text), LABELS[int(index)]))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, nargs="+")
    parser.add_argument("--labels", type=Path, default=LABEL_FILE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with args.labels.open(encoding="utf-8") as f:
        wanted = {r["sha1"]: r for r in csv.DictReader(f)}
    found = {}
    for path in args.source:
        for text, label in read_source(path):
            key = sha1(text)
            if key in wanted and key not in found and wanted[key]["label"] == label:
                found[key] = (text, label, wanted[key]["source"], wanted[key]["half"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "source", "half"])
        for key in wanted:  # the label file's order
            if key in found:
                w.writerow(found[key])
    print(f"{len(found)} of {len(wanted)} labelled messages written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
