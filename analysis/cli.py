"""`pingjia analyze`: a thin command over read_table → pipeline.analyze_to_folder.

Also runs as `python -m analysis` and `pingjia-analyze`. Problems with the user's files
print one Chinese line on stderr and exit with status 2, without a traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .clouds import FontNotFoundError
from .io import InputError, read_confirmed, read_table
from .plan import PlanError, load_plan
from .resources import CorpusFileError, bundled_plans

USER_ERRORS = (InputError, PlanError, CorpusFileError, FontNotFoundError)


class UserInputError(click.ClickException):
    """A problem with the user's files: one line, in Chinese, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


STAGE_NAMES = {"split": "拆分句子", "embed": "计算向量", "map": "归类", "themes": "提炼主题"}


class TqdmProgress:
    """`progress(stage, done, total)` for the pipeline, drawn as one tqdm bar per stage on stderr."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.stage: str | None = None
        self.bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            # delay: short stages finish before a bar would appear
            desc = STAGE_NAMES.get(stage, stage)
            self.stage, self.bar = stage, tqdm(total=total, desc=desc, file=sys.stderr, delay=0.5, leave=False)
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def resolve_plan(value: str | None):
    """A plan file path, or the id of a bundled plan (corpus/plans/<id>.toml)."""
    if value is None:
        return None
    path = Path(value)
    if not path.exists():
        bundled = {p.stem: p for p in bundled_plans()}
        if value not in bundled:
            raise InputError(f"找不到规划“{value}”：既不是文件，也不是内置规划的编号。"
                             f"内置规划：{'、'.join(sorted(bundled)) or '（无）'}；也可给出规划文件（.toml）的路径")
        path = bundled[value]
    return load_plan(path)


@click.command("analyze")
@click.argument("input_path", metavar="INPUT")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录：analysis.json、summary.md 和 wordclouds/")
@click.option("--plan", "plan_ref", metavar="PLAN.toml", help="计划文件路径，或内置计划的编号")
@click.option("--text-column", help="意见所在的列名（默认自动识别）")
@click.option("--no-split", is_flag=True, help="每行作为一条意见，不按句拆分")
@click.option("--themes", "n_themes", type=click.IntRange(min=1), help="每个类别的主题数（默认自动）")
@click.option("--no-wordcloud", is_flag=True, help="不生成词云图片")
@click.option("--group-column", help="来源分组列（如单位类型），用于统计各主题的来源")
@click.option("--field-column", help="意见出自问卷哪一栏的列（值为“存在问题”“意见建议”或“成效”），"
                                     "作为判断意见性质（问题/建议/肯定/无实质内容）的先验")
@click.option("--confirmed", "confirmed_path", metavar="FILE",
              help="已确认归类的意见（CSV/XLSX，列 text、category；category 为计划类别编号或 other），"
                   "保留所给类别并用于训练归类模型")
@click.option("--quiet", is_flag=True, help="不显示进度条")
def analyze(input_path, out_dir, plan_ref, text_column, no_split, n_themes, no_wordcloud, group_column,
            field_column, confirmed_path, quiet):
    """分析 INPUT（CSV、XLSX 或 XLS）中的意见：拆句、归类、提炼主题，写出汇总和词云。"""
    from .report import Source

    try:
        table = read_table(input_path, text_column)
        groups = table.values(group_column) if group_column else None
        fields = table.values(field_column) if field_column else None
        plan = resolve_plan(plan_ref)
        confirmed = None
        if confirmed_path:
            if plan is None:
                raise InputError("--confirmed 需要同时用 --plan 指定计划，类别编号才有依据")
            confirmed = read_confirmed(confirmed_path, [c.id for c in plan.categories])
    except USER_ERRORS as exc:
        raise UserInputError(str(exc)) from exc

    from .pipeline import analyze_to_folder  # heavy (models); imported once the input is known good

    progress = TqdmProgress(enabled=not quiet)
    try:
        source = Source(input_name=Path(input_path).name, text_column=table.text_column, rows=len(table.rows),
                        split=not no_split, plan_title=plan.title if plan else "", group_column=group_column or "")
        _, paths = analyze_to_folder(table.texts, plan, out_dir, source, wordclouds=not no_wordcloud,
                                     progress=progress, split=not no_split, n_themes=n_themes,
                                     groups=groups, fields=fields, confirmed=confirmed)
    except USER_ERRORS as exc:
        raise UserInputError(str(exc)) from exc
    finally:
        progress.close()
    click.echo(f"已写出 {paths['summary']}、{paths['json']} 和 {len(paths['wordclouds'])} 张词云", err=True)


def main(argv: list[str] | None = None) -> None:
    analyze.main(args=argv, prog_name="pingjia-analyze")
