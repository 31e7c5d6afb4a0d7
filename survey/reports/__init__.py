"""The evaluation report (Word, print-ready HTML) and the Excel/CSV exports.

Layers: `data` assembles plain `ReportData` from the database; `docx`, `html` and `exports`
render it; `privacy` masks personal information in everything that leaves the office;
`photos` keeps the session photos of section 五; `views` and `commands` are thin callers.
"""
from .views import bp

__all__ = ["bp"]
