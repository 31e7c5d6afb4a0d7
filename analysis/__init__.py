"""Pingjia's Chinese text analysis: statements → plan categories → themes.

A library with no Flask dependency; `pingjia analyze` (analysis.cli) is a thin caller.
Names are imported on first use (PEP 562), so `import analysis.plan` from the web app does
not load jieba, scikit-learn or the word-cloud stack.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "plan": ["Category", "Item", "Plan", "PlanError", "load_plan", "parse_plan"],
    "text": ["Statement", "normalize", "split_statements", "to_statements"],
    "tokenize": ["ChineseTokenizer", "CorpusFileError", "load_stopwords", "load_userdict"],
    "io": ["InputError", "Table", "read_confirmed", "read_grid", "read_table"],
    "result": ["AnalysisResult", "CategoryCount", "KindCount", "StatementResult", "ThemeResult"],
    "clouds": ["FontNotFoundError", "find_cjk_font", "render_wordcloud"],
    "report": ["summary_markdown", "write_report"],
    "embed": ["SentenceEmbedder", "TfidfEmbedder", "make_embedder"],
    "mapping": ["CategoryMapper"],
    "themes": ["ThemeClusterer"],
    "theme_edit": ["describe_theme", "match_themes", "split_theme"],
    "privacy": ["Masker", "mask_text", "roster_names"],
    "kinds": ["KINDS", "KIND_NAMES", "StatementKinds"],
    "pipeline": ["analyze", "analyze_to_folder"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
