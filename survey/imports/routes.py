"""Staff pages for imports (login required): upload a file, see the first rows and the column
mapping before anything is stored, change the mapping, import. The rules are in `rules`."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..extensions import csrf
from ..guard import staff_blueprint
from ..limits import UPLOAD_MAX, body_limit
from ..sessions import session_or_404
from . import columns, platforms, uploads
from . import values as cell_values
from .readers import SUFFIXES, ImportFileError
from .rules import IMPORT_SOURCES, Checked, ImportRefused, already_imported, check, default_source, is_numbered, store

# The area's one blueprint: the upload pages here and the paper form (imports/paper.py).
bp = staff_blueprint("imports", __name__, url_prefix="/staff/sessions/<code>")
MAX_UPLOAD_BYTES = UPLOAD_MAX
PREVIEW_ROWS = 10
SHOWN_BAD_ROWS = 200
SHOWN_VALUES = 40  # distinct answers listed per rating column (a text column has hundreds)
AUTO = ""


class UploadForm(FlaskForm):
    file = FileField("答卷文件", validators=[FileRequired("请选择要导入的文件。")])
    source = SelectField("答卷来源", choices=[SelectChoice(AUTO, "自动识别（问卷星、腾讯问卷，其余为表格）")]
                         + [SelectChoice(s) for s in IMPORT_SOURCES], default=AUTO)

    def validate_file(self, field) -> None:
        name = (field.data.filename or "").lower() if field.data else ""
        if not name.endswith(SUFFIXES):
            raise ValidationError("只能导入 .xlsx、.xls 或 .csv 文件。")


@bp.route("/import", methods=["GET", "POST"])
@body_limit(MAX_UPLOAD_BYTES)
@csrf.exempt  # the form checks its own token, so a too-large file gets this page's message
def upload(code: str):
    session = session_or_404(code)
    try:
        if (request.content_length or 0) > request.max_content_length:  # refuse before reading any of it
            raise RequestEntityTooLarge()
        form = UploadForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = UploadForm(formdata=None)
        form.file.errors = [f"文件超过 {request.max_content_length / (1024 * 1024):g} MB，请分成几个文件导入。"]
        return render_template("imports/upload.html", session=session, form=form), 413
    if valid:
        saved = uploads.save(form.file.data, session.code)
        return redirect(url_for(".preview", code=session.code, token=saved.token, source=form.source.data or None))
    if form.csrf_token.errors:
        form.file.errors = list(form.file.errors) + ["页面已过期，请重新选择文件并上传。"]
    return render_template("imports/upload.html", session=session, form=form)


def _posted_mapping(header: list[str], goals) -> dict[int, str]:
    known = {field for field, _ in columns.field_choices(goals)}
    posted = {i: request.form.get(f"col-{i}", AUTO) for i in range(len(header))}
    return {i: field for i, field in posted.items() if field in known}


BAD_SCALE_FIELDS = "“评分对应”的提交内容有误（页面可能已过期或被改动），已按自动识别的对应重新检查，请核对后再导入。"


def _posted_scales(mapping: dict[int, str]) -> tuple[dict[int, dict[str, str]], str | None]:
    """The value mapping staff set on the preview: `val-<column>-<n>` is the score of the answer
    in `valkey-<column>-<n>` (only columns still mapped to a goal). A field this page never
    sends (no column number, a column that is not one) is left out and said once, in Chinese."""
    scales: dict[int, dict[str, str]] = {}
    problem = None
    for key, answer in request.form.items():
        if not key.startswith("valkey-"):
            continue
        column, _, n = key[len("valkey-"):].partition("-")
        if not (column.isascii() and column.isdigit() and len(column) <= 5 and n):
            problem = BAD_SCALE_FIELDS
            continue
        if not mapping.get(int(column), "").startswith(columns.GOAL_PREFIX):
            continue
        score = request.form.get(f"val-{column}-{n}")
        if score is not None and score in cell_values.SCORE_LABELS:
            scales.setdefault(int(column), {})[answer] = score
        elif score is not None:
            problem = BAD_SCALE_FIELDS
    return scales, problem


@bp.route("/import/<token>", methods=["GET", "POST"])
def preview(code: str, token: str):
    session = session_or_404(code)
    upload = uploads.load(token, session.code)
    if upload is None:
        flash("上传的文件已失效，请重新上传。", "error")
        return redirect(url_for(".upload", code=session.code))
    goals = session.plan.definition.goals
    try:
        sheet = uploads.read(upload)
    except ImportFileError as exc:
        uploads.discard(upload)
        form = UploadForm(formdata=None)
        form.file.errors = [str(exc)]
        return render_template("imports/upload.html", session=session, form=form), 400
    platform = platforms.detect(sheet)
    numbered = is_numbered(sheet, platform, goals)
    source = request.values.get("source") or default_source(platform)
    if source not in IMPORT_SOURCES:
        source = default_source(platform)
    scales, allow_missing, type_choices, scale_problem = {}, False, {}, None
    if request.method == "POST":
        mapping = _posted_mapping(sheet.header, goals)
        was_numbered = numbered
        numbered = request.form.get("numbered") == "1" if platform == platforms.WJX else False
        # Answers read differently once 按序号/按文本 changes: start from the guesses again.
        scales, scale_problem = _posted_scales(mapping) if numbered == was_numbered else ({}, None)
        allow_missing = request.form.get("allow_missing") == "1"
        type_choices = {written: request.form.get(f"type-{key[len('typekey-'):]}", "")
                        for key, written in request.form.items() if key.startswith("typekey-")}
    else:
        mapping = columns.suggest(sheet, goals, numbered=numbered)
    mapping_error = scale_problem
    try:
        checked = check(session, sheet, platform, mapping, numbered=numbered, scales=scales,
                        allow_missing=allow_missing, type_choices=type_choices)
    except ImportFileError as exc:  # a field given to two columns
        mapping_error = str(exc)
        checked = None
    if request.method == "POST" and request.form.get("action") == "import" and checked is not None \
            and scale_problem is None:
        only_good = request.form.get("only_good") == "1"
        try:
            report = store(session, checked, source, only_good=only_good)
        except ImportRefused as exc:
            flash(f"{exc}。" if not checked.bad or only_good else
                  "文件中有问题的行，未导入任何数据。请修改文件后重新上传，或选择只导入没有问题的行。", "error")
        else:
            uploads.discard(upload)
            message = f"已从 {upload.name} 导入 {report.added} 份答卷（来源：{report.source}）"
            if report.already:
                message += f"；{report.already} 份以前已导入过，未重复导入"
            if report.skipped_bad:
                message += f"；跳过有问题的 {report.skipped_bad} 行"
            flash(message + "。", "success")
            return redirect(url_for("staff.session_detail", code=session.code))
    return render_template("imports/preview.html", **_preview_context(
        session, upload, sheet, platform, numbered, mapping, checked, source, mapping_error))


def _preview_context(session, upload, sheet, platform, numbered, mapping, checked: Checked | None,
                     source, mapping_error):
    goals = session.plan.definition.goals
    samples = []
    for index, header in enumerate(sheet.header):
        values = [v for v in sheet.column(index) if v][:3]
        samples.append({"index": index, "letter": columns.column_letter(index), "header": header,
                        "values": values, "field": mapping.get(index, AUTO)})
    return dict(
        session=session, upload=upload, sheet=sheet, platform=platform, numbered=numbered,
        checked=checked, source=source, sources=IMPORT_SOURCES, mapping_error=mapping_error,
        columns=samples, choices=columns.field_choices(goals), goals=goals,
        scales=_scale_tables(sheet, checked) if checked else [], score_choices=cell_values.SCORE_CHOICES,
        type_changes=sorted(((w, k, n) for (w, k), n in checked.types.items() if w and w != k),
                            key=lambda t: (-t[2], t[0])) if checked else [],
        type_names=session.type_names,
        preview_rows=checked.rows[:PREVIEW_ROWS] if checked else [],
        bad_rows=checked.bad[:SHOWN_BAD_ROWS] if checked else [],
        already=already_imported(session, checked) if checked else 0,
        rated=checked.mapped_goals() if checked else [],
        kind=checked.kind if checked else platform,
    )



def _scale_tables(sheet, checked: Checked) -> list[dict]:
    """Per rating column: each distinct answer, how many rows give it and the score it becomes."""
    tables = []
    for index, scale in sorted(checked.scales.items()):
        counts = checked.option_counts(index)
        answers = sorted(scale, key=_answer_order(scale))
        tables.append({"index": index, "letter": columns.column_letter(index), "header": sheet.header[index],
                       "field": columns.field_label(checked.mapping[index], checked.goals),
                       "answers": [(n, a, counts[a], scale[a]) for n, a in enumerate(answers[:SHOWN_VALUES])],
                       "more": max(len(answers) - SHOWN_VALUES, 0)})
    return tables


_SCORE_ORDER = {"5": 0, "4": 1, "3": 2, "2": 3, "1": 4, "na": 5, "": 6}


def _answer_order(scale: dict[str, str]):
    """Option numbers in their order (1, 2, … as 按序号 numbers them); words from best to worst."""
    def key(answer: str):
        number = cell_values.written_number(answer)
        return (0, number, answer) if number is not None else (1, _SCORE_ORDER.get(scale[answer], 7), answer)
    return key
