"""The `pingjia` console script: the app's Flask commands plus `pingjia analyze`.

`pingjia --help` lists what each area declares (its package's COMMANDS, survey.commandline.
Declared): it builds no app and imports no command's module (Click's lazy-loading pattern). A
command is loaded when it runs or shows its own help: the app's from the app (each area
registers its own from its `init_app`), `analyze` from analysis.cli, which never needs the web
app, so the web commands don't pay for loading the text pipeline.

Everything a user reads is Chinese: usage errors (cli.zh), every other error as one
"错误：…" line with exit status 2 (survey.commandline.CommandError), the help screens (cli.zh's
formatter), and `--version` says Pingjia's version, not Flask's. Flask's developer commands
(db, routes, run, shell, limiter) still work but are not listed.
"""
from __future__ import annotations

import gc

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from .. import command_areas, create_app
from ..commandline import CommandError, Declared
from .zh import ChineseContext, in_chinese, version_text

# Flask's and Flask-Limiter's commands: for developers (README, Development), not listed.
DEVELOPER_COMMANDS = frozenset({"db", "limiter", "routes", "run", "shell"})
# The group options FlaskGroup adds, in Chinese.
_OPTION_HELP = {
    "env_file": "从该文件读取环境变量（优先于 .env 和 .flaskenv；直接设置的环境变量优先）。",
    "app": "要加载的 Flask 应用（默认 survey:create_app，一般不需要设置）。",
    "debug": "调试模式（仅限开发）。",
}
ANALYZE = Declared("analyze", "analysis.cli:analyze", "分析 INPUT（CSV、XLSX 或 XLS）中的意见：拆句、归类、提炼主题，写出汇总和词云。")


def declared_commands() -> dict[str, Declared]:
    """Every command `pingjia --help` lists, as the areas declare them (no app, no command module)."""
    return {entry.name: entry for entry in (ANALYZE, *(e for area in command_areas() for e in area.COMMANDS))}


class PingjiaGroup(FlaskGroup):
    context_class = ChineseContext

    def __init__(self, **kwargs):
        super().__init__(add_version_option=False, **kwargs)
        for param in self.params:
            param.help = _OPTION_HELP.get(param.name, getattr(param, "help", None))
        self.params.append(click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                                        callback=_print_version, help="显示评价（Pingjia）的版本并退出。"))

    # Usage errors of the group and of every subcommand pass through these two methods.
    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise in_chinese(exc) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise in_chinese(exc) from None
        except CommandError:
            raise
        except click.ClickException as exc:  # a command's own click error: the same contract
            raise CommandError(exc.format_message()) from None
        except OperationalError as exc:
            # (SQLite says "no such table" / "no such column"; PostgreSQL "… does not exist")
            if any(words in str(exc.orig) for words in ("no such table", "no such column", "does not exist")):
                raise CommandError("数据库尚未建立或不是最新结构，请先运行 pingjia init-db") from None
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        # the declared commands, without building the app (FlaskGroup's would build it to ask)
        return sorted(declared_commands())

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click's listing (name and short help) from the declarations, so no command module is imported
        rows = [(entry.name, entry.short_help) for entry in sorted(declared_commands().values(), key=lambda e: e.name)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = ANALYZE.load() if name == ANALYZE.name else super().get_command(ctx, name)
        _end_of_start()
        if command is not None:
            command.context_class = ChineseContext  # its help screen in Chinese too
        return command


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


cli = PingjiaGroup(create_app=create_app, name="pingjia",
                   help="评价（Pingjia）：政策评价座谈会的问卷收集与意见分析。")


def _end_of_start() -> None:
    """The command is found (its app built): what start-up made lives as long as the process, so
    it is frozen (gc.freeze: never walked by a collection again, nor at exit) and collection,
    which `main` turned off, resumes for the command's own work."""
    if not gc.isenabled():  # only under `main` (not a test's CliRunner, whose process is not ours)
        gc.freeze()
        gc.enable()


def main() -> None:
    # Start-up (imports, the app) makes about 150,000 objects that live as long as the process and
    # almost no garbage (about 1,000 unreachable objects, kept until exit): the collector (a young
    # collection every 700 allocations, an older one every tenth) walked them as they grew, and all
    # of them again at exit, a third of a command's CPU time (issue 25, fast start). Off until the
    # command is found (_end_of_start): gc.freeze's documentation gives the same steps (disable
    # early, freeze, enable) for a process that forks.
    gc.disable()
    cli.main(prog_name="pingjia")
