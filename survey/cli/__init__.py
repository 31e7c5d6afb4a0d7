"""The `pingjia` command line: the group and `main` (cli.main), Chinese usage errors (cli.zh),
the core's commands (cli.commands) and serving (cli.serving). What every command shares (the
error contract, `Declared`, `add_commands`) is the core's survey.commandline; each area keeps
its own commands beside its code, declares them in its package's COMMANDS (what `pingjia
--help` lists without building the app or importing a command's module) and registers them
from its `init_app`: review/commands.py, jobs/commands.py, imports/commands.py,
reports/commands.py. These are the core's own."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..commandline import Declared, add_commands

if TYPE_CHECKING:
    from flask import Flask

COMMANDS = (
    Declared("init-db", "survey.cli.commands:init_db", "创建或升级数据库结构（执行全部数据库迁移）。可重复运行。"),
    Declared("create-staff", "survey.cli.commands:create_staff",
             "新建工作人员账号；密码在提示时输入（不回显，需输入两次）。"),
    Declared("set-password", "survey.cli.commands:set_password",
             "重设工作人员的密码（忘记密码时使用）；该用户已登录的页面和“保持登录”都会失效。"),
    Declared("load-plan", "survey.cli.commands:load_plan", "导入或更新一个规划文件（TOML）。"),
    Declared("load-plans", "survey.cli.commands:load_plans",
             "导入规划目录（配置 PLAN_DIR，默认随程序附带的 corpus/plans）中的全部规划文件。"),
    Declared("create-session", "survey.cli.commands:create_session",
             "新建一场评价活动（默认为草稿，加 --open 则立即开放填写）。"),
    Declared("open-session", "survey.cli.commands:open_session", "开放一场活动，参会人员扫码后即可填写。"),
    Declared("close-session", "survey.cli.commands:close_session", "结束一场活动，之后不再接受填写。"),
    Declared("list-sessions", "survey.cli.commands:list_sessions", "列出全部评价活动（代码、状态、意见数、时间、名称）。"),
    Declared("serve", "survey.cli.serving:serve",
             "用 waitress 启动网站，并在同一进程内运行后台分析（正式使用时；演示用 pingjia demo）。"),
    Declared("demo", "survey.cli.serving:demo",
             "准备演示：导入示例规划、演示活动、约 40 份虚构意见和工作人员账号 staff，然后启动网站。可重复运行。"),
)


def init_app(app: Flask) -> None:
    """The core's commands and serving, on the app's CLI."""
    add_commands(app, *COMMANDS)
