"""Checks the report tests share: the Word body, the drafted sentences of the HTML page, and
every figure of the drafts recomputed from a fresh read of the database."""
from __future__ import annotations

import re
import zipfile

from docx import Document
from lxml import etree
from lxml import html as lxml_html

FIRST_PERSON = re.compile(r"(?<!自)[我咱俺]")
PLACEHOLDERS = ("（未上传", "（未填写", "尚无可摘编", "（无）", "待补充", "请补充", "程序草稿")


def word_body(path) -> str:
    """The Word file's paragraphs before the annex note (what the office signs)."""
    text = "\n".join(p.text for p in Document(path).paragraphs)
    return text.split("附件：")[0]


def word_all(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join("".join(etree.fromstring(z.read(n)).itertext()) for n in z.namelist()
                         if n.startswith("word/") and n.endswith(".xml"))


def word_tables(path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(path).tables]


def drafted_sentences(page: str) -> tuple[list[tuple[str, list[int]]], list[str]]:
    """(sentence, ids) for every drafted sentence of the page's body, and the body paragraphs
    that carry text outside a drafted sentence (a program-written paragraph never does)."""
    tree = lxml_html.fromstring(page)
    article = tree.xpath("//article")[0]
    sentences, bare = [], []
    for p in article.xpath("./p[not(@class)]"):
        claims = p.xpath("./a[contains(@class, 'claim')]")
        for a in claims:
            ids = [int(i) for i in a.get("data-statements").split(",") if i]
            sentences.append((a.text_content(), ids))
        outside = (p.text or "") + "".join(a.tail or "" for a in claims)
        if outside.strip():
            bare.append(p.text_content())
    return sentences, bare


def stale_figures(code: str) -> list[str]:
    """Every figure of every drafted sentence that a fresh read of the data does not bear out
    (empty: all figures equal the data)."""
    from survey.reports.claims import live
    from survey.reports.data import build_report
    from survey.reports.drafts import draft_claims
    from survey.reports.figures import value

    drafted = build_report(code)
    fresh = build_report(code)
    wrong = []
    for key, paragraphs in draft_claims(drafted).items():
        for claim in live(paragraphs):
            for f in claim.figures:
                if value(f.name, f.args, fresh) != f.value:
                    wrong.append(f"{key}: {f.text} in {claim.text}")
    return wrong


def unexplained_numbers(code: str) -> list[str]:
    """Digits in the drafted body that are neither a figure of their sentence, nor the plan's
    or the session's own records (document number, dates), nor a participant's own words in
    the sentence's example."""
    from survey.reports.claims import live
    from survey.reports.data import build_report
    from survey.reports.drafts import draft_claims
    from survey.reports.speech import clause_for

    data = build_report(code)
    rows = {r.id: r for r in data.statements}
    records = [data.document_number, data.plan_title, *[s.date for s in data.sessions], *[s.place for s in data.sessions],
               *[g.description for g in data.goals], *[m.description for m in data.measures],
               *[c.description for c in data.categories]]
    issued = re.findall(r"\d+", data.issue_date)
    out = []
    for key, paragraphs in draft_claims(data).items():
        for claim in live(paragraphs):
            text = claim.text
            for f in claim.figures:
                text = text.replace(f.text, "")
            if claim.example_id in rows:
                r = rows[claim.example_id]
                text = text.replace(clause_for(r.kind, r.text, r.organisation_type) or "\0", "")
            for record in records:
                text = text.replace(record or "\0", "")
            for n in issued:
                text = text.replace(f"{int(n)}年", "").replace(f"{int(n)}月", "")
            text = text.replace("5分为最高", "")
            if re.search(r"\d", text):
                out.append(f"{key}: {claim.text}")
    return out
