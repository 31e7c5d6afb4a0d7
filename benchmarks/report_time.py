"""How long does `pingjia report` take, next to the start-up of any `pingjia` command?

    python benchmarks/report_time.py [--repeat N] [--keep DIR]

With a scratch SQLite database (the instance folder holds the analysis files), runs `pingjia demo --no-serve` (the demo
session, its 40 answers and their analysis, as a new user would), then times, alternating in
the same run, `pingjia list-sessions` and `pingjia report CODE --out r.docx` (with annexes and
with `--no-annex`), N times each (default 5). Prints the median of each, the ratio of the report
to list-sessions (target: at most 4×), and what the Word body holds: characters before the
annexes, characters of （二）, quotations, staff-only marks, personal data and first person left
(targets: body ≤ 6,000, （二） ≤ 1,500, ≤ 5 quotations, none of the rest), and the HTML page's
drafted sentences with the ids of the statements they stand on.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINGJIA = Path(sys.executable).with_name("pingjia")
STAFF_MARKS = ("未审核", "程序归纳", "草稿")
PERSONAL = re.compile(r"1[3-9]\d[\d*]{4}\d{4}|@[A-Za-z0-9-]+\.[A-Za-z]|\d{6}[\d*]{8}\d{3}[\dXx]")
FIRST_PERSON = re.compile(r"(?<!自)[我咱俺]")


def run(args: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([str(PINGJIA), *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def word_text(path: Path) -> str:
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return "\n".join("".join(etree.fromstring(z.read(n)).itertext()) for n in z.namelist()
                         if n.startswith("word/") and n.endswith(".xml"))


def body_figures(path: Path) -> dict:
    from docx import Document

    paragraphs = [p.text for p in Document(path).paragraphs]
    text = "\n".join(paragraphs)
    body = text.split("附件：")[0]
    problems = body.split("（二）存在问题")[1].split("（三）整改措施")[0]
    everything = word_text(path)
    return {"body": len(body.replace("\n", "")), "problems": len(problems.replace("\n", "")),
            "quotations": body.replace("“十四五”", "").count("“"),
            "marks": [m for m in STAFF_MARKS if m in everything], "first_person": FIRST_PERSON.findall(body),
            "personal": PERSONAL.findall(everything), "problems_text": problems.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pingjia-report-time-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PINGJIA_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite3'}",
           "PINGJIA_CACHE_DIR": str(folder / "cache")}
    took, out = run(["demo", "--no-serve"], env)
    code = re.search(r"代码 (\w+)", out).group(1)
    print(f"pingjia demo --no-serve: {took:.1f} s (session {code})")

    docx, short, page = folder / "r.docx", folder / "r-no-annex.docx", folder / "r.html"
    times: dict[str, list[float]] = {"list-sessions": [], "report": [], "report --no-annex": [], "report .html": []}
    for _ in range(args.repeat):
        times["list-sessions"].append(run(["list-sessions"], env)[0])
        times["report"].append(run(["report", code, "--out", str(docx)], env)[0])
        times["report --no-annex"].append(run(["report", code, "--out", str(short), "--no-annex"], env)[0])
        times["report .html"].append(run(["report", code, "--out", str(page)], env)[0])
    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["list-sessions"]
    for name, value in medians.items():
        print(f"pingjia {name:<18} median {value:5.2f} s  ({value / base:.2f}× list-sessions)")
    figures = body_figures(docx)
    print(f"body before 附件: {figures['body']} characters (≤ 6000); （二）: {figures['problems']} (≤ 1500); "
          f"quotations in the body: {figures['quotations']} (≤ 5)")
    print(f"staff-only marks: {figures['marks'] or 'none'}; personal data: {figures['personal'] or 'none'}; "
          f"first person in the body: {figures['first_person'] or 'none'}")
    marked = re.findall(r'<a class="claim"[^>]*data-statements="([\d,]*)"', page.read_text(encoding="utf-8"))
    print(f"HTML: {len(marked)} drafted sentences marked, {sum(bool(m) for m in marked)} standing on statements")
    print("（二）as it comes out:\n" + figures["problems_text"])
    ok = (medians["report"] <= 4 * base and figures["body"] <= 6000 and figures["problems"] <= 1500
          and figures["quotations"] <= 5 and not figures["marks"] and not figures["personal"]
          and not figures["first_person"])
    print("targets met" if ok else "TARGETS NOT MET")
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
