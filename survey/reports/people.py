"""Who took part (四、参与人员), and the counts the text states about them.

A named session lists its roster plus every organisation that answered and is not on it (in
the order of its first answer); an anonymous one lists no names, only how many answers came
from each respondent type. The text's "共有N家单位参加" and "收回问卷N份（企业a份…）" count
exactly what 四 lists, so the three always agree.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UNSTATED_TYPE = "未填写"  # an anonymous participant who chose no type


@dataclass
class Participant:
    organisation: str
    person: str
    organisation_type: str
    on_roster: bool = True


def organisation_key(name: str) -> str:
    """Names compared the way people write them: width, spaces and brackets don't matter."""
    text = unicodedata.normalize("NFKC", name or "")
    return re.sub(r"[\s()（）·・\-—]", "", text)


def _same(key: str, known: list[str]) -> bool:
    # "力博重工" answering for the roster's "力博重工科技股份有限公司" is the same organisation
    return any(key == k or (min(len(key), len(k)) >= 4 and (key in k or k in key)) for k in known)


def participants_of(sessions, responses) -> list[Participant]:
    """四's rows: every named session's roster, then organisations that answered without being
    on it. One person at several sessions is listed once."""
    named = {s.id for s in sessions if not s.anonymous}
    rows: dict[tuple[str, str], Participant] = {}
    for s in sessions:
        if s.id in named:
            for e in s.roster:
                rows.setdefault((organisation_key(e.organisation), e.person), Participant(
                    e.organisation, e.person, e.organisation_type))
    known = [key for key, _ in rows]
    for r in responses:
        key = organisation_key(r.organisation)
        if r.session_id in named and key and not _same(key, known):
            rows[(key, "")] = Participant(r.organisation.strip(), "", r.organisation_type, on_roster=False)
            known.append(key)
    return list(rows.values())


def mask_unlisted(participants: list[Participant], mask) -> None:
    """Organisations typed by whoever answered (not on the roster) masked like their text:
    people without one write their own name and number."""
    for p in participants:
        if not p.on_roster:
            p.organisation = mask.organisation(p.organisation)


def organisations_of(participants: list[Participant]) -> list[str]:
    """The distinct organisations 四 lists (one per organisation, however many people)."""
    seen: dict[str, str] = {}
    for p in participants:
        seen.setdefault(organisation_key(p.organisation), p.organisation)
    return list(seen.values())


def answers_by_type(sessions, responses, type_order: list[str]) -> dict[str, int]:
    """How many answers each respondent type gave in the anonymous sessions, in the plan's
    order (未填写 last); types with no answer are left out."""
    anonymous = {s.id for s in sessions if s.anonymous}
    tally: dict[str, int] = {}
    for r in responses:
        if r.session_id in anonymous:
            kind = r.organisation_type or UNSTATED_TYPE
            tally[kind] = tally.get(kind, 0) + 1
    order = {t: i for i, t in enumerate([*type_order, UNSTATED_TYPE])}
    return dict(sorted(tally.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
