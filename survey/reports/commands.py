"""`pingjia report` and `pingjia export`: thin callers of data/docx/html/exports."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from .data import ReportError


@click.command("report", help="生成评价报告：Word（.docx）或可打印的网页（.html，按文件扩展名）。"
                              "CODE 为活动代码或合并评价的代码。")
@with_appcontext
@click.argument("code")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件，例如 report.docx 或 report.html。")
@click.option("--reviewed-only", is_flag=True, help="只统计工作人员已审核的意见（默认统计全部意见）。")
@click.option("--unmasked", is_flag=True, help="不遮盖手机号、身份证号、邮箱和参会人员姓名（仅供内部使用）。")
@click.option("--no-annex", "no_annex", is_flag=True, help="不附附件（评分统计、意见摘编、意见明细表）。")
def report(code: str, out: Path, reviewed_only: bool, unmasked: bool, no_annex: bool) -> None:
    from .blocks import document_for

    suffix = out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        raise click.BadParameter("输出文件的扩展名应为 .docx 或 .html", param_hint="--out")
    try:
        data = document_for(code, reviewed_only=reviewed_only, unmasked=unmasked)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()  # a session's first use records its Evaluation
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".docx":
        from .docx import render_docx

        render_docx(data, out, annexes=not no_annex)
    else:
        from .html import render_html

        out.write_text(render_html(data, annexes=not no_annex), encoding="utf-8")
    click.echo(f"已生成报告：{out}（{data.response_count} 份问卷，{data.counted} 条意见，其中已审核 {data.reviewed} 条"
               f"{'；未遮盖个人信息' if unmasked else ''}）")


@click.command("export", help="导出答卷、意见、主题和评分汇总：xlsx 为一个工作簿，csv 为文件夹中的四个文件。")
@with_appcontext
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="xlsx：输出文件；csv：输出文件夹（答卷.csv、意见.csv、主题.csv、评分汇总.csv）。")
@click.option("--unmasked", is_flag=True, help="不遮盖个人信息（仅供内部使用）。")
def export(code: str, fmt: str, out: Path, unmasked: bool) -> None:
    from .exports import build_tables, write_csv_folder, write_xlsx

    try:
        tables = build_tables(code, unmasked=unmasked)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if fmt == "xlsx":
        if out.is_dir():
            raise click.BadParameter("xlsx 需要一个文件名，例如 export.xlsx", param_hint="--out")
        out.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(tables, out)
        click.echo(f"已导出：{out}")
    else:
        if out.exists() and not out.is_dir():
            raise click.BadParameter("csv 需要一个文件夹", param_hint="--out")
        paths = write_csv_folder(tables, out)
        click.echo("已导出：" + "、".join(str(p) for p in paths))
    sizes = "，".join(f"{t.name} {len(t.rows)} 行" for t in tables)
    click.echo(sizes)
