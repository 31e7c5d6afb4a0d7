"""Several server processes (PostgreSQL + Redis, REDIS_URL set): every event goes through one
Redis channel, and each process's hub delivers what the channel brings, so an answer stored by
one process reaches the walls open on every other.

Without REDIS_URL the hub delivers its own events directly. When Redis cannot be reached a
publish is delivered locally (this process's pages still hear it; the others catch up with
their next re-read, `hello`/`sync` or the polling fallback) and the listener keeps retrying.
"""
from __future__ import annotations

import json
import logging
import threading

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0


_CLIENTS: dict[str, object] = {}


def send_only(url: str, channel: str, kind: str, session_id: int | None, data: dict) -> None:
    """Publish from a process with no page listening (its hub not made): nothing to deliver here."""
    import redis

    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
    try:
        client.publish(channel, json.dumps({"kind": kind, "session": session_id, "data": data}))
    except Exception as exc:  # noqa: BLE001  (the other processes catch up on their next re-read)
        log.warning("实时更新：无法发布到 Redis（%s）", exc)


class RedisBridge:
    def __init__(self, url: str, channel: str):
        import redis  # only when REDIS_URL is set (huey's dependency)

        self.channel = channel
        self._client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._stop = threading.Event()
        self._ready = threading.Event()

    def start(self, deliver) -> None:
        threading.Thread(target=self._listen, args=(deliver,), name="pingjia-live-redis", daemon=True).start()
        self._ready.wait(2)  # usually subscribed by now, so the first events are not missed

    def send(self, kind: str, session_id: int | None, data: dict) -> bool:
        """True once Redis took it (every process, this one included, delivers it from there)."""
        if not self._ready.is_set():
            return False
        try:
            self._client.publish(self.channel, json.dumps({"kind": kind, "session": session_id, "data": data}))
            return True
        except Exception as exc:  # noqa: BLE001  (any Redis failure: deliver locally instead)
            log.warning("实时更新：无法发布到 Redis（%s），仅本进程的页面收到", exc)
            return False

    def stop(self) -> None:
        self._stop.set()

    def _listen(self, deliver) -> None:
        while not self._stop.is_set():
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.channel)
                self._ready.set()
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        event = json.loads(message["data"])
                        deliver(event["kind"], event.get("session"), event.get("data") or {})
            except Exception as exc:  # noqa: BLE001  (Redis gone: retry, publish locally meanwhile)
                self._ready.clear()
                log.warning("实时更新：Redis 连接中断（%s），%s 秒后重试", exc, RETRY_SECONDS)
                self._stop.wait(RETRY_SECONDS)
            finally:
                try:
                    pubsub.close()
                except Exception:  # noqa: BLE001
                    pass
