"""`pingjia analyze-session` and `pingjia group-sessions`: analysis from the command line,
through the same store code the background job uses."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from ..commandline import CommandError
from ..extensions import db

SAVE_ATTEMPTS = 3  # a deadlock ends the one transaction; the run starts again at most twice


@click.command("analyze-session", help="分析一个评价活动（或合并评价）收到的全部意见：结果存入数据库，"
                                        "汇总和词云写入 instance/analysis/<代码>/。保留工作人员的审核结果。")
@with_appcontext
@click.argument("code")
@click.option("--no-wordcloud", is_flag=True, help="不生成词云图片")
def analyze_session(code: str, no_wordcloud: bool) -> None:
    from ..evaluations import find_by_code

    evaluation = find_by_code(code)
    if evaluation is None:
        raise CommandError(f"找不到活动或合并评价代码 {code}（可用 pingjia list-sessions 查看）")
    db.session.commit()  # a session's evaluation made on first use outlives a retried analysis
    print_analysis(evaluation, wordclouds=not no_wordcloud)


def print_analysis(evaluation, *, wordclouds: bool = True) -> None:
    """Analyse synchronously, through the same store code the background job uses."""
    from analysis.cli import TqdmProgress

    from .store import RETRY_STATES, AnalysisError, analyse, output_dir, stored_result, write_derived_files

    click.echo(f"正在分析 {evaluation.code}：{evaluation.title}……", err=True)
    for attempt in range(SAVE_ATTEMPTS):
        progress = TqdmProgress()
        try:  # results first: the word clouds are drawn after the figures are printed
            run = analyse(evaluation, progress=progress, wordclouds=False,
                          representation=current_app.config["ANALYSIS_REPRESENTATION"])
            break
        except AnalysisError as exc:
            db.session.rollback()
            raise CommandError(f"{evaluation.code}：{exc}") from exc
        except OperationalError as exc:
            # The command saves in one transaction; PostgreSQL may end it to break a deadlock with
            # a staff action saved meanwhile. Nothing of it was kept: run it again from the start.
            db.session.rollback()
            if attempt == SAVE_ATTEMPTS - 1 or getattr(exc.orig, "sqlstate", None) not in RETRY_STATES:
                raise CommandError(f"{evaluation.code}：保存分析结果时数据库出错（{exc.orig}），请稍后重试") from exc
            click.echo("保存时与其他操作冲突，正在重新分析……", err=True)
        finally:
            progress.close()
    result = stored_result(evaluation)
    click.echo(f"共 {run.statement_count} 条意见，{len(result['themes'])} 个主题（已排除 {result['excluded']} 条）")
    click.echo(f"分析结果：{output_dir(evaluation) / 'summary.md'}")
    if wordclouds:
        click.echo("正在绘制词云……", err=True)
        write_derived_files(evaluation, wordclouds=True)
        click.echo(f"词云：{output_dir(evaluation) / 'wordclouds'}")


@click.command("group-sessions", help="把同一规划的几场活动合并为一个评价，一起分析和审核。"
                                       "例如：pingjia group-sessions --title \"座谈会与网上问卷\" abcd2345 efgh6789")
@with_appcontext
@click.option("--title", required=True, help="合并评价的名称。")
@click.argument("codes", nargs=-1, required=True)
def group_sessions(title: str, codes: tuple[str, ...]) -> None:
    from ..evaluations import EvaluationError, group_by_codes

    try:
        evaluation = group_by_codes(list(codes), title)
    except EvaluationError as exc:
        db.session.rollback()
        raise CommandError(str(exc)) from exc
    db.session.commit()
    click.echo(f"已建立合并评价 {evaluation.code}：{evaluation.title}（{len(evaluation.sessions)} 场活动）")
    click.echo(f"分析：pingjia analyze-session {evaluation.code}，或在网页上打开该评价的分析结果页面")
