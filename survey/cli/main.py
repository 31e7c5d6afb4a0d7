"""The `pingjia` console script: the app's Flask commands plus `pingjia analyze`.

`analyze` lives in analysis.cli and never needs the web app; it is imported only when asked
for, so `pingjia --help` and the web commands don't pay for loading the text pipeline.
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .. import create_app
from .zh import in_chinese


class PingjiaGroup(FlaskGroup):
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

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "analyze"})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "analyze":
            from analysis.cli import analyze

            return analyze
        return super().get_command(ctx, name)


cli = PingjiaGroup(create_app=create_app, name="pingjia",
                   help="评价（Pingjia）：政策评价座谈会的问卷收集与意见分析。")


def main() -> None:
    cli.main(prog_name="pingjia")
