"""Writing a report file: HTML or PDF by the file's suffix, never over an input."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .html import render_html

SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def report_kind(path: Path) -> str:
    """'html' or 'pdf' for ``path``; a clear error for any other suffix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"cannot tell the report type of {path.name!r}", hint="name it report.html or report.pdf")
    return kind


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_target(path: Path, protect: Iterable[Path] = ()) -> str:
    """Refuse a target that is an input, a folder, or in a folder that does not exist; return its kind."""
    for source in protect:
        if _same_file(path, Path(source)) or path.resolve() == Path(source).resolve():
            raise UsageError(f"{path} is the input file; cyclemap never overwrites an input", hint="choose another name for the report")
    kind = report_kind(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder", hint="give a file name such as report.html")
    if not path.parent.is_dir():
        raise UsageError(f"folder {path.parent} does not exist", hint="create it, or choose another place")
    return kind


def write_report(doc: dict[str, Any], path: Path, *, title: str | None = None, protect: Iterable[Path] = ()) -> Path:
    """Write the report for ``doc`` to ``path`` (.html or .pdf), owner-readable only.

    Written beside the target and renamed at the end, so a failure leaves no
    half-written report and never touches an existing file in ``protect``.
    """
    path = Path(path)
    kind = check_target(path, protect)
    html = render_html(doc, title=title)
    partial = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a report holds private words
        if kind == "html":
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(html)
        else:
            os.close(fd)
            from .pdf import html_to_pdf

            html_to_pdf(html, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
