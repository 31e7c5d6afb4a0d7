"""The analysis package's public API: every exported name resolves, and none of it needs Flask."""
import subprocess
import sys

import analysis


def test_every_exported_name_resolves():
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name


def test_importing_the_whole_api_never_imports_flask():
    code = ("import sys, analysis, analysis.cli\n"
            "[getattr(analysis, n) for n in analysis.__all__]\n"
            "sys.exit('flask' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
