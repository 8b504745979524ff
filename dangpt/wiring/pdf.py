"""HTML templates to PDF with WeasyPrint: letters and the runner's record."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def pdf_response(template: str, context: dict, *, filename: str, footer: str) -> HttpResponse:
    """Render the template and answer it as a PDF download (never cached: it is health data).

    The stylesheet (`records/pdf.css`, with `footer` at the foot of each page) is given to
    WeasyPrint beside the HTML, so the templates carry no inline style, as pages may not.
    """
    from weasyprint import CSS, HTML  # imported on use: it loads Pango, which only PDFs need

    html = render_to_string(template, context)
    css = render_to_string("records/pdf.css", {"footer": footer})
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=_no_fetching)]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _no_fetching(url: str, *args, **kwargs):
    """A PDF fetches nothing (no file, no URL): its stylesheet is given, its images are none."""
    raise ValueError(f"PDFs fetch nothing: {url[:40]}")
