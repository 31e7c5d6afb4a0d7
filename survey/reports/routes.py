"""Staff pages for the report (login required): the HTML report, Word/Excel/CSV downloads and
the session photos of section 五. Thin callers of data/docx/html/exports/photos.

Downloads are always masked (they leave the office); only the report page inside the app
can show unmasked text, and only when staff ask for it (?unmasked=1). A download whose staff
text states figures the data no longer bears out says which blocks first (a page with the
figures, 去修改 and 仍然下载), so no stale number leaves the office unnoticed.
"""
from __future__ import annotations

import io
import secrets

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask import session as flask_session
from flask_login import current_user

from ..extensions import db
from ..guard import staff_blueprint
from ..limits import PHOTOS_BODY_MAX, PHOTOS_PER_UPLOAD, body_limit
from ..security import csp_allowing_style
from ..sessions import owned_or_404, session_or_404
from .blocks import document_for
from .data import ReportError
from .models import SessionPhoto
from .photos import CAPTION_MAX, MAX_BYTES, PhotoError, add_photo, check_caption, delete_photo, photo_dir

bp = staff_blueprint("reports", __name__)
MAX_PHOTOS_PER_UPLOAD = PHOTOS_PER_UPLOAD
KEPT_CAPTION = "photo_caption"  # a refused caption, put back into the form once
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



def _flag(name: str) -> bool:
    return request.args.get(name) in ("1", "true", "on")


def _annexes() -> bool:
    """The editor's switch sends annex=0 (hidden) and, when ticked, annex=1 after it."""
    return request.args.getlist("annex")[-1:] != ["0"]


def _theme_names() -> str:
    return "confirmed" if request.args.get("theme_names") == "confirmed" else "mark"


def _report(code: str, *, unmasked: bool = False):
    try:
        data = document_for(code, reviewed_only=_flag("reviewed_only"), unmasked=unmasked,
                            theme_names=_theme_names())
    except ReportError:
        abort(404)
    db.session.commit()  # a session's first use records its Evaluation
    return data


def _attachment(data: bytes, name: str, mimetype: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/reports/<code>")
def report_page(code: str):
    from .html import render_html

    unmasked = _flag("unmasked")
    data = _report(code, unmasked=unmasked)
    scope = {"reviewed_only": 1} if data.reviewed_only else {}
    links = {
        "编辑报告文字": url_for("reports.editor", code=data.code),
        "下载 Word": url_for("reports.report_docx", code=data.code, **scope),
        "下载网页版": url_for("reports.report_html", code=data.code, **scope),
        "导出 Excel": url_for("reports.export_xlsx", code=data.code),
        "导出 CSV": url_for("reports.export_csv", code=data.code),
        ("统计全部意见" if data.reviewed_only else "只统计已审核意见"):
            url_for("reports.report_page", code=data.code, **({} if data.reviewed_only else {"reviewed_only": 1}),
                    **({"unmasked": 1} if unmasked else {})),
        ("遮盖个人信息" if unmasked else "显示未遮盖原文（仅内部查看）"):
            url_for("reports.report_page", code=data.code, **scope, **({} if unmasked else {"unmasked": 1})),
    }
    nonce = secrets.token_urlsafe(16)
    response = Response(render_html(data, links=links, style_nonce=nonce, annexes=_annexes()), mimetype="text/html")
    response.headers["Content-Security-Policy"] = csp_allowing_style(nonce)
    response.headers["Cache-Control"] = "no-store"  # may hold unmasked text
    return response


def _stale_page(data):
    """Before a download with stale figures: which blocks, what they say and what the data says."""
    from .drafts import HEADINGS

    again = url_for(request.endpoint, code=data.code, **{**request.args.to_dict(flat=False), "stale": "ok"})
    page = render_template("reports/stale.html", data=data, headings=HEADINGS, again=again,
                           editor=url_for("reports.editor", code=data.code))
    return page, 409


@bp.route("/reports/<code>/report.docx")
def report_docx(code: str):
    from .docx import render_docx

    data = _report(code)
    if data.stale and request.args.get("stale") != "ok":
        return _stale_page(data)
    buf = io.BytesIO()
    render_docx(data, buf, annexes=_annexes())
    return _attachment(buf.getvalue(), f"政策评价情况-{data.code}.docx", DOCX)


@bp.route("/reports/<code>/report.html")
def report_html(code: str):
    from .html import render_html

    data = _report(code)
    if data.stale and request.args.get("stale") != "ok":
        return _stale_page(data)
    return _attachment(render_html(data, annexes=_annexes()).encode("utf-8"), f"政策评价情况-{data.code}.html", "text/html")


def _tables(code: str):
    """The export tables of a session or group code (404 for an unknown one)."""
    from .exports import build_tables

    try:
        tables = build_tables(code)
    except ReportError:
        abort(404)
    db.session.commit()  # a session's first use records its Evaluation
    return tables


@bp.route("/reports/<code>/export.xlsx")
def export_xlsx(code: str):
    from .exports import write_xlsx

    buf = io.BytesIO()
    write_xlsx(_tables(code), buf)
    return _attachment(buf.getvalue(), f"评价数据-{code}.xlsx", XLSX)


@bp.route("/reports/<code>/export-csv.zip")
def export_csv(code: str):
    from .exports import csv_zip

    return _attachment(csv_zip(_tables(code)), f"评价数据-{code}-csv.zip", "application/zip")


# ---- photos ------------------------------------------------------------------------------------


@bp.route("/sessions/<code>/photos", methods=["POST"])
@body_limit(PHOTOS_BODY_MAX)  # five photos of up to 10 MB each
def photo_upload(code: str):
    session = session_or_404(code)
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    back = redirect(url_for("staff.session_detail", code=session.code) + "#photos")
    if not files:
        flash("请选择要上传的图片（JPEG 或 PNG）。", "error")
        return back
    if len(files) > MAX_PHOTOS_PER_UPLOAD:
        flash(f"一次最多上传 {MAX_PHOTOS_PER_UPLOAD} 张图片。", "error")
        return back
    caption = request.form.get("caption", "")
    try:  # before any file is read: one refusal, the caption kept for the form
        check_caption(caption)
    except PhotoError as exc:  # shown in the photo card, where the redirect lands
        flask_session[KEPT_CAPTION] = {"caption": caption[:CAPTION_MAX * 2], "error": str(exc)}
        return back
    added, errors = 0, []
    for f in files:
        try:
            add_photo(session, f.read(MAX_BYTES + 1), original_name=f.filename, caption=caption, user=current_user)
            added += 1
        except PhotoError as exc:
            errors.append(f"{f.filename}：{exc}")
        finally:
            f.close()  # large uploads are spooled to a temporary file
    db.session.commit()
    if added:
        flash(f"已上传 {added} 张图片（已去除拍摄位置等元数据）。", "success")
    for message in errors:
        flash(message, "error")
    return back


@bp.route("/sessions/<code>/photos/<int:photo_id>")
def photo_file(code: str, photo_id: int):
    session = session_or_404(code)
    photo = owned_or_404(SessionPhoto, photo_id, session_id=session.id)
    return send_file(photo_dir(session) / photo.filename, mimetype=photo.content_type)


@bp.route("/sessions/<code>/photos/<int:photo_id>/delete", methods=["POST"])
def photo_delete(code: str, photo_id: int):
    session = session_or_404(code)
    photo = owned_or_404(SessionPhoto, photo_id, session_id=session.id)
    delete_photo(photo)
    db.session.commit()
    flash("已删除图片。", "success")
    return redirect(url_for("staff.session_detail", code=session.code) + "#photos")


@bp.app_template_global("session_photos")
def _session_photos_global(session):
    """The session page lists its photos without the staff view having to know about them."""
    from .photos import session_photos

    return session_photos(session)


@bp.app_template_global("refused_caption")
def _refused_caption() -> dict:
    """A refused caption and why (once), so staff fix it rather than type it again."""
    kept = flask_session.pop(KEPT_CAPTION, None)
    return kept if isinstance(kept, dict) else {"caption": "", "error": ""}
