"""The participant form under arbitrary input, through HTTP, on SQLite and PostgreSQL.

Properties: never a 5xx or a traceback; an answer that is stored equals what was typed up to
cleaning (no visible character lost or changed); an answer that is sent back keeps every
typed text on the page; a clearly valid answer is stored.
"""
from __future__ import annotations

import collections
import html
import re
import urllib.parse
import uuid

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select
from support.fuzz_strategies import any_text, examples, huge, texts, visible
from support.participate import csrf_token, make_session, valid_answer

from survey.answers import ORGANISATION_MAX, TEXT_MAX, rating_field_name
from survey.extensions import db
from survey.models import ORG_TYPES, Response

RATING_VALUES = ["1", "2", "3", "4", "5", "na"]
TEXT_FIELDS = ("organisation", "problems", "suggestions")
ALLOWED_CONTROLS = set("\t\n\r")
FRESH, FRESH_HEX, FRESH_NEWLINE = "<fresh uuid>", "<fresh uuid as upper-case hex>", "<fresh uuid + newline>"


def fill_submission_id(data: dict) -> dict:
    fresh = uuid.uuid4()
    made = {FRESH: str(fresh), FRESH_HEX: fresh.hex.upper(), FRESH_NEWLINE: f"{fresh}\n"}
    sid = data.get("submission_id")
    return dict(data, submission_id=made[sid]) if isinstance(sid, str) and sid in made else data


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts(10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts(5), inner, max_size=3),
                    max_leaves=6)


HOSTILE = st.one_of(
    texts(20),
    st.lists(texts(10), min_size=2, max_size=3),  # the field sent twice
    st.none(),  # the field missing
)


@st.composite
def answers(draw, goal_ids: list[str]) -> dict:
    """Text fields always get hostile text; a few other fields (often none) are broken too,
    so that stored answers and sent-back answers are both common."""
    data = {
        # A fresh id is filled in per request (hypothesis repeats drawn values, and a repeated
        # id is a resubmit, which has its own rules); hostile ids are drawn.
        "submission_id": draw(st.one_of(st.just(FRESH), st.just(FRESH), st.just(FRESH), texts(40),
                                        st.just(FRESH_HEX), st.just(FRESH_NEWLINE))),
        "organisation": draw(st.one_of(any_text(40, 300), st.sampled_from(["山东科技大学", " 漱玉药业 "]))),
        "organisation_type": draw(st.sampled_from(ORG_TYPES)),
        "problems": draw(st.one_of(any_text(80, 800), huge(400, 520))),
        "suggestions": draw(any_text(80, 800)),
    }
    for goal_id in goal_ids:
        data[rating_field_name(goal_id)] = draw(st.sampled_from(RATING_VALUES))
    for key in draw(st.sets(st.sampled_from(sorted(data)), max_size=3)):
        data[key] = draw(HOSTILE)
    extra = draw(st.dictionaries(texts(8), texts(8), max_size=2))
    data.update({k: v for k, v in extra.items() if k not in data and k != "csrf_token"})
    return {k: v for k, v in data.items() if v is not None}


def clearly_valid(data: dict, goal_ids: list[str]) -> bool:
    """Valid by the rules a participant is told, judged without the app's code; control
    characters other than tab and line breaks may be refused with a message instead."""
    def single(key):
        value = data.get(key)
        return value if isinstance(value, str) else None
    org, problems, suggestions = single("organisation"), single("problems"), single("suggestions")
    texts_ok = (org is not None and visible(org) and len(org) <= ORGANISATION_MAX
                and all(v is None or len(v) <= TEXT_MAX for v in (problems, suggestions))
                and any(v and visible(v) for v in (problems, suggestions)))
    ratings_ok = all(single(rating_field_name(g)) in RATING_VALUES for g in goal_ids)
    sid = single("submission_id") or ""
    controls = any(c in v for v in (org, problems, suggestions) if v for c in map(chr, range(32))
                   if c not in ALLOWED_CONTROLS) or any("\x7f" <= c <= "\x9f" for v in (org, problems, suggestions) if v for c in v)
    return (texts_ok and ratings_ok and single("organisation_type") in ORG_TYPES
            and bool(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", sid))
            and not controls)


def first(value):
    return value[0] if isinstance(value, list) else value


def body_size(data: dict) -> int:
    return len(urllib.parse.urlencode(data, doseq=True).encode())


def test_participant_form_never_fails_and_never_loses_an_answer(app, client):
    with app.app_context():
        session = make_session("open")
        code, goal_ids = session.code, [g.id for g in session.plan.definition.goals]
        plain = dict(valid_answer(session), submission_id=FRESH)  # the helper still matches the plan
    token = csrf_token(client.get(f"/s/{code}").get_data(as_text=True))
    limit = app.config["MAX_CONTENT_LENGTH"]
    outcomes = collections.Counter()
    # One client posts every example (hypothesis repeats drawn texts): the flood rules (the same
    # text counts once, a per-session rate per address) would answer for it; they have their own
    # tests (test_participant_flood.py), this one is about what the form keeps.
    app.config.update(REPEAT_WINDOW_SECONDS=0, SUBMIT_SESSION_ADDRESS_LIMIT="1000000 per minute")

    @examples(1.5)
    @given(data=answers(goal_ids))
    # both outcomes every run, whatever the random draws give: an answer that must be stored,
    # one that must be sent back (no organisation)
    @example(data=plain)
    @example(data=dict(plain, organisation=""))
    def check(data):
        data = fill_submission_id(data)
        posted = dict(data, csrf_token=token)
        response = client.post(f"/s/{code}", data=posted)
        outcomes[response.status_code] += 1
        page = response.get_data(as_text=True)
        assert response.status_code < 500 and "Traceback" not in page, response.status_code
        if body_size(posted) > limit:
            assert response.status_code == 413 and "本机" in page
            return
        assert response.status_code in (200, 303), response.status_code
        if response.status_code == 303:
            assert "/thanks/" in response.headers["Location"]
            sid = urllib.parse.unquote(response.headers["Location"].rsplit("/", 1)[1].split("?")[0])
            with app.app_context():
                [stored] = db.session.scalars(select(Response).filter_by(submission_id=sid)).all()
                for key in TEXT_FIELDS:
                    value = getattr(stored, key)
                    assert "\x00" not in value
                    assert visible(value) == visible(first(data.get(key)) or ""), key
                    assert value == value.strip()
                assert stored.organisation_type == first(data["organisation_type"])
                scores = {r.goal_id: r.score for r in stored.ratings}
                for goal_id in goal_ids:
                    value = first(data[rating_field_name(goal_id)])
                    assert scores[goal_id] == (None if value == "na" else int(value))
            return
        assert not clearly_valid(data, goal_ids) or any(
            c in page for c in ("请删除", "控制字符", "无法保存")), "a valid answer was sent back"
        shown = visible(html.unescape(page))
        for key in TEXT_FIELDS:
            typed = first(data.get(key))
            if typed:
                assert visible(typed) in shown, f"{key} typed but not shown again"

    check()
    assert outcomes[303] and outcomes[200], outcomes  # both stored and sent-back answers were tried


def test_participant_urls_never_fail(app, client):
    with app.app_context():
        code = make_session("open").code

    @examples(0.5)
    @given(segment=texts(40).filter(bool), method=st.sampled_from(["GET", "POST"]))
    def check(segment, method):
        quoted = urllib.parse.quote(segment, safe="")
        for path in (f"/s/{quoted}", f"/s/{code}/thanks/{quoted}", f"/s/{quoted}/thanks/{uuid.uuid4()}"):
            response = client.open(path, method=method, data={"organisation": segment} if method == "POST" else None)
            page = response.get_data(as_text=True)
            # 308: werkzeug merges the double slash a decoded %2F makes.
            assert response.status_code in (200, 303, 308, 400, 404, 405), (path, response.status_code)
            assert "Traceback" not in page

    check()


def test_participant_form_with_wrong_body_types(app, client):
    """Files, JSON and raw bytes where a form is expected: a page, never a 5xx."""
    with app.app_context():
        session = make_session("open")
        code, answer = session.code, valid_answer(session)
    token = csrf_token(client.get(f"/s/{code}").get_data(as_text=True))

    @examples(0.3)
    @given(raw=st.binary(max_size=300), kind=st.sampled_from(["file", "json", "raw", "latin1"]),
           field=st.sampled_from(["problems", "organisation", "submission_id", "organisation_type"]),
           value=JSON)
    def check(raw, kind, field, value):
        import io
        if kind == "file":
            data = dict(answer, csrf_token=token, submission_id=str(uuid.uuid4()))
            data[field] = (io.BytesIO(raw), "answer.txt")
            response = client.post(f"/s/{code}", data=data, content_type="multipart/form-data")
        elif kind == "json":
            body = value if isinstance(value, list) else {**answer, field: value, "csrf_token": token}
            response = client.post(f"/s/{code}", json=body)
        elif kind == "raw":
            response = client.post(f"/s/{code}", data=raw, content_type="application/x-www-form-urlencoded")
        else:
            body = f"{field}=".encode() + raw + b"&csrf_token=" + token.encode()
            response = client.post(f"/s/{code}", data=body,
                                   content_type="application/x-www-form-urlencoded; charset=latin-1")
        assert response.status_code in (200, 303, 400), response.status_code
        assert "Traceback" not in response.get_data(as_text=True)

    check()
