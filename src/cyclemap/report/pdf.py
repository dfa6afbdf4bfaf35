"""The report as PDF, through WeasyPrint (HTML and CSS to PDF, offline).

WeasyPrint is pure Python on top of Pango, which Debian ships
(``libpango-1.0-0``, ``libpangoft2-1.0-0``); when either is missing the
error says what to install instead of showing a traceback.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: the Pango library itself is missing
        raise UsageError(
            f"PDF reports need WeasyPrint and Debian's Pango libraries ({error.__class__.__name__}: {error})",
            hint="pip install weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0; or write report.html",
        ) from None
    return weasyprint


def html_to_pdf(html: str, target: Path) -> None:
    """Render ``html`` to ``target``; no URL is ever fetched (the page has none, and fetching is refused)."""
    weasyprint = _weasyprint()

    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"cyclemap reports load nothing from outside ({url[:60]})")

    weasyprint.HTML(string=html, url_fetcher=Refuse()).write_pdf(str(target))
