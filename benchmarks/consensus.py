"""How long does consensus and divergence take on 20,000 answers, next to reading them?

    PYTHONPATH=. python benchmarks/consensus.py [--answers 20000] [--repeat 5] [--themes 60]

Makes N answers (7 goals of the seed plan, the five default types in round-table-like shares,
scores 1–5 or 不了解; one to three statements each in one of M themes) with a fixed seed, then
times, alternating in the same run, median of --repeat:

- in memory: reading the answers back from a CSV file (the baseline) against `assess_goals` +
  `spread` over the same rows (analysis/consensus.py, target: under 1 s);
- from the database (SQLite in a temporary folder, the schema by the migrations): reading every
  rating row with a plain SELECT (the baseline) against `survey.consensus.consensus_of`, which
  the analysis page and the export call (a GROUP BY, then the same computation).

Then the flags of the demo session (`pingjia demo`'s 40 answers), for RESULTS.md.
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from analysis.consensus import Mention, assess_goals, spread

GOALS = [("creation", "知识产权创造"), ("environment", "知识产权发展环境"), ("policy", "知识产权政策体系"),
         ("enterprise-support", "知识产权赋能助企"), ("protection", "知识产权全链条保护"),
         ("services", "知识产权服务能力"), ("culture", "知识产权文化环境")]
TYPES = ("高校/科研院所", "企业", "服务机构", "政府部门", "其他")
SHARES = (0.22, 0.55, 0.08, 0.08, 0.07)


def make_answers(n: int, themes: int, seed: int = 22) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.choices(TYPES, SHARES)[0]
        lean = 0.8 if kind == "企业" else 0.2  # enterprises rate the services goal lower
        scores = {}
        for g, _ in GOALS:
            if rng.random() < 0.08:
                scores[g] = None
            else:
                low = g == "services" and rng.random() < lean
                scores[g] = rng.choice((1, 2, 3) if low else (3, 4, 4, 5, 5))
        mentions = [(f"t{rng.randrange(themes)}", f"单位{rng.randrange(n // 2)}") for _ in range(rng.randint(1, 3))]
        out.append({"id": i, "type": kind, "scores": scores, "mentions": mentions})
    return out


def write_csv(answers: list[dict], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "type", *[g for g, _ in GOALS], "mentions"])
        for a in answers:
            w.writerow([a["id"], a["type"], *["不了解" if a["scores"][g] is None else a["scores"][g] for g, _ in GOALS],
                        ";".join(f"{t}|{o}" for t, o in a["mentions"])])


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))[1:]


def parse(rows: list[list[str]]) -> tuple[list, list, dict]:
    """The rows as read, turned into what the library takes (scores as ints, statements as Mentions)."""
    goal_ids = [g for g, _ in GOALS]
    ratings = [(g, r[1], None if v == "不了解" else int(v)) for r in rows for g, v in zip(goal_ids, r[2:9])]
    participants: dict[str, int] = {}
    mentions = []
    for r in rows:
        participants[r[1]] = participants.get(r[1], 0) + 1
        for m in r[9].split(";"):
            topic, org = m.split("|")
            mentions.append(Mention(topic, r[0], org, r[1]))
    return ratings, mentions, participants


def compute(ratings: list, mentions: list, participants: dict, themes: int) -> tuple:
    """What a page or an export calls: every goal's flags and every theme's spread."""
    goals = assess_goals(GOALS, ratings, TYPES)
    spreads = spread([(f"t{i}", f"主题{i}") for i in range(themes)], mentions, participants, TYPES)
    return goals, spreads


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def database_run(answers: list[dict], folder: Path, repeat: int) -> tuple[list[float], list[float], list]:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from survey import create_app
    from survey.consensus import consensus_of
    from survey.demo import install_demo
    from survey.evaluations import evaluation_for_session
    from survey.extensions import db
    from survey.models import Rating, Response

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'b.sqlite3'}"})
    app.instance_path = str(folder / "instance")
    with app.app_context():
        upgrade()
        demo = install_demo()
        db.session.commit()
        demo_goals = consensus_of(evaluation_for_session(demo.session)).goals
        from survey.models import EvaluationSession
        from survey.plans import sync_plan_file  # noqa: F401  (the demo loaded the plan)

        session = EvaluationSession(plan_id=demo.session.plan_id, title="基准", form="问卷调查", status="open")
        db.session.add(session)
        db.session.flush()
        db.session.execute(insert(Response), [
            {"session_id": session.id, "submission_id": f"b-{a['id']}", "organisation": f"单位{a['id']}",
             "organisation_type": a["type"], "problems": "", "suggestions": ""} for a in answers])
        ids = dict(db.session.execute(select(Response.submission_id, Response.id).where(Response.session_id == session.id)).all())
        db.session.execute(insert(Rating), [
            {"response_id": ids[f"b-{a['id']}"], "goal_id": g, "score": a["scores"][g]} for a in answers for g, _ in GOALS])
        db.session.commit()
        evaluation = evaluation_for_session(session)
        db.session.commit()
        read, ours = [], []
        for _ in range(repeat):
            t, rows = timed(lambda: db.session.execute(
                select(Rating.goal_id, Response.organisation_type, Rating.score)
                .join(Response, Rating.response_id == Response.id).where(Response.session_id == session.id)).all())
            read.append(t)
            db.session.rollback()
            t, result = timed(consensus_of, evaluation)
            ours.append(t)
            db.session.rollback()
        assert sum(g.overall.answered for g in result.goals) == len(rows) == len(answers) * len(GOALS)
    return read, ours, demo_goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--themes", type=int, default=60)
    args = parser.parse_args()
    answers = make_answers(args.answers, args.themes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "answers.csv"
        write_csv(answers, path)
        reads, parses, computes = [], [], []
        for _ in range(args.repeat):
            t, rows = timed(read_csv, path)
            reads.append(t)
            t, (ratings, mentions, participants) = timed(parse, rows)
            parses.append(t)
            t, (goals, spreads) = timed(compute, ratings, mentions, participants, args.themes)
            computes.append(t)
        read, parsed, comp = (statistics.median(x) for x in (reads, parses, computes))
        print(f"{args.answers:,} answers: {len(ratings):,} ratings, {len(mentions):,} statements in {args.themes} "
              f"themes (median of {args.repeat}, Python {sys.version.split()[0]})")
        print(f"  in memory: read the CSV {read * 1000:.0f} ms, turn it into ratings and statements "
              f"{parsed * 1000:.0f} ms; consensus per goal and theme {comp * 1000:.0f} ms "
              f"({comp / read:.2f}× the read; target < 1 s)")
        db_read, db_ours, demo = database_run(answers, folder, args.repeat)
        r, o = statistics.median(db_read), statistics.median(db_ours)
        print(f"  from SQLite: SELECT every rating {r * 1000:.0f} ms; consensus_of (GROUP BY + flags) {o * 1000:.0f} ms "
              f"({o / r:.2f}× the read)")
        print("  synthetic flags: " + "; ".join(f"{g.goal_name} {'/'.join(g.flags) or '—'}" for g in goals))
        print("  themes: " + ", ".join(f"{sum(s.flag == f for s in spreads)} {f}" for f in ("一类关注", "共同关注")))
    print("demo session (40 answers):")
    for g in demo:
        print(f"  {g.goal_name}: {'、'.join(g.flags) or '无标记'}" + (f" — {'；'.join(g.reasons)}" if g.reasons else ""))


if __name__ == "__main__":
    main()
