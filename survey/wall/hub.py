"""A small in-process event hub for server-sent events: the wall, the moderation queue and the
staff pages listen; answers and moderation decisions publish.

Each event gets an id `<boot>-<n>`: `n` counts up within this server process and `boot` is new
each start, so a page reconnecting after a restart (its Last-Event-ID from the old process) is
told to re-read everything (`sync`) rather than replayed the wrong events. The last `KEEP`
events are kept for a page that lost its connection for a moment.

Streams hold no database connection (they read only the hub) and are counted: beyond
`max_streams` at once a page is refused (503) and polls instead, so open walls can never take
every server thread from the phones (`pingjia serve` adds as many threads as streams allowed,
survey/serve.py).
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

KEEP = 1000
HEARTBEAT_SECONDS = 15
STREAM_SECONDS = 300  # a stream ends after this and the browser reconnects (proxies drop idle ones)
RETRY_MS = 2000


@dataclass(frozen=True)
class Event:
    n: int
    kind: str  # answers | comments | sync
    session_id: int | None
    data: str  # JSON


class Hub:
    def __init__(self, max_streams: int = 16, bridge=None):
        self.boot = secrets.token_hex(4)
        self._bridge = bridge  # survey/wall/bridge.py: events shared by several processes
        self.max_streams = max_streams
        self._cond = threading.Condition()
        self._events: deque[Event] = deque(maxlen=KEEP)
        self._n = 0
        self._streams = 0
        self._closed = False
        self.published = 0

    # ---- publishing -----------------------------------------------------------------------
    def publish(self, kind: str, session_id: int | None, **data) -> None:
        if self._bridge is not None and self._bridge.send(kind, session_id, data):
            return  # delivered to every process's hub, this one's included, by the bridge
        self.deliver(kind, session_id, data)

    def connect(self, bridge) -> None:
        self._bridge = bridge
        bridge.start(self.deliver)

    def deliver(self, kind: str, session_id: int | None, data: dict) -> Event:
        with self._cond:
            self._n += 1
            event = Event(self._n, kind, session_id, json.dumps({"session": session_id, **data}))
            self._events.append(event)
            self.published += 1
            self._cond.notify_all()
        return event

    def close(self) -> None:
        """Wake every stream so it ends (the server is stopping)."""
        if self._bridge is not None:
            self._bridge.stop()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # ---- reading --------------------------------------------------------------------------
    def event_id(self, event: Event) -> str:
        return f"{self.boot}-{event.n}"

    def position(self, last_event_id: str | None) -> int | None:
        """Where a reconnecting page resumes; None when it must re-read everything (no id, an
        id from before a restart, or older than what is kept)."""
        boot, _, n = (last_event_id or "").partition("-")
        if boot != self.boot or not n.isdigit():
            return None
        with self._cond:
            oldest = self._events[0].n if self._events else self._n + 1
            if int(n) < oldest - 1 or int(n) > self._n:
                return None
        return int(n)

    def latest(self) -> int:
        with self._cond:
            return self._n

    def wait(self, after: int, timeout: float) -> list[Event]:
        """Events after `after`, waiting up to `timeout` seconds for one."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._n <= after and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._cond.wait(left)
            return [e for e in self._events if e.n > after]

    # ---- streams --------------------------------------------------------------------------
    def claim_stream(self) -> bool:
        with self._cond:
            if self._streams >= self.max_streams or self._closed:
                return False
            self._streams += 1
            return True

    def release_stream(self) -> None:
        with self._cond:
            self._streams -= 1

    @property
    def open_streams(self) -> int:
        return self._streams

    def stream(self, session_ids: Iterable[int], last_event_id: str | None, *,
               heartbeat: float = HEARTBEAT_SECONDS, lifetime: float = STREAM_SECONDS) -> Iterator[str]:
        """The text/event-stream body for pages that follow `session_ids`. Call only after
        `claim_stream()` succeeded; the response releases the slot when it closes (WSGI `close`,
        also for a client gone before the first byte, which a generator's `finally` would miss)."""
        wanted = set(session_ids)
        # Where to start is fixed now, as the request is answered, not when the server first
        # iterates the body: an answer committed in between is sent, not skipped.
        cursor = self.position(last_event_id)
        first = "hello" if cursor is not None else "sync"
        if cursor is None:
            cursor = self.latest()
        return self._flow(wanted, cursor, first, heartbeat, lifetime)

    def _flow(self, wanted: set[int], cursor: int, first: str, heartbeat: float,
              lifetime: float) -> Iterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        # Every connection starts with an event, so a page knows its stream really flows (a
        # proxy that buffers would hold it back, and the page keeps polling). `sync`: re-read
        # everything (a first connection, or one from before a restart); `hello`: resumed.
        yield self._format(f"{self.boot}-{cursor}", first, json.dumps({"boot": self.boot}))
        ends = time.monotonic() + lifetime
        while time.monotonic() < ends and not self._closed:
            events = self.wait(cursor, heartbeat)
            if not events:
                # Keeps proxies from closing an idle stream, and tells the page it is still alive.
                yield self._format(f"{self.boot}-{cursor}", "ping", "{}")
                continue
            for event in events:
                cursor = event.n
                if event.session_id is None or event.session_id in wanted:
                    yield self._format(self.event_id(event), event.kind, event.data)

    @staticmethod
    def _format(event_id: str, kind: str, data: str) -> str:
        return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n"
