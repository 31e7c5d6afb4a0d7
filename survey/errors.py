"""Error pages in Chinese; a person never sees a bare Werkzeug error.

Before an error page is rendered the database session is rolled back: a failed statement
(PostgreSQL refusing a value, a constraint) leaves it unusable, and the page itself reads the
database (the logged-in user in the header), which would otherwise raise PendingRollbackError
inside the error handler and end in Werkzeug's bare page.
"""
from flask import Flask, Response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

_MESSAGES = {
    400: ("请求有误", "提交的内容无法识别，请返回上一页重试。"),
    403: ("没有权限", "您没有权限访问此页面。"),
    404: ("页面不存在", "您访问的页面不存在，请检查链接或二维码是否正确。"),
    405: ("操作不支持", "此页面不支持该操作，请返回上一页。"),
    413: ("内容过长", "提交的内容超过了允许的大小，请删减后重试。"),
    429: ("操作过于频繁", "请求次数过多，请稍等几分钟后再试。"),
    500: ("系统出错", "系统暂时出现问题，请稍后再试；如一直出现，请联系会务人员。"),
}


def _roll_back() -> None:
    from .extensions import db

    try:
        db.session.rollback()
    except Exception:  # a dead connection: the page must still render
        db.session.close()


def size_text(limit: int) -> str:
    """A body limit as staff read it: 16 MB, 64 KB."""
    if limit >= 1024 * 1024:
        return f"{round(limit / (1024 * 1024), 1):g} MB"
    return f"{limit // 1024} KB"


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        _roll_back()
        return render_template("error.html", code=400, title="页面已过期",
                               message="页面停留时间过长，安全校验已失效。请返回上一页刷新后重新提交。"), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        _roll_back()
        code = exc.code or 500
        title, message = _MESSAGES.get(code, ("出错了", "请求未能完成，请稍后再试。"))
        if code == 413 and request.max_content_length:
            message = f"提交的内容超过了允许的大小（{size_text(request.max_content_length)}），请删减后重试。"
        if request_ctx.url_adapter is None:
            # A Host outside TRUSTED_HOSTS: no URLs can be built, so no page with links.
            return Response(f"{title}：{message}\n", status=code, mimetype="text/plain")
        return render_template("error.html", code=code, title=title, message=message), code
