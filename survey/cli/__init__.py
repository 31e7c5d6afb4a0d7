"""The `pingjia` command line: the group and `main` (cli.main), Chinese usage errors (cli.zh),
the core's commands (cli.commands) and serving (cli.serving). What every command shares (the
error contract, `add_commands`) is the core's survey.commandline; each area keeps its own
commands beside its code and registers them from its `init_app`: review/commands.py,
jobs/commands.py, imports/commands.py, reports/commands.py."""
