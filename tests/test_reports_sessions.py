"""Issue 26's "done when", on three sessions analysed by the real pipeline, as a new user would
have them: the demo (a round-table on the seed plan with organisations outside its roster), a
named round-table on the 营商环境 plan with four organisations outside its roster, and an
anonymous online consultation on the same plan. On SQLite and PostgreSQL.

In each: no first person in the body; every figure equals the data; every drafted sentence of
the HTML carries `data-statements` with ids of that session; no placeholder in the Word file;
四 lists every organisation that answered (named) or the answers per type (anonymous), and the
count in the text equals it; the anonymous report never speaks of a round-table."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.report_checks import (
    FIRST_PERSON,
    PLACEHOLDERS,
    drafted_sentences,
    stale_figures,
    unexplained_numbers,
    word_all,
    word_body,
    word_tables,
)
from support.report_sessions import analysed, anonymous_business_session, named_business_session

from survey.extensions import db
from survey.reports.data import evaluation_for_code
from survey.reports.models import ReportClaim
from survey.review.models import Statement
from survey.sessions import by_code


def _demo(app) -> str:
    from survey.demo import install_demo

    with app.app_context():
        code = install_demo().session.code
        db.session.commit()
    return code


SESSIONS = {"demo": _demo, "named": named_business_session, "anonymous": anonymous_business_session}


@pytest.fixture(params=list(SESSIONS))
def report(request, app, runner, tmp_path):
    code = analysed(app, SESSIONS[request.param](app))
    files = {}
    for ext in ("docx", "html"):
        out = tmp_path / f"{request.param}.{ext}"
        result = runner.invoke(args=["report", code, "--out", str(out)])
        assert result.exit_code == 0 and "注意" not in result.output, result.output
        files[ext] = out
    return request.param, code, files


def test_the_report_states_only_what_the_data_shows(app, report):
    name, code, files = report
    body = word_body(files["docx"])
    everything = word_all(files["docx"])
    page = files["html"].read_text(encoding="utf-8")

    # no first person in the body
    assert not FIRST_PERSON.search(body), FIRST_PERSON.search(body)
    # every figure of the drafts equals the data, and no other number is in them
    with app.app_context():
        assert stale_figures(code) == []
        assert unexplained_numbers(code) == []
        ids = set(db.session.scalars(select(Statement.id).where(
            Statement.evaluation_id == evaluation_for_code(code).id)))
        responses = by_code(code).responses
        stored = db.session.scalars(select(ReportClaim)).all()
    # every drafted sentence of the HTML carries the ids of statements of this session
    sentences, bare = drafted_sentences(page)
    assert bare == [] and len(sentences) > 20
    said = [(s, i) for s, i in sentences if i]
    assert len(said) >= 5
    for sentence, stands_on in sentences:
        assert set(stands_on) <= ids, sentence
    # and each is stored with its evidence: the statements' kinds and types, the figures
    assert len(stored) >= len(sentences)
    voice = next(c for c in stored if c.basis == "statements" and c.figures)
    assert {"id", "kind", "type"} <= set(voice.statements[0]) and voice.figures[0]["value"]
    # no placeholder in the Word file; an empty 五 keeps its heading alone
    for placeholder in PLACEHOLDERS:
        assert placeholder not in everything, placeholder
    assert re.search(r"五、政策评价现场图片\n六、政策评价结果", body)

    tables = word_tables(files["docx"])
    lead = body.split("（一）")[1].split("一是")[0]
    total = len(responses)
    assert f"收回问卷{total}份" in lead and f"本次评价共收到问卷{total}份" in everything
    if name == "anonymous":
        for word in ("座谈", "参会", "名单"):
            assert word not in everything and word not in page, word
        # two answers gave no type: their quotes carry no empty brackets
        assert "（）" not in everything and "（）" not in page
        counts = tables[0]
        assert counts[0] == ["类型", "问卷数"] and counts[-1] == ["合计", str(total)]
        assert sum(int(n) for _, n in counts[1:-1]) == total
        assert all(f"{kind}{n}份" in lead for kind, n in counts[1:-1])
    else:
        roster = tables[0]
        listed = [row[1] for row in roster[1:]]
        answered = {r.organisation.strip() for r in responses if r.organisation.strip()}
        assert answered - set(listed) == set(), answered - set(listed)
        units = len(dict.fromkeys(listed))
        assert f"本次座谈共有{units}家单位参加" in lead
        assert "参会代表" in body


def test_a_named_session_lists_those_outside_the_roster(app):
    """The 营商环境 round-table: six on the roster, four more answered; 四 lists ten."""
    from survey.reports.blocks import document_for

    code = named_business_session(app)
    with app.app_context():
        data = document_for(code)
        outside = [p.organisation for p in data.participants if not p.on_roster]
    assert outside == ["泰安宏达机械有限公司", "新泰市个体劳动者协会", "泰安市担保有限公司", "肥城新能源科技有限公司"]
    assert len(data.organisations) == 10 and "本次座谈共有10家单位参加，收回问卷13份" in data.blocks["achievements"]
