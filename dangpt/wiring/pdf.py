"""HTML templates to PDF with WeasyPrint: letters and the runner's record."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def pdf_response(template: str, context: dict, *, filename: str) -> HttpResponse:
    """Render the template and answer it as a PDF download (never cached: it is health data)."""
    from weasyprint import HTML  # imported on use: it loads Pango, which only PDFs need

    html = render_to_string(template, context)
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _no_fetching(url: str, *args, **kwargs):
    """The templates carry their styles inline: a PDF never fetches anything (no file, no URL)."""
    raise ValueError(f"PDFs fetch nothing: {url[:40]}")
