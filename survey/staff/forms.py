"""Staff forms. Messages are Chinese; WTForms' own English parse errors are replaced."""
from __future__ import annotations

from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice  # tuples are deprecated in WTForms 3.3
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..extensions import db
from ..forms import PostedForm
from ..limits import EVALUATION_TITLE_MAX, ORGANISER_MAX, PLACE_MAX, ROSTER_MAX, SESSION_TITLE_MAX
from ..models import SESSION_FORMS, Plan
from ..roster import RosterError, parse_lines

NAMED, ANONYMOUS = "named", "anonymous"


class ChineseDateTimeLocalField(DateTimeLocalField):
    """<input type=datetime-local>; older browsers show a text box, so accept a space too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("请填写正确的日期和时间，例如 2023-11-15 14:30。") from None


class SessionForm(PostedForm):
    # validate_choice=False: the validate_* methods below say what's wrong in Chinese,
    # instead of WTForms' "Not a valid choice".
    plan = SelectField("评价的规划", validate_choice=False, validators=[InputRequired("请选择规划。")])
    title = StringField("活动名称", validators=[DataRequired("请填写活动名称。"),
                                             Length(max=SESSION_TITLE_MAX, message=f"活动名称不超过 {SESSION_TITLE_MAX} 字。")])
    form = SelectField("评价形式", choices=[SelectChoice(f, f) for f in SESSION_FORMS], validate_choice=False,
                       validators=[InputRequired("请选择评价形式。")])
    organiser = StringField("组织实施单位", validators=[DataRequired("请填写组织实施单位。"),
                                                   Length(max=ORGANISER_MAX, message=f"单位名称不超过 {ORGANISER_MAX} 字。")])
    starts_at = ChineseDateTimeLocalField("开始时间", validators=[InputRequired("请填写开始时间。")])
    place = StringField("地点", validators=[DataRequired("请填写地点。"),
                                          Length(max=PLACE_MAX, message=f"地点不超过 {PLACE_MAX} 字。")])
    respondents = RadioField("答卷人", default=NAMED, validate_choice=False, choices=[
        SelectChoice(NAMED, "实名：座谈会等，填写单位名称和单位类型，可附参会名单"),
        SelectChoice(ANONYMOUS, "匿名：公开征求意见，不问单位，身份类别选填（含“个人/群众”）"),
    ])
    roster = TextAreaField("参会单位（选填）", validators=[Length(
        max=ROSTER_MAX, message=f"名单已有 %(length)d 字，超过上限 {ROSTER_MAX} 字。请删去多余内容，"
                                f"或先用较短的名单创建，再用 pingjia create-session --roster 导入名单文件。")])

    def __init__(self, *args, plans: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan.choices = [SelectChoice("", "请选择…")] + [SelectChoice(v, label) for v, label in plans]
        self.roster_rows = []

    def validate_plan(self, field) -> None:
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError("请选择规划。")

    def validate_form(self, field) -> None:
        if field.data not in SESSION_FORMS:
            raise ValidationError("请选择评价形式。")

    def validate_respondents(self, field) -> None:
        if field.data is None:  # a page from before the choice existed: what it always meant
            field.data = NAMED
        if field.data not in (NAMED, ANONYMOUS):
            raise ValidationError("请选择实名或匿名。")

    @property
    def anonymous(self) -> bool:
        return self.respondents.data == ANONYMOUS

    def validate_roster(self, field) -> None:
        # The types a roster line may name are the chosen plan's (its aliases too).
        plan = db.session.get(Plan, self.plan.data) if self.plan.data else None
        types = plan.definition.types_for(self.anonymous) if plan is not None else ()
        try:
            self.roster_rows = parse_lines(field.data or "", *([types] if types else []))
        except RosterError as exc:
            raise ValidationError(f"{exc}。每行一个单位：单位, 姓名, 类型（姓名可省略）。") from None


class GroupForm(PostedForm):
    """Several sessions of one plan analysed together (the rules are in survey.evaluations)."""

    title = StringField("合并评价名称", validators=[DataRequired("请填写合并评价的名称。"),
                                               Length(max=EVALUATION_TITLE_MAX, message=f"名称不超过 {EVALUATION_TITLE_MAX} 字。")])
    codes = SelectMultipleField("选择活动", validate_choice=False)
