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
@click.option("--theme-names", type=click.Choice(["mark", "confirmed"]), default="mark", show_default=True,
              help="附件中的主题名称：mark 列出全部并给自动归纳的名称标“*”；confirmed 只列工作人员确认的名称。")
def report(code: str, out: Path, reviewed_only: bool, unmasked: bool, no_annex: bool, theme_names: str) -> None:
    from .blocks import document_for
    from .drafts import HEADINGS

    suffix = out.suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        raise click.BadParameter("输出文件的扩展名应为 .docx 或 .html", param_hint="--out")
    try:
        data = document_for(code, reviewed_only=reviewed_only, unmasked=unmasked, theme_names=theme_names)
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
    for key, found in data.stale.items():  # the file is written; staff must know what to fix
        said = "；".join(f"“{f.said}”现为“{f.now}”" for f in found)
        click.echo(f"注意：{HEADINGS[key]}中的数字与当前数据不符：{said}", err=True)


@click.command("export", help="导出答卷、意见、主题、评分汇总和共识与分歧，格式按 --out 的扩展名：.xlsx 为一个工作簿，"
                              ".zip 为五个 CSV 文件的压缩包，没有扩展名为一个放五个 CSV 文件的文件夹。")
@with_appcontext
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
              help="可省略（按 --out 的扩展名判断）；xlsx 或 csv（文件夹或 .zip）。")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="导出.xlsx、导出.zip，或文件夹（答卷.csv、意见.csv、主题.csv、评分汇总.csv、共识与分歧.csv）。")
@click.option("--unmasked", is_flag=True, help="不遮盖个人信息（仅供内部使用）。")
def export(code: str, fmt: str | None, out: Path, unmasked: bool) -> None:
    from .exports import build_tables, csv_zip, write_csv_folder, write_xlsx

    kind = export_kind(out, fmt)  # refuse before any work
    try:
        tables = build_tables(code, unmasked=unmasked)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if kind == "xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(tables, out)
        click.echo(f"已导出：{out}")
    elif kind == "zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(csv_zip(tables))
        click.echo(f"已导出：{out}（{len(tables)} 个 CSV 文件）")
    else:
        paths = write_csv_folder(tables, out)
        click.echo("已导出：" + "、".join(str(p) for p in paths))
    sizes = "，".join(f"{t.name} {len(t.rows)} 行" for t in tables)
    click.echo(sizes)


def export_kind(out: Path, fmt: str | None) -> str:
    """What `export --out` writes, by its extension: "xlsx", "zip" (the CSV files zipped) or
    "folder" (the CSV files); refused when the extension and --format disagree, or when the
    extension names something else (x.csv would be one file, but an export is four tables)."""
    suffix = out.suffix.lower()
    kind = {".xlsx": "xlsx", ".zip": "zip", "": "folder"}.get(suffix)
    if kind is None or (out.exists() and out.is_dir() != (kind == "folder")):
        raise click.BadParameter(f"无法按“{out.name}”导出：请用 .xlsx（一个工作簿）、.zip（五个 CSV 文件）"
                                 "或一个文件夹名（不带扩展名，放五个 CSV 文件）", param_hint="--out")
    if fmt is not None and (fmt == "xlsx") != (kind == "xlsx"):
        raise click.BadParameter(f"--format {fmt} 与 --out 的扩展名“{suffix or '（文件夹）'}”不一致", param_hint="--out")
    return kind
