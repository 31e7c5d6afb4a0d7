"""The staff forms and the login under arbitrary input, through HTTP, on SQLite and PostgreSQL:
never a 5xx or a traceback; a created session holds what was typed; a refused form shows
every typed value again."""
from __future__ import annotations

import collections
import html
import urllib.parse

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select
from support.fuzz_strategies import any_text, examples, texts, visible
from support.staff import PLAN_ID, add_staff, csrf_token, log_in, make_session

from survey.extensions import db
from survey.models import ORG_TYPES, SESSION_FORMS, EvaluationSession

ROSTER_LINE = st.one_of(
    st.builds(lambda org, person, kind: f"{org}, {person}, {kind}", texts(12), texts(6),
              st.one_of(st.sampled_from(ORG_TYPES + ("高校", "政府")), texts(4))),
    st.builds(lambda org, kind: f"{org}，{kind}", texts(12), st.sampled_from(ORG_TYPES)),
    texts(30),
)
TEXT_FIELDS = ("title", "organiser", "place")


HOSTILE = st.one_of(texts(20), st.lists(texts(10), min_size=2, max_size=2), st.none())


@st.composite
def session_forms(draw) -> dict:
    """Text fields always get hostile text; a few other fields (often none) are broken too."""
    data = {
        "plan": PLAN_ID,
        "title": draw(any_text(40, 300)),
        "form": draw(st.sampled_from(SESSION_FORMS)),
        "organiser": draw(any_text(30, 300)),
        "starts_at": draw(st.sampled_from(["2023-11-15T14:30", "2023-11-15 14:30"])),
        "place": draw(any_text(20, 300)),
        "respondents": draw(st.sampled_from(["named", "anonymous"])),
        "roster": draw(st.one_of(st.lists(ROSTER_LINE, max_size=8).map("\n".join), any_text(60, 4000))),
    }
    for key in draw(st.sets(st.sampled_from(sorted(data)), max_size=2)):
        data[key] = draw(HOSTILE)
    return {k: v for k, v in data.items() if v is not None}


def first(value):
    return value[0] if isinstance(value, list) else value


def test_new_session_form_never_fails(app, client):
    add_staff(app)
    make_session(app)  # loads the plan
    assert log_in(client).status_code == 302
    token = csrf_token(client, "/staff/sessions/new")
    # Staff pages may take a larger body than phones (the roster).
    limit = app.config.get("STAFF_MAX_CONTENT_LENGTH") or app.config["MAX_CONTENT_LENGTH"]
    outcomes = collections.Counter()

    plain = {"plan": PLAN_ID, "title": "专题座谈会", "form": SESSION_FORMS[0], "organiser": "市场监管局",
             "starts_at": "2023-11-15 14:30", "place": "一楼会议室", "respondents": "named", "roster": ""}

    @examples(1.0)
    @given(data=session_forms())
    # both outcomes every run, whatever the random draws give: one form that must be created,
    # one that must be refused (no title)
    @example(data=plain)
    @example(data=dict(plain, title=""))
    def check(data):
        posted = dict(data, csrf_token=token)
        response = client.post("/staff/sessions/new", data=posted)
        outcomes[response.status_code] += 1
        page = response.get_data(as_text=True)
        assert response.status_code < 500 and "Traceback" not in page, response.status_code
        if len(urllib.parse.urlencode(posted, doseq=True).encode()) > limit:
            assert response.status_code == 413
            return
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            code = response.headers["Location"].rsplit("/", 1)[1]
            with app.app_context():
                session = db.session.scalar(select(EvaluationSession).filter_by(code=code))
                for key in TEXT_FIELDS:
                    stored = getattr(session, key)
                    assert "\x00" not in stored
                    assert visible(stored) == visible(first(data[key])), key
                for entry in session.roster:
                    # The type is one the session offers (个人/群众 too when anonymous); a name
                    # must be non-blank.
                    assert entry.organisation_type in session.type_names and entry.organisation.strip()
            return
        shown = visible(html.unescape(page))
        for key in TEXT_FIELDS + ("roster",):
            typed = first(data.get(key))
            if typed:
                assert visible(typed) in shown, f"{key} typed but not shown again"

    check()
    assert outcomes[302] and outcomes[200], outcomes  # both created and refused forms were tried


def test_login_never_fails(app, client):
    add_staff(app)
    token = csrf_token(client, "/staff/login")

    @examples(0.4)
    @given(username=st.one_of(st.just("amy"), any_text(20, 200)), password=any_text(20, 400),
           remember=st.one_of(st.none(), st.just("y"), texts(5)))
    def check(username, password, remember):
        data = {"username": username, "password": password, "csrf_token": token}
        if remember is not None:
            data["remember"] = remember
        response = client.post("/staff/login", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 429), response.status_code  # never the right password
        assert "Traceback" not in page
        if response.status_code == 200 and username.strip():
            assert visible(username) in visible(html.unescape(page))

    check()


def test_staff_urls_never_fail(app, client):
    add_staff(app)
    make_session(app)
    assert log_in(client).status_code == 302

    @examples(0.4)
    @given(segment=texts(30).filter(bool))
    def check(segment):
        quoted = urllib.parse.quote(segment, safe="")
        for path in (f"/staff/sessions/{quoted}", f"/staff/sessions/{quoted}/analysis",
                     f"/staff/sessions/{quoted}/qr.svg", f"/staff/login?next={quoted}"):
            response = client.get(path)
            # 308: werkzeug merges the double slash a decoded %2F makes.
            assert response.status_code in (200, 302, 308, 404), (path, response.status_code)
            assert "Traceback" not in response.get_data(as_text=True)

    check()
