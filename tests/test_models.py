"""The data model: passwords, public codes, defaults, cascades and the uniqueness rules."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from support.staff import PLAN_ID, make_session

from survey.extensions import db
from survey.models import (
    _CODE_ALPHABET,
    EvaluationSession,
    Plan,
    Rating,
    Response,
    RosterEntry,
    StaffUser,
    new_public_code,
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_password_is_hashed(app):
    with app.app_context():
        user = StaffUser(username="amy")
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
        stored = db.session.scalar(select(StaffUser)).password_hash
        assert "correct horse" not in stored
        assert user.check_password("correct horse") and not user.check_password("wrong horse")


def test_usernames_are_unique(app):
    with app.app_context():
        db.session.add_all([StaffUser(username="amy", password_hash="x"), StaffUser(username="amy", password_hash="y")])
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_public_codes_avoid_look_alikes():
    codes = {new_public_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(_CODE_ALPHABET) for c in codes)
    assert not set("01ilo") & set(_CODE_ALPHABET)


def test_session_defaults_and_plan_link(app):
    code = make_session(app)
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        assert (s.status, s.status_label, s.is_open, s.is_demo) == ("draft", "草稿", False, False)
        assert s.plan.id == PLAN_ID and s.plan.definition.goals[0].id == "creation"
        assert [e.organisation for e in s.roster] == ["山东科技大学", "山东鲁普科技有限公司"]
        s.status = "open"
        assert s.is_open and s.status_label == "开放填写"


def _response(session, submission_id="abc") -> Response:
    return Response(session=session, submission_id=submission_id, organisation="泰山学院",
                    organisation_type="高校/科研院所",
                    ratings=[Rating(goal_id="creation", score=4), Rating(goal_id="culture", score=None)])


def test_deleting_a_session_removes_roster_responses_and_ratings(app):
    code = make_session(app)
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        db.session.add(_response(s))
        db.session.commit()
        assert (count(RosterEntry), count(Response), count(Rating)) == (2, 1, 2)
        db.session.delete(s)
        db.session.commit()
        assert (count(RosterEntry), count(Response), count(Rating)) == (0, 0, 0)
        assert count(Plan) == 1


def test_database_cascade_without_the_orm(app):
    # The ON DELETE CASCADE in the schema itself (SQLite needs PRAGMA foreign_keys=ON for this).
    code = make_session(app)
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        db.session.add(_response(s))
        db.session.commit()
        db.session.execute(EvaluationSession.__table__.delete())
        db.session.commit()
        assert (count(Response), count(Rating)) == (0, 0)


def test_a_retried_submission_is_stored_once(app):
    code = make_session(app)
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        db.session.add_all([_response(s, "same"), _response(s, "same")])
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_one_rating_per_goal(app):
    code = make_session(app)
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))
        r = _response(s)
        r.ratings.append(Rating(goal_id="creation", score=2))
        db.session.add(r)
        with pytest.raises(IntegrityError):
            db.session.commit()
