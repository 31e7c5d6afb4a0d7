"""The `pingjia` command line: the group and `main` (cli.main), Chinese usage errors (cli.zh),
what every command shares (cli.base), the core's commands (cli.commands) and serving
(cli.serving). Each area keeps its own commands beside its code: review/commands.py,
jobs/commands.py, imports/commands.py, reports/commands.py."""
