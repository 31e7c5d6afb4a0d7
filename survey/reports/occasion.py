"""What kind of occasion the report writes up, and the words that go with it.

A round-table (a named session whose form is a meeting: 专题座谈会, 研讨会…) says 座谈 and
参会代表; an anonymous or online consultation says 问卷/征求意见 and 参与者 and never mentions a
roster; a group that mixes both says 评价 and 参与人员. One home for these words: the drafts,
the Word file, the HTML page and the annexes all ask `Occasion`.
"""
from __future__ import annotations

from dataclasses import dataclass

_MEETINGS = ("座谈", "研讨", "论证", "听证", "会议", "恳谈", "协商会")


def is_meeting(form: str) -> bool:
    return any(word in (form or "") for word in _MEETINGS)


@dataclass(frozen=True)
class Occasion:
    kind: str  # roundtable | consultation | mixed
    named: bool  # some session asked who answered (四 lists organisations by name)
    anonymous: bool  # some session was anonymous (四 counts answers by type)
    event: str  # 座谈 / 征求意见 / 问卷调查 / 评价: "本次{event}…", "{event}中，…"
    person: str  # 参会代表 / 参与者 / 参与人员

    @property
    def units(self) -> str:
        """Who the office thanks in （四）: the units at the table, or everyone who answered."""
        if self.kind == "roundtable":
            return "参会单位"
        return "参与单位" if self.named and not self.anonymous else "社会各界"

    @property
    def joined(self) -> str:
        return "参加" if self.kind == "roundtable" else "参与"


def occasion_for(sessions) -> Occasion:
    """The occasion of an evaluation's sessions (objects with `anonymous` and `form`)."""
    sessions = list(sessions)
    meetings = [not s.anonymous and is_meeting(s.form) for s in sessions]
    named = any(not s.anonymous for s in sessions)
    anonymous = any(s.anonymous for s in sessions)
    forms = "".join(s.form or "" for s in sessions)
    if sessions and all(meetings):
        return Occasion("roundtable", named, anonymous, "座谈" if "座谈" in forms else "会议", "参会代表")
    if any(meetings):
        return Occasion("mixed", named, anonymous, "评价", "参与人员")
    # an anonymous questionnaire is a consultation of the public: 征求意见, whatever the form says
    event = "问卷调查" if named and not anonymous and "问卷" in forms else "征求意见"
    return Occasion("consultation", named, anonymous, event, "参与者")
