"""Who said what, with counts: "5位参会代表（来自3家企业、2所高校院所）反映……等问题。"

Statements are grouped by theme (a statement in no theme stands alone); a group of one kind
becomes one voice: a claim that counts the people of the group (and their organisations or
types), says what one of them said as reported speech (speech.py) with the kind's verb, and
stands on every statement of the group. The example is the most telling statement whose
clause can be said in the third person and fits the point; staff may choose another.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from .claims import Claim
from .figures import figure, organisations_by_type, people_by_type
from .speech import clause_for, fitting, point_terms, speaks_as_self, tells_what_is_wrong

# Named sessions: (measure word, what the organisations are) per type, "3家企业".
_UNITS = {"高校/科研院所": ("所", "高校院所"), "企业": ("家", "企业"), "服务机构": ("家", "服务机构"),
          "政府部门": ("个", "政府部门"), "个体工商户": ("户", "个体工商户"), "行业协会商会": ("家", "行业协会商会"),
          "社会组织": ("家", "社会组织"), "金融机构": ("家", "金融机构"), "个人/群众": ("位", "群众"),
          "其他": ("家", "其他单位")}
# Anonymous sessions: what people of one type are called, "3位个体工商户".
_PEOPLE = {"": "未填写类型", "未填写": "未填写类型", "企业": "企业人员", "高校/科研院所": "高校院所人员", "服务机构": "服务机构人员", "政府部门": "机关事业单位人员",
           "个体工商户": "个体工商户", "个人/群众": "群众", "行业协会商会": "行业协会商会人员", "金融机构": "金融机构人员"}
_UNSTATED = ("", "未填写", "其他")
TYPES_SHOWN = 3  # "（来自7家企业、2所高校院所、1家服务机构等）"


@dataclass
class Group:
    kind: str
    theme: int | None
    rows: list
    fit: dict | None = None  # the point its rows were chosen to illustrate (speech.point_terms)

    @property
    def key(self) -> str:
        return f"t{self.theme}" if self.theme is not None else f"s{min(r.id for r in self.rows)}"

    @property
    def args(self) -> dict:
        args = {"kind": self.kind, "theme": self.theme} if self.theme is not None else {
            "kind": self.kind, "ids": sorted(r.id for r in self.rows)}
        return {**args, "fit": self.fit} if self.fit else args

    @property
    def staff_name(self) -> str:
        first = self.rows[0]
        return first.theme_label.strip().rstrip("。") if self.theme is not None and not first.theme_machine_label else ""

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.rows)

    def majority(self, attribute: str, allowed: set) -> str | None:
        votes = Counter(getattr(r, attribute) for r in self.rows if getattr(r, attribute) in allowed)
        return votes.most_common(1)[0][0] if votes else None


def groups_of(rows, kind: str) -> list[Group]:
    """Rows of one kind by theme, the groups most people spoke to first."""
    by: dict[object, list] = defaultdict(list)
    for r in rows:
        if r.kind == kind:
            by[r.theme_id if r.theme_id is not None else ("row", r.id)].append(r)
    groups = [Group(kind, k if not isinstance(k, tuple) else None, v) for k, v in by.items()]
    return sorted(groups, key=lambda g: (-len({r.response_id for r in g.rows}), -len(g.rows), min(r.id for r in g.rows)))


def ranked(rows) -> list:
    """Statements staff placed first, then the machine's most confident; none with contact details."""
    return sorted((r for r in rows if not r.has_contact), key=lambda r: (not r.reviewed, -r.confidence, r.id))


def examples(group: Group) -> list[tuple[Any, str]]:
    """(statement, clause) for every statement of the group that can be reported; clauses that
    needed no rewriting into the third person first (an anecdote is a poor example for many),
    and for a problem, clauses that say what is wrong before plain facts from the same letter."""
    out = []
    for r in ranked(group.rows):
        said = clause_for(group.kind, r.text, r.organisation_type)
        if said:
            out.append((r, said))
    problem = group.kind == "problem"
    return sorted(out, key=lambda rc: (speaks_as_self(rc[0].text), problem and not tells_what_is_wrong(rc[1])))


def who(group: Group, data) -> tuple[str, list]:
    """"5位参会代表（来自3家企业、2所高校院所）" / "4位参与者（企业3位、群众1位）", with its figures."""
    occasion, rows, args = data.occasion, group.rows, group.args
    n = len({r.response_id for r in rows})
    if occasion.named and any(r.organisation for r in rows):
        by = organisations_by_type(rows)
        parts = [(t, k, *_UNITS.get(t, ("家", t or "单位"))) for t, k in by.items()]
        if len(parts) == 1:
            t, k, unit, noun = parts[0]
            fmt = f"{{v}}位{noun}代表"
            figures = [figure("people", args, data, fmt)]
            if k != n:
                figures.append(figure("organisations_of_type", {**args, "type": t}, data, f"{{v}}{unit}{noun}"))
                return f"{figures[0].text}（来自{figures[1].text}）", figures
            return figures[0].text, figures
        head = figure("people", args, data, f"{{v}}位{occasion.person}")
        parts.sort(key=lambda p: p[0] == "其他")  # 其他单位 last
        parts_f = [figure("organisations_of_type", {**args, "type": t}, data, f"{{v}}{unit}{noun}")
                   for t, _, unit, noun in parts[:TYPES_SHOWN]]
        more = "等" if len(parts) > TYPES_SHOWN else ""
        return f"{head.text}（来自{'、'.join(f.text for f in parts_f)}{more}）", [head, *parts_f]
    by = people_by_type(rows)
    if len(by) == 1 and next(iter(by)) not in _UNSTATED:
        t = next(iter(by))
        head = figure("people", args, data, f"{{v}}位{_PEOPLE.get(t, t)}")
        return head.text, [head]
    head = figure("people", args, data, f"{{v}}位{occasion.person}")
    if not any(t not in _UNSTATED for t in by):
        return head.text, [head]
    shown = sorted(by, key=lambda t: t in _UNSTATED)[:TYPES_SHOWN]  # 未填写类型 last, as 其他单位 above
    parts_f = [figure("people_of_type", {**args, "type": t}, data, f"{_PEOPLE.get(t, t).removesuffix('人员')}{{v}}位")
               for t in shown]
    more = "等" if len(by) > TYPES_SHOWN else ""
    return f"{head.text}（{'、'.join(f.text for f in parts_f)}{more}）", [head, *parts_f]


def voice(block: str, group: Group, data, *, key: str, fit: dict | None = None, lead: str = "",
          also: bool = False, use_name: bool = False) -> Claim | None:
    """The group as one sentence, or None when none of its statements can illustrate the
    point. fit: the point it is placed under ({"category": id} or {"measure": id}); only the
    statements whose words fit it are counted and may be the example. Staff's decisions on
    the claim (data.decisions) choose the example (any reportable statement of the group) or
    drop it; staff's name of the theme is used for a problem when use_name."""
    decision = data.decisions.get((block, key))
    chosen = decision.example_id if decision else None
    found = examples(group)
    said_by = group
    if fit:
        said_by = Group(group.kind, group.theme, fitting(group.rows, group.kind, point_terms(data, fit)), fit)
    pick = next(((r, c) for r, c in found if r.id == chosen), None)
    name = group.staff_name if use_name and pick is None else ""
    if pick is None and not name:
        pick = next(iter(examples(said_by)), None) if said_by.rows else None
        if pick is None:
            return None
    if not said_by.rows:  # staff's choice or name stands for the whole group
        said_by = group
    if (pick and pick[0].id != chosen and group.kind == "problem" and not data.occasion.named
            and not tells_what_is_wrong(pick[1])):
        # A letter tells its story in sentences of fact ("……日前发布《……》"); a group whose
        # sentences name nothing wrong is no problem to report (examples() puts one that does
        # first). A round-table remark is its point, however it is worded, so named sessions
        # keep theirs.
        return None
    speakers, figures = who(said_by, data)
    many = len(said_by.rows) > 1
    said = name or pick[1]
    still = "还" if also else ""
    if group.kind == "problem":
        body = f"反映{said}的问题" if name else f"反映{said}{'等问题' if many else ''}"
        body = ("还反映了" + body[2:]) if also else body
    elif group.kind == "suggestion":
        body = f"{still}提出{said}等建议" if many else f"{still}建议{said}"
    else:
        body = f"{still}肯定{said}"
    return Claim(key=key, text=f"{lead}{speakers}{body}。", basis="statements", statements=said_by.ids,
                 figures=tuple(figures), example_id=pick[0].id if pick else None,
                 candidates=tuple(r.id for r, _ in found), droppable=True,
                 dropped=bool(decision and decision.dropped), staff_example=pick is not None and pick[0].id == chosen)
