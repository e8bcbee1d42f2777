"""PDFs from templates: HTML laid out by WeasyPrint in the system's CJK font.

Without a CJK font Chinese comes out as empty boxes, silently; so a PDF is
refused with a message naming the package to install instead.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

FONT_PACKAGES = "fonts-wqy-microhei / fonts-noto-cjk"


@cache
def cjk_font_installed() -> bool:
    """Whether fontconfig knows a font covering Chinese (asked once per process)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    # Fixed arguments, the binary found on PATH: nothing comes from a user.
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    return bool(found.stdout.strip())


def pdf_render(template: str, context: dict[str, Any], stylesheet: Path) -> bytes:
    """``template`` rendered with ``context`` and laid out with ``stylesheet``
    (a file: no template carries inline style, tests/security)."""
    if not cjk_font_installed():
        raise RuntimeError(f"No CJK font is installed: Chinese would not render in the PDF. Install {FONT_PACKAGES}.")
    from weasyprint import CSS, HTML  # imported here: pango loads only when a PDF is asked for

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(stylesheet))])
    return pdf
