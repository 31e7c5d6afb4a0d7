"""Analysis runs as jobs: enqueue once, report progress, finish or fail with a Chinese reason.

- `enqueue_analysis` (survey.jobs.queue) inserts a queued run with `active_evaluation_id` set; the unique
  constraint (not a look-up) makes a second click, or a second member of staff, find the
  run already waiting instead of starting another.
- The task claims its run (queued → running), writes stage/done/total and a heartbeat in
  a database session of its own while the pipeline calls back, then sets done or failed
  and clears `active_evaluation_id`.
- A run is never left "running" forever: whoever reads it (page, status endpoint, the
  next click) marks a running run whose heartbeat stopped, or a queued run no worker took,
  as failed with a reason staff can act on. Failed runs are retried as a new run.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..busy import is_database_busy
from ..extensions import db
from ..models import Evaluation, utcnow
from ..review.models import AnalysisRun

log = logging.getLogger(__name__)

# Stage keys stored on the run (the pipeline's, plus ours), and what staff read.
STAGES = {"queued": "排队等待", "start": "准备数据", "split": "拆分句子", "embed": "计算向量",
          "map": "归类", "rank": "排序", "themes": "提炼主题", "save": "保存结果",
          "wordclouds": "绘制词云", "done": "已完成", "failed": "失败"}
_STAGE_KEYS = {"绘制词云": "wordclouds"}  # analysis.report names its stage in Chinese

WORKER_DIED = "分析进程意外中断（超过 {minutes} 分钟没有进展），可能是服务器重启或内存不足。请点击“重试”。"
NOT_TAKEN = ("分析任务排队超过 {minutes} 分钟仍未开始：后台分析进程可能没有运行"
             "（用 pingjia serve 启动网站，或另开窗口运行 pingjia worker）。请确认后点击“重试”。")
CRASHED = "分析过程出错（{kind}），详细信息已写入服务器日志。请点击“重试”；如果再次失败，请联系技术人员。"
DATABASE_BUSY = ("保存分析结果时数据库一直被占用（可能有另一项分析或导入正在保存）。请稍候一两分钟后点击“重试”；"
                 "SQLite 一次只能由一个程序写入，同时运行 pingjia analyze-session 和网页上的分析会这样。")
FINISH_WAIT_SECONDS = 120  # how long the job waits to record its end while another writer holds SQLite
QUEUE_DOWN = "无法把分析任务放入任务队列（{kind}）：请确认任务队列（Redis）正在运行，然后点击“重试”。"


class JobError(Exception):
    """A reason the job cannot go on, worded for staff."""


def setting(name: str):
    return current_app.config[name]


def stage_label(stage: str) -> str:
    return STAGES.get(stage, "分析中")


# --- reading runs ----------------------------------------------------------------------------

def reap_stale(evaluation: Evaluation | None = None) -> int:
    """Mark dead runs failed (see module docstring); returns how many. Safe to race: each
    UPDATE only touches a run still in the state it judged."""
    now = utcnow()
    stale = now - dt.timedelta(seconds=setting("ANALYSIS_STALE_SECONDS"))
    unclaimed = now - dt.timedelta(seconds=setting("ANALYSIS_QUEUE_SECONDS"))
    where = [] if evaluation is None else [AnalysisRun.evaluation_id == evaluation.id]
    # Every page load and status poll asks; almost always nothing is dead. Look first: an UPDATE
    # that changes nothing still takes SQLite's write lock, so each poll queued behind the
    # analysis saving its results and failed with "database is locked" (issue 21).
    dead = or_(and_(AnalysisRun.status == "running",
                    or_(AnalysisRun.heartbeat_at.is_(None), AnalysisRun.heartbeat_at < stale)),
               and_(AnalysisRun.status == "queued", AnalysisRun.created_at < unclaimed))
    if db.session.scalar(select(AnalysisRun.id).where(dead, *where).limit(1)) is None:
        return 0
    died = db.session.execute(
        update(AnalysisRun).where(AnalysisRun.status == "running", *where,
                                  or_(AnalysisRun.heartbeat_at.is_(None), AnalysisRun.heartbeat_at < stale))
        .values(status="failed", stage="failed", finished_at=now, active_evaluation_id=None,
                error=WORKER_DIED.format(minutes=_minutes("ANALYSIS_STALE_SECONDS"))))
    lost = db.session.execute(
        update(AnalysisRun).where(AnalysisRun.status == "queued", AnalysisRun.created_at < unclaimed, *where)
        .values(status="failed", stage="failed", finished_at=now, active_evaluation_id=None,
                error=NOT_TAKEN.format(minutes=_minutes("ANALYSIS_QUEUE_SECONDS"))))
    count = died.rowcount + lost.rowcount
    db.session.commit()
    return count


def _minutes(name: str) -> int:
    return max(1, round(setting(name) / 60))


def current_run(evaluation: Evaluation) -> AnalysisRun | None:
    """The latest run of the evaluation, after marking dead ones failed."""
    reap_stale(evaluation)
    return db.session.scalar(select(AnalysisRun).where(AnalysisRun.evaluation_id == evaluation.id)
                             .order_by(AnalysisRun.id.desc()).limit(1))


def last_done_run(evaluation: Evaluation) -> AnalysisRun | None:
    return db.session.scalar(select(AnalysisRun).where(AnalysisRun.evaluation_id == evaluation.id,
                                                       AnalysisRun.status == "done")
                             .order_by(AnalysisRun.id.desc()).limit(1))


def run_status(run: AnalysisRun | None) -> dict:
    """What the status endpoint returns (and the page shows before its first poll)."""
    if run is None:
        return {"run": None, "status": "none", "status_label": "尚未分析", "stage": "", "stage_label": "",
                "done": 0, "total": 0, "error": "", "active": False}
    return {"run": run.id, "status": run.status, "status_label": run.status_label, "stage": run.stage,
            "stage_label": stage_label(run.stage or run.status), "done": run.done, "total": run.total,
            "error": run.error, "active": run.status in ("queued", "running"),
            "finished_at": run.finished_at.isoformat() + "Z" if run.finished_at else None}


# --- starting runs -----------------------------------------------------------------------------

# --- the task body ----------------------------------------------------------------------------

class _Reporter:
    """The pipeline's progress callback: stage/done/total and heartbeat, committed in a
    database session of its own (the analysis's session is mid-transaction)."""

    def __init__(self, run_id: int, engine):
        self.run_id, self.engine = run_id, engine
        self.last = (None, 0.0)

    def __call__(self, stage: str, done: int, total: int) -> None:
        stage = _STAGE_KEYS.get(stage, stage)
        now = time.monotonic()
        # Every stage change is written; within a stage, at most about once a second.
        if stage == self.last[0] and done < total and now - self.last[1] < 1.0:
            return
        self.last = (stage, now)
        self.write(stage=stage, done=done, total=total)

    def write(self, **values) -> None:
        try:
            with Session(self.engine) as s:
                s.execute(update(AnalysisRun).where(AnalysisRun.id == self.run_id,
                                                    AnalysisRun.status == "running")
                          .values(heartbeat_at=utcnow(), **values))
                s.commit()
        except OperationalError:  # SQLite busy while the results are saved: the next beat will do
            log.warning("progress of run %s not recorded (database busy)", self.run_id)


class _Heartbeat(threading.Thread):
    """Beats while the task runs, also through long steps that report no progress; it
    dies with the worker, which is how a dead worker is noticed."""

    def __init__(self, reporter: _Reporter, interval: float):
        super().__init__(daemon=True, name=f"heartbeat-run-{reporter.run_id}")
        self.reporter, self.interval, self.stopped = reporter, interval, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.reporter.write()


def execute_run(run_id: int) -> int | None:
    """Run one queued analysis (called by the huey task inside an app context); returns the
    evaluation's id when it is done (the caller then has the word clouds drawn)."""
    from ..review.store import AnalysisError, analyse

    now = utcnow()
    claimed = db.session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id, AnalysisRun.status == "queued")
                                 .values(status="running", stage="start", started_at=now, heartbeat_at=now))
    db.session.commit()
    if claimed.rowcount == 0:
        log.info("analysis run %s is no longer queued; skipped", run_id)
        return None
    reporter = _Reporter(run_id, db.engine)
    heartbeat = _Heartbeat(reporter, setting("ANALYSIS_HEARTBEAT_SECONDS"))
    heartbeat.start()
    try:
        run = db.session.get(AnalysisRun, run_id)
        evaluation = run.evaluation
        # Results first: statements and themes are committed and shown; the word clouds are
        # drawn by a task of their own (refresh_derived) once this one has said "done".
        analyse(evaluation, run, progress=reporter, wordclouds=False, kind=run.kind,
                representation=setting("ANALYSIS_REPRESENTATION"), still_wanted=_still_running)
    except (JobError, AnalysisError) as exc:
        db.session.rollback()
        finish(run_id, "failed", str(exc))
    except Exception as exc:
        db.session.rollback()
        if is_database_busy(exc):  # another writer held SQLite past the busy timeout: nothing crashed
            finish(run_id, "failed", DATABASE_BUSY)
        else:
            log.exception("analysis run %s failed", run_id)  # the traceback is for the log only
            finish(run_id, "failed", CRASHED.format(kind=type(exc).__name__))
    else:
        finish(run_id, "done", "")
        return evaluation.id
    finally:
        heartbeat.stopped.set()
        heartbeat.join()


def refresh_files(evaluation_id: int) -> None:
    """Word clouds, summary.md and analysis.json afresh from the stored state (a task)."""
    from ..review.store import write_derived_files

    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None:
        return
    write_derived_files(evaluation, wordclouds=setting("ANALYSIS_WORDCLOUDS"))


def _still_running(run: AnalysisRun) -> None:
    """Called just before the results are committed: a run already declared dead (its
    heartbeat was late) must not overwrite what a retry may be writing."""
    row = db.session.execute(update(AnalysisRun).where(AnalysisRun.id == run.id, AnalysisRun.status == "running")
                             .values(heartbeat_at=utcnow(), stage="save"))
    if row.rowcount == 0:
        raise JobError("分析任务已被标记为中断，本次结果未保存。")


def finish(run_id: int, status: str, error: str, *, from_status=("running",)) -> None:
    """Record the run's end. Another writer may hold SQLite's lock longer than the busy timeout
    (a command-line analysis saves in one transaction): the end is then tried again for up to
    FINISH_WAIT_SECONDS, or the run would look dead minutes later with a wrong reason (WORKER_DIED)."""
    values = {"status": status, "stage": status, "error": error, "finished_at": utcnow(),
              "active_evaluation_id": None}
    deadline = time.monotonic() + FINISH_WAIT_SECONDS
    pause = 0.5
    while True:
        try:
            db.session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id,
                                                         AnalysisRun.status.in_(from_status)).values(**values))
            db.session.commit()
            return
        except OperationalError as exc:
            db.session.rollback()
            if not is_database_busy(exc) or time.monotonic() + pause > deadline:
                raise
            log.info("analysis run %s: database busy, recording its end again in %.1f s", run_id, pause)
            time.sleep(pause)
            pause = min(pause * 2, 10.0)
