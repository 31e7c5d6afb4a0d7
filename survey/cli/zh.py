"""click's usage errors in Chinese, for the `pingjia` command group.

click builds these messages in English from its exceptions; the structured ones (missing
parameter, unknown option or command, bad value) are rebuilt here from their fields, and the
few plain-text ones are matched. Anything unknown keeps click's text inside the Chinese frame.
"""
from __future__ import annotations

import re

import click

_PLAIN = (
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Option '(.+)' requires an argument\."), r"选项 \1 后面需要一个值"),
    (re.compile(r"'?(.+?)'? option requires an argument\."), r"选项 \1 后面需要一个值"),
    (re.compile(r"Option '(.+)' does not take a value\."), r"选项 \1 后面不需要值"),
    (re.compile(r"Missing command\."), "缺少命令（可用 --help 查看全部命令）"),
)
_VALUE = (
    (re.compile(r"'(.*)' is not a valid integer( range)?\."), r"“\1”不是整数"),
    (re.compile(r"'(.*)' is not a valid float( range)?\."), r"“\1”不是数字"),
    (re.compile(r"(.*) is not in the range (.*)\."), r"\1 不在允许的范围（\2）内"),
    (re.compile(r"'(.*)' is not one of (.*)\.", re.S), r"“\1”不在可选范围内，可选：\2"),
    (re.compile(r"'(.*)' is not '(.*)'\."), r"“\1”不在可选范围内，可选：\2"),
    (re.compile(r"\w+ '(.*)' does not exist\."), r"“\1”不存在"),
    (re.compile(r"File '(.*)' is a directory\."), r"“\1”是文件夹，这里需要文件"),
    (re.compile(r"Directory '(.*)' is a file\."), r"“\1”是文件，这里需要文件夹"),
    (re.compile(r"\w+ '(.*)' is not readable\."), r"无法读取“\1”"),
)


def _sub(table, text: str) -> str:
    for pattern, replacement in table:
        if pattern.fullmatch(text):
            return pattern.sub(replacement, text)
    return text


def _hint(exc: click.UsageError) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(exc.ctx) if exc.ctx else param.name
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return hint or ""


def _maybe(possibilities) -> str:
    return f"。是不是要输入：{'、'.join(possibilities)}？" if possibilities else ""


def chinese_message(exc: click.UsageError) -> str:
    no_such_command = getattr(click.exceptions, "NoSuchCommand", ())
    if no_such_command and isinstance(exc, no_such_command):
        return f"没有“{exc.command_name}”这个命令{_maybe(exc.possibilities)}"
    if isinstance(exc, click.NoSuchOption):
        return f"没有“{exc.option_name}”这个选项{_maybe(exc.possibilities)}"
    if isinstance(exc, click.MissingParameter):
        kind = "选项" if isinstance(exc.param, click.Option) else "参数"
        message = f"缺少{kind} {_hint(exc)}"
        if exc.param is not None and isinstance(exc.param.type, click.Choice):
            message += f"，可选：{'、'.join(map(str, exc.param.type.choices))}"
        return message
    if isinstance(exc, click.BadParameter):
        message = _sub(_VALUE, exc.message)
        if exc.param is not None and isinstance(exc.param.type, click.Choice) and "可选：" in message:
            message = message.split("可选：")[0] + "可选：" + "、".join(map(str, exc.param.type.choices))
        return f"{_hint(exc)} 的值无效：{message}".strip()
    return _sub(_PLAIN, exc.format_message())


class ChineseUsageError(click.UsageError):
    """Shown as 用法 / 查看帮助 / 错误： lines on stderr; exit status 2 like click's."""

    def __init__(self, original: click.UsageError):
        super().__init__(chinese_message(original), original.ctx)

    def show(self, file=None) -> None:
        if self.ctx is not None:
            usage = (self.ctx.get_usage().replace("Usage: ", "用法：", 1).replace("[OPTIONS]", "[选项]")
                     .replace("COMMAND [ARGS]...", "命令 [参数]..."))
            click.echo(usage, file=file, err=True)
            option = self.ctx.help_option_names[0] if self.ctx.help_option_names else "--help"
            click.echo(f"查看帮助：{self.ctx.command_path} {option}\n", file=file, err=True)
        click.echo(f"错误：{self.format_message()}", file=file, err=True)


def in_chinese(exc: click.UsageError) -> click.UsageError:
    return exc if isinstance(exc, ChineseUsageError) else ChineseUsageError(exc)


# Help screens: click writes its headings and the --help line in English.
_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_ROW_TEXT = {"Show this message and exit.": "显示本帮助并退出。"}


class ChineseHelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, *args, **kwargs) -> None:
        super().write_dl([(term, _row_text(text)) for term, text in rows], *args, **kwargs)


def _row_text(text: str) -> str:
    text = _ROW_TEXT.get(text, text)
    return text.replace("[required]", "［必填］").replace("[default: ", "［默认：").replace("[default:", "［默认：")


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"评价（Pingjia）{version('pingjia')}"
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "评价（Pingjia）（未安装，版本未知）"
