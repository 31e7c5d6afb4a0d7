"""Quality guard (issue 24 item 2): the kinds stage, as `pingjia analyze` and the web job run it, on
real text no one here wrote (../shared/data). A later change that takes real complaints for praise
or nothing-to-say again fails here.

The stage is run the way `analysis.pipeline.analyze` runs it: statements from `to_statements`
(whole messages as `--no-split`, and split as the CLI's default), the kind model of the
representation the pipeline picks for that many statements, the field as given. (The full
`analyze` gives the same kinds — checked in benchmarks/RESULTS.md — but its e5 vectors take minutes
on a cold cache.)
"""
import csv
import hashlib
import random
from pathlib import Path

import pytest
from support.shared_data import shared_data

from analysis._kinds_evidence import courtesy_only
from analysis.embed import choose_representation
from analysis.pipeline import statement_kinds
from analysis.text import normalize, to_statements

pytestmark = pytest.mark.slow  # loads the USE sentence encoder
MAX_OFF = 1  # of 150 messages, every one an issue: the "at most 2%" is 3; 1 since branch kinds6 (3 before)
SEED_LABELS = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "kinds_seed_labels.csv"


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def kinds_as_run(texts, field, split):
    statements = to_statements(texts, split=split)
    fields = [field] * len(statements) if field else None
    kinds = statement_kinds([s.text for s in statements], fields, [False] * len(statements),
                            choose_representation(len(statements)), answers=[s.row for s in statements])
    return list(zip(statements, kinds))


@pytest.fixture(scope="module")
def messages():
    rows = read(shared_data("citizen_messages_dev.csv"))
    assert len(rows) == 150 and {r["kind"] for r in rows} == {"issue"}
    return [r["text"] for r in rows]


@pytest.mark.parametrize("field", [None, "存在问题"])
def test_real_messages_whole_are_not_praise_or_none(messages, field):
    off = [(s.text[:60], k) for s, k in kinds_as_run(messages, field, split=False) if k in ("praise", "none")]
    assert len(off) <= MAX_OFF, off


@pytest.mark.parametrize("field", [None, "存在问题"])
def test_real_messages_split_keep_their_substance(messages, field):
    # a statement that is only "尊敬的领导：您好！" is rightly none: it carries nothing of the message
    off = {}
    for s, k in kinds_as_run(messages, field, split=True):
        if k == "praise" or (k == "none" and not courtesy_only(s.text)):
            off.setdefault(s.row, (k, s.text[:60]))
    assert len(off) <= MAX_OFF, off


def test_negative_shopping_reviews_are_rarely_praise():
    rows = [r for r in read(shared_data("online_shopping_reviews.csv")) if 8 <= len((r["text"] or "").strip()) <= 150]
    random.Random(0).shuffle(rows)
    negative = [normalize(r["text"]) for r in rows if r["sentiment"] == "0"][:400]
    kinds = statement_kinds(negative, None, [False] * len(negative), choose_representation(len(negative)))
    praise = [t[:60] for t, k in zip(negative, kinds) if k == "praise"]
    assert len(praise) <= 5, praise  # 16 (4%) before branch kinds6, which reached 7 (11 before), kinds8 6, shop 5; some mislabelled


def test_real_round_table_report_keeps_its_praise():
    """The published seed (a policy-evaluation round table: achievements, problems, measures), split as the
    CLI splits, with no field; its kinds read by hand (benchmarks/data/kinds_seed_labels.csv, keyed by the
    statement's SHA-1). 0.875 and 2 praise taken as problems when this guard was written (before the report
    rule: 0.611 and 11)."""
    seed = shared_data("../seed/000_910e96933d33c806.txt")  # ../shared/seed beside the shared data
    text = seed.read_text(encoding="utf-8")
    body = text[text.index("(一)政策实施情况"):text.index("(四)政策评价运用情况")]
    labels = {r["sha1"]: r["kind"] for r in read(SEED_LABELS)}
    pairs = [(s.text, labels.get(hashlib.sha1(s.text.encode()).hexdigest()[:12]), s.row)
             for s in to_statements([p for p in body.split("\n") if p.strip() and not p.startswith("(")])]
    texts, gold, rows = [t for t, k, _ in pairs if k], [k for _, k, _ in pairs if k], [r for _, k, r in pairs if k]
    assert len(texts) == 72
    # each statement with its paragraph as its answer, as the pipeline would pass it
    kinds = statement_kinds(texts, None, [False] * len(texts), choose_representation(len(texts)), answers=rows)
    right = sum(g == k for g, k in zip(gold, kinds))
    lost = [t[:40] for t, g, k in zip(texts, gold, kinds) if g == "praise" and k == "problem"]
    assert right / len(texts) >= 0.85, right
    assert len(lost) <= 2, lost
