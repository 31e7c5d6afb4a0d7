"""Error pages are Chinese, including for crashes and expired CSRF tokens."""


def test_404_and_405_are_chinese(client):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "页面不存在" in missing.get_data(as_text=True)
    wrong = client.get("/staff/logout")
    assert wrong.status_code == 405 and "此页面不支持该操作" in wrong.get_data(as_text=True)


def test_unhandled_exception_shows_the_chinese_500_page(app):
    def boom():
        raise RuntimeError("bug")

    app.add_url_rule("/boom", view_func=boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "系统暂时出现问题" in response.get_data(as_text=True)


def test_missing_csrf_token_explains_itself(client):
    # CSRFProtect checks every POST before the view runs, so this is the error page's message.
    response = client.post("/staff/login", data={"username": "amy", "password": "x"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_error_page_after_a_failed_statement_rolls_back(app):
    # issue 17: on PostgreSQL a refused value left the session needing a rollback; the error
    # page reads the logged-in user, hit PendingRollbackError and Werkzeug's bare page came out.
    from support.staff import add_staff, log_in

    from survey.extensions import db
    from survey.models import StaffUser

    def fails_mid_transaction():
        db.session.add(StaffUser(username=None))  # NOT NULL: the flush fails
        db.session.flush()

    app.add_url_rule("/fails", view_func=fails_mid_transaction)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    add_staff(app)
    client = app.test_client()
    log_in(client)
    response = client.get("/fails")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "系统暂时出现问题" in html and "amy" in html  # the page with its header, for the logged-in user
