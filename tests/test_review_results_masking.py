"""The analysis page and summary.md quote themes masked (issue 21): the machine stores its quotes
masked, and building the page used to drop them (they matched no raw statement) and quote the
raw statements instead; roster names reach the word clouds' and summary's masking."""
from __future__ import annotations

import re

import pytest
from support.review_seed import ROWS, seed_review
from support.staff import log_in

from analysis.privacy import mask_text, roster_names
from survey.extensions import db
from survey.models import Evaluation
from survey.review.models import Statement, Theme

RAW = ["宋庆军教授说高校与企业之间缺乏专利信息沟通渠道，电话13812345678",
       "校企对接平台少，请联系zhangsan[at]example.com，成果转化渠道不畅",
       "我是开小饭馆的，王小红。建立常态化的校企专利对接平台"]
LEAKS = ("宋庆军", "13812345678", "zhangsan", "王小红")


@pytest.fixture
def seeded(app):
    rows = [(*row[:4], RAW[n], *row[5:]) if n < 3 else row for n, row in enumerate(ROWS)]
    seeded = seed_review(app, rows)
    with app.app_context():
        evaluation = db.session.get(Evaluation, seeded.evaluation_id)
        names = roster_names(evaluation.roster_people)
        assert "宋庆军" in names
        theme = db.session.get(Theme, seeded.themes["channel"])
        theme.representatives = [mask_text(t, names) for t in RAW]  # as the pipeline stores them
        db.session.commit()
    return seeded


def quotes(app, seeded) -> list[str]:
    from survey.review.results import stored_result

    with app.app_context():
        result = stored_result(db.session.get(Evaluation, seeded.evaluation_id))
    return [q for t in result["themes"] for q in t["representatives"]]


def test_stored_masked_quotes_are_the_ones_shown(app, seeded):
    shown = quotes(app, seeded)
    channel = shown[:3]
    assert not [q for q in shown if any(leak in q for leak in LEAKS)], shown
    assert channel and all("*" in q for q in channel)
    assert any(q.startswith("宋**教授说") for q in channel) and any("138****5678" in q for q in channel)


def test_quotes_filled_in_by_staff_moves_or_stored_raw_are_masked_too(app, seeded):
    with app.app_context():
        theme = db.session.get(Theme, seeded.themes["channel"])
        theme.representatives = [RAW[0]]  # an older run stored them raw
        db.session.commit()
    shown = quotes(app, seeded)
    assert len(shown) >= 3
    assert not [q for q in shown if any(leak in q for leak in LEAKS)], shown


def test_analysis_page_and_summary_show_masked_quotes(app, client, seeded):
    from survey.review.results import write_summary

    with app.app_context():
        evaluation = db.session.get(Evaluation, seeded.evaluation_id)
        code = evaluation.code
        out = write_summary(evaluation)
        summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "宋**教授说" in summary
    assert not [leak for leak in LEAKS if leak in summary]
    log_in(client, "reviewer")
    page = client.get(f"/staff/sessions/{code}/analysis").get_data(as_text=True)
    listed = " ".join(re.findall(r'<ul class="quotes">(.*?)</ul>', page, re.S))
    assert "宋**教授说" in listed
    assert not [leak for leak in LEAKS if leak in listed]


def test_the_statements_themselves_stay_as_written_for_staff(app, seeded):
    with app.app_context():
        assert db.session.get(Statement, seeded.statements[0]).text == RAW[0]


def test_the_jobs_derived_files_get_the_roster_names(app, seeded, monkeypatch):
    # write_derived_files is what the job's refresh task calls: the clouds mask roster names
    # (and parts of them) only when it passes them on.
    import analysis.report
    from survey.review import results

    seen = {}

    def write_wordclouds(result, folder, **options):
        seen.update(options)
        return []

    monkeypatch.setattr(analysis.report, "write_wordclouds", write_wordclouds)  # imported where it is used
    with app.app_context():
        results.write_derived_files(db.session.get(Evaluation, seeded.evaluation_id), wordclouds=True)
    assert "宋庆军" in seen["names"]


def test_analysis_json_as_downloaded_and_as_the_job_writes_it_is_masked(app, client, seeded):
    # it holds every statement: serve_checks found 17 of 18 personal details in it verbatim
    import json

    from survey.review.results import output_dir, write_derived_files

    with app.app_context():
        evaluation = db.session.get(Evaluation, seeded.evaluation_id)
        code = evaluation.code
        write_derived_files(evaluation, wordclouds=False)
        written = (output_dir(evaluation) / "analysis.json").read_text(encoding="utf-8")
    log_in(client, "reviewer")
    with client.get(f"/staff/sessions/{code}/analysis/analysis.json") as reply:  # a file: closed here
        assert reply.status_code == 200
        downloaded = reply.get_data(as_text=True)
    for text in (written, downloaded):
        assert not [leak for leak in LEAKS if leak in text]
    statements = json.loads(downloaded)["statements"]
    assert len(statements) == len(ROWS) and any(s["text"].startswith("宋**教授说") for s in statements)


def test_themes_staff_split_are_described_without_roster_names_or_contacts(app, seeded):
    """A split (or a new theme) is described by `analysis.theme_edit` with the roster's names,
    as the job's themes are: no name or contact in its label, keywords or quotes."""
    from survey.models import StaffUser
    from survey.review.decisions import split_theme

    with app.app_context():
        evaluation = db.session.get(Evaluation, seeded.evaluation_id)
        user = db.session.get(StaffUser, seeded.user_id)
        # a roster name with no title or self-introduction: only the roster tells it is a name
        for statement in db.session.scalars(db.select(Statement).where(Statement.theme_id == seeded.themes["channel"])):
            statement.text = f"宋庆军反映{statement.text}"
        split_theme(user, evaluation, seeded.themes["channel"], 2)
        db.session.commit()
        themes = db.session.scalars(db.select(Theme).where(Theme.evaluation_id == seeded.evaluation_id)).all()
        described = [" ".join([t.machine_label or "", *(t.keywords or []), *(t.label_words or []),
                               *(t.representatives or [])]) for t in themes]
    assert not [d for d in described if any(leak in d for leak in LEAKS)], described
