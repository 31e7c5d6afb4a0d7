"""QR codes as inline SVG (segno): crisp at any print size, no image files to store. segno
loads with the first code drawn, not with the app (issue 25: fast start)."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import segno


def _make(url: str) -> segno.QRCode:
    import segno

    # Error level M survives a creased or glare-lit printout.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, title: str = "扫码填写问卷") -> Markup:
    """An inline <svg> sized by CSS (viewBox only); the 4-module quiet zone keeps scanners happy."""
    code = _make(url)
    return Markup(code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", title=title,
                                  dark="#000", light="#fff"))


def qr_svg_file(url: str) -> bytes:
    """A standalone SVG file (XML declaration, namespace, 10 px modules) for slides or print."""
    buf = io.BytesIO()
    _make(url).save(buf, kind="svg", scale=10, border=4, dark="#000", light="#fff")
    return buf.getvalue()
