"""What publishes to the hub: a committed answer (from a phone, an import or a paper form) and
a moderation decision.

Answers are noticed by the ORM (an inserted `Response` seen at flush, published once its
transaction commits, dropped on rollback), so a path that stores answers as ORM objects need not
remember to announce them; the phones' writers, which insert rows without the ORM, note them with
survey.answers.note_stored, announced the same way. Only the session's id travels: pages
re-read their figures from the database (debounced), so an event can never show stale or
unmasked data.
"""
from __future__ import annotations

import threading

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..answers import STORED_ANSWERS as _PENDING
from ..answers import announce_committed, note_stored, on_answers_committed
from ..limits import LIVE_STREAMS_MAX
from ..models import Response
from .hub import Hub

EXTENSION = "pingjia.live"


_MAKING = threading.Lock()


def hub() -> Hub | None:
    """The app's hub, made on first use (one per app: tests run several apps in one process)."""
    if not has_app_context():
        return None
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        with _MAKING:
            found = current_app.extensions.get(EXTENSION)
            if found is None:
                found = Hub(max_streams=int(current_app.config.get("LIVE_STREAMS_MAX", LIVE_STREAMS_MAX)))
                if current_app.config.get("REDIS_URL"):
                    from .bridge import RedisBridge

                    found.connect(RedisBridge(current_app.config["REDIS_URL"], _channel()))
                current_app.extensions[EXTENSION] = found
    return found


def publish(kind: str, session_id: int | None, **data) -> None:
    """Announce to this process's pages and, with REDIS_URL, every other process's. A process
    with no page open yet makes no hub for it (no listener thread): with Redis it only sends."""
    if not has_app_context():
        return
    found = current_app.extensions.get(EXTENSION)
    if found is not None:
        found.publish(kind, session_id, **data)
    elif current_app.config.get("REDIS_URL"):
        from .bridge import send_only

        send_only(current_app.config["REDIS_URL"], _channel(), kind, session_id, data)


def _channel() -> str:
    return current_app.config.get("LIVE_CHANNEL", "pingjia:live")


@event.listens_for(Session, "after_flush")
def _note_answers(session: Session, _context) -> None:
    ids = {obj.session_id for obj in session.new if isinstance(obj, Response)}
    if ids:
        note_stored(session, ids)


@event.listens_for(Session, "after_commit")
def _announce_answers(session: Session) -> None:
    announce_committed(session.info.pop(_PENDING, ()))


@on_answers_committed
def _publish_answers(session_ids: list[int]) -> None:
    for session_id in session_ids:
        publish("answers", session_id)


@event.listens_for(Session, "after_rollback")
def _forget_answers(session: Session) -> None:
    session.info.pop(_PENDING, None)
