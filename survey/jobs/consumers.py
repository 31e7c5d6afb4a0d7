"""huey's consumers: worker threads inside `pingjia serve` / `pingjia demo`, and the stand-alone
`pingjia worker`. Imported only where jobs are consumed, so huey stays out of create_app."""
from __future__ import annotations

import atexit
import logging
import signal
import threading
import time
from collections.abc import Callable

from flask import Flask
from huey import Huey
from huey.consumer import Consumer

# what the queue gives a consumer (survey.jobs.queue owns the runs; this module imports nothing of it,
# so the queue can import this one where a consumer starts)
OnStop = Callable[[Flask], None]

log = logging.getLogger("survey.jobs.queue")


class StoppingConsumer(Consumer):
    """huey's consumer, marking the jobs it runs when it stops (huey leaves thread workers to
    die with the process)."""

    def __init__(self, app: Flask, on_stop: OnStop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app
        self.on_stop = on_stop  # marks the runs this process is executing
        self._stopped = False

    def stop(self, graceful: bool = False) -> None:
        if not self._stopped:
            self._stopped = True
            self.on_stop(self.app)
        super().stop(graceful=False)  # the jobs are marked: nothing left worth waiting for


class EmbeddedConsumer(StoppingConsumer):
    """A consumer living inside another process (the web server), which owns the signals."""

    JOIN_SECONDS = 120

    def _set_signal_handlers(self) -> None:
        pass

    def stop(self, graceful: bool = False) -> None:
        """graceful: also wait (bounded) for the worker threads to finish the task in hand, so
        none still holds a database connection when the caller disposes of the app (tests); the
        server's own stop does not wait: the process is ending."""
        super().stop(graceful)
        if graceful:
            deadline = time.monotonic() + self.JOIN_SECONDS
            for thread in [t for _, t in self.worker_threads] + [self.scheduler]:
                thread.join(max(0.0, deadline - time.monotonic()))


# An idle huey worker polls less and less often (up to 10 s by default): a click would wait
# for the next poll before its analysis even starts. Results first means polling often (a
# cheap query on the queue's storage).
POLL_MAX_SECONDS = 0.5


def start_embedded_consumer(app: Flask, huey: Huey, on_stop: OnStop, lock: str, *, workers: int = 2) -> Consumer:
    """Worker threads in this process, so `pingjia serve` / `pingjia demo` need nothing else:
    two, so an analysis never waits behind the word clouds of the previous one.

    In the main thread, with SIGTERM at its default (the process would just die), SIGTERM
    is turned into KeyboardInterrupt: waitress ends its loop, the caller's `finally` stops
    this consumer, which marks the running jobs. A second SIGTERM kills at once."""
    consumer = EmbeddedConsumer(app, on_stop, huey, workers=workers, worker_type="thread", periodic=False,
                                check_worker_health=False, max_delay=POLL_MAX_SECONDS,
                                extra_locks=lock)  # a drawing lock left by a killed process
    consumer.start()
    _interrupt_on_sigterm(consumer)
    atexit.register(consumer.stop)
    log.info("embedded huey consumer started (%s worker thread(s))", workers)
    return consumer


def _interrupt_on_sigterm(consumer: EmbeddedConsumer) -> None:
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def on_sigterm(_signum, _frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second one ends the process
        raise KeyboardInterrupt("SIGTERM")

    signal.signal(signal.SIGTERM, on_sigterm)
    real_stop = consumer.stop

    def stop(graceful: bool = False) -> None:
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        real_stop(graceful)

    consumer.stop = stop


def worker_consumer(app: Flask, huey: Huey, on_stop: OnStop, lock: str, *, workers: int = 1) -> Consumer:
    """A stand-alone consumer for `pingjia worker`: SIGTERM and Ctrl+C stop it, marking its jobs."""
    return StoppingConsumer(app, on_stop, huey, workers=workers, worker_type="thread", periodic=False,
                            max_delay=POLL_MAX_SECONDS, extra_locks=lock)
