"""`pingjia import FILE --session CODE`: the same rules as the upload page (survey.imports.rules).
An import that stores nothing (refused rows, the session's cap, every row imported before, a
file that cannot be read) exits with status 2 and says why."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..commandline import CommandError, session_or_fail
from ..extensions import db
from . import columns, values
from .readers import ImportFileError
from .rules import IMPORT_SOURCES, ImportRefused, default_source, prepare, store

SHOWN_BAD_ROWS = 50


@click.command("import", help="把问卷星、腾讯问卷导出的文件或 CSV/XLSX 表格导入一场评价活动。"
                              "同一文件重复导入不会重复保存；有问题的行会逐行列出，默认不导入任何数据。")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--session", "code", required=True, help="活动代码（pingjia list-sessions 可查看）。")
@click.option("--map", "overrides", multiple=True, metavar="列名=字段",
              help="指定某列导入为哪一项，可重复，例如 --map \"3、贵单位名称=单位名称\" --map C=评分：目标名称；"
                   "列名可写表头、去掉题号的表头、表头开头或列字母；字段写“不导入”则不导入该列。")
@click.option("--source", type=click.Choice(IMPORT_SOURCES), help="答卷来源；默认按文件自动识别（问卷星、腾讯问卷，其余为表格）。")
@click.option("--values", "value_texts", multiple=True, metavar="[列名=]值:分,值:分",
              help="指定评分列中的答案对应几分（1–5 或“不了解”），可重复，例如 --values \"G=很满意:5,满意:4\"；"
                   "不写列名则用于所有评分列，例如按序号下载、选项从好到差排列时 --values \"1:5,2:4,4:2,5:1\"。")
@click.option("--allow-missing", is_flag=True,
              help="缺少单位名称的行照样导入（单位类型按名单补全，否则记为“其他”）；匿名活动不需要此项。")
@click.option("--type", "type_texts", multiple=True, metavar="写法=类型",
              help="文件中某种单位类型写法归入哪一类，可重复，例如 --type \"外卖骑手=个人/群众\"；"
                   "不写时按类型名称和别名归类，归不进的记为“其他”。")
@click.option("--only-good", is_flag=True, help="只导入没有问题的行，跳过有问题的行。")
def import_command(file: str, code: str, overrides: tuple[str, ...], value_texts: tuple[str, ...],
                   allow_missing: bool, type_texts: tuple[str, ...], source: str | None, only_good: bool) -> None:
    session = session_or_fail(code)
    try:
        checked = prepare(session, file, overrides=overrides, value_texts=value_texts, allow_missing=allow_missing,
                          type_texts=type_texts)
    except ImportFileError as exc:
        raise CommandError(f"{exc}；未导入任何数据") from exc
    source = source or default_source(checked.platform)
    goals = checked.goals
    click.echo(f"{checked.sheet.name}：识别为 {checked.kind}，共 {len(checked.rows)} 行数据，来源记为 {source}")
    for index, header in enumerate(checked.sheet.header):
        field = checked.field_of(index)
        if field:
            click.echo(f"  {columns.column_letter(index)} 列“{header}” → {columns.field_label(field, goals)}")
        if index in checked.scales:
            counts = checked.option_counts(index)
            pairs = [f"{option} → {values.SCORE_SHORT[score]}（{counts[option]} 行）"
                     for option, score in checked.scales[index].items()]
            click.echo(f"      评分对应：{'；'.join(pairs) or '（无答案）'}")
    changed = [(written, kind, n) for (written, kind), n in checked.types.items() if written and written != kind]
    if changed:
        click.echo("单位类型对应：" + "；".join(f"{w} → {k}（{n} 行）" for w, k, n in changed))
    for note in checked.notes:
        click.echo(f"注意：{note}")
    bad = checked.bad
    for row in bad[:SHOWN_BAD_ROWS]:
        click.echo(f"第 {row.number} 行：{'；'.join(row.errors)}", err=True)
    if len(bad) > SHOWN_BAD_ROWS:
        click.echo(f"……另有 {len(bad) - SHOWN_BAD_ROWS} 行有问题未列出", err=True)
    try:
        report = store(session, checked, source, only_good=only_good)
    except ImportRefused as exc:
        if checked.bad and not only_good:
            raise CommandError(f"{exc}。请修改文件后重新导入，或加 --only-good 只导入没有问题的 "
                               f"{len(checked.good)} 行。") from exc
        raise CommandError(str(exc)) from exc
    except ImportFileError as exc:
        db.session.rollback()
        raise CommandError(str(exc)) from exc
    message = f"已导入 {report.added} 份答卷到活动 {session.code}"
    if report.already:
        message += f"；{report.already} 份以前已导入过，未重复导入"
    if report.skipped_bad:
        message += f"；跳过有问题的 {report.skipped_bad} 行"
    if report.added:
        click.echo(message)
        return
    reason = ("文件中的答卷以前都已导入过" if report.already
              else "没有可导入的行（每一行都有问题，见上方列出的原因）" if report.skipped_bad else "文件中没有可导入的行")
    raise CommandError(f"{message}。没有保存任何答卷：{reason}")
