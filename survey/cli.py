"""The `pingjia` console script: the app's Flask commands plus `pingjia analyze`.

`analyze` lives in analysis.cli and never needs the web app, so it is imported only when asked
for: `pingjia --help` and the web commands stay fast and work even without the analysis extras.
"""
from __future__ import annotations

import importlib.util

import click
from flask.cli import FlaskGroup

from . import create_app


def _has_analysis_cli() -> bool:
    try:
        return importlib.util.find_spec("analysis.cli") is not None
    except (ImportError, ValueError):  # ValueError: a half-initialised module in sys.modules
        return False


class PingjiaGroup(FlaskGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        if _has_analysis_cli():
            names.add("analyze")
        return sorted(names)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "analyze" and _has_analysis_cli():
            from analysis.cli import analyze

            return analyze
        return super().get_command(ctx, name)


cli = PingjiaGroup(create_app=create_app, name="pingjia",
                   help="评价（Pingjia）：政策评价座谈会的问卷收集与意见分析。")


def main() -> None:
    cli.main(prog_name="pingjia")
