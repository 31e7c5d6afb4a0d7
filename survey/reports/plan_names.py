"""What the document calls the plan after its first mention."""
from __future__ import annotations

_DOCUMENT_KINDS = ("规划", "方案", "计划", "意见", "办法", "措施", "纲要", "政策", "条例", "细则")


def generic_short_title(title: str) -> str:
    """What the document calls the plan after its first mention when the plan file gives no
    short title: 《方案》 for a …行动方案, 《规划》 for a …规划; else its full title."""
    kind = next((k for k in _DOCUMENT_KINDS if title.rstrip("》").endswith(k)), None)
    return f"《{kind}》" if kind else f"《{title.strip('《》')}》"
