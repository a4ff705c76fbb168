"""Statements as PDF, with WeasyPrint (HTML and CSS to PDF; decision 0035). The PDF is the statement's own HTML with
the print stylesheet, so the two never say different things."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from .statements import Statement

STATIC = Path(__file__).resolve().parent / "static" / "ledger"


def statement_pdf(statement: Statement, *, resident: bool = False) -> bytes:
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which only the PDF needs

    html = render_to_string("ledger/statement_pdf.html", {"statement": statement, "resident": resident})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STATIC / "statement.css"))])


def pdf_filename(statement: Statement) -> str:
    return f"statement-{statement.subject}-{statement.year_label.replace('/', '-')}.pdf"
