"""Text out of each supported file type, and clear refusals for the rest."""

import io
import json

import pytest

from registry.sources.extract import (
    DOCX,
    ExtractionFailed,
    UnsupportedType,
    detect_type,
    extract_text,
)
from tests.registry.sources.files import make_docx, make_pdf


def test_plain_text_in_common_encodings():
    assert extract_text("Grüße\n".encode(), filename="a.txt").text == "Grüße\n"
    assert extract_text("Grüße".encode("utf-16"), filename="a.txt").text == "Grüße"
    french = (
        "Le café était très chaud. Nous avons mangé une crème brûlée délicieuse à côté de la "
        "fenêtre, et le garçon a apporté l'addition après une longue soirée. "
    ) * 3
    assert extract_text(french.encode("cp1252"), filename="a.txt").text == french


def test_markdown_is_kept_as_written():
    extracted = extract_text(b"# Title\n\nSome *text*.", filename="notes.md")
    assert extracted.mime_type == "text/markdown"
    assert extracted.text == "# Title\n\nSome *text*."


def test_html_main_text_and_title_without_markup_or_scripts():
    page = (
        b"<html><head><title>Release notes</title><script>track()</script></head><body>"
        b"<main><h1>Version 2</h1><p>" + b"The new version reads feeds faster. " * 5 + b"</p>"
        b"</main><footer>Copyright</footer></body></html>"
    )
    extracted = extract_text(page, mime_type="text/html; charset=utf-8")
    assert extracted.title in ("Release notes", "Version 2")  # trafilatura's choice
    assert "The new version reads feeds faster." in extracted.text
    assert "track()" not in extracted.text and "<p>" not in extracted.text


def test_html_fragments_keep_their_text():
    assert extract_text(b"<p>Short <b>summary</b>.</p>", filename="x.html").text == (
        "Short summary."
    )


def test_pdf_and_docx():
    pdf = extract_text(make_pdf("Quarterly report"), filename="report.pdf")
    assert pdf.text == "Quarterly report" and pdf.mime_type == "application/pdf"
    docx = extract_text(make_docx(["First point", "Second point"], "Plan"), filename="plan.docx")
    assert docx.title == "Plan" and docx.mime_type == DOCX
    assert docx.text.split("\n\n") == [
        "First point",
        "Second point",
        "| cell A | cell B |\n| --- | --- |",
    ]


def test_docx_headings_and_lists_come_out_as_markdown():
    from docx import Document

    document = Document()
    document.add_heading("Onboarding", level=1)
    document.add_paragraph("Before the first day:")
    document.add_paragraph("Sign the contract", style="List Bullet")
    document.add_paragraph("Read the handbook", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    text = extract_text(out.getvalue(), filename="onboarding.docx").text
    assert text.split("\n\n")[:4] == [
        "## Onboarding",
        "Before the first day:",
        "- Sign the contract",
        "- Read the handbook",
    ]


def test_a_page_keeps_its_structure_as_markdown():
    """A FAQ page keeps its questions (headings, a definition list), its link list and its
    table; links and images read as their text; scripts and navigation are left out."""
    page = (
        b"<html><head><title>FAQ</title></head><body><nav><a href='/'>Home</a></nav><main>"
        b"<h1>Questions</h1><h2>How do I install it?</h2><p>Run <b>make run</b>.</p>"
        b"<p>Read more:</p><ul><li><a href='/guide'>The guide</a></li>"
        b"<li><a href='/api'>The API</a></li></ul>"
        b"<dl><dt>Is it free?</dt><dd>Yes.</dd></dl>"
        b"<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Free</td><td>0</td></tr></table>"
        b"<script>track()</script><img src='x.png' alt='diagram'></main></body></html>"
    )
    text = extract_text(page, filename="faq.html").text
    for part in [
        "# Questions",
        "## How do I install it?",
        "Run **make run**.",
        "- The guide\n- The API",
        "**Is it free?**\n\nYes.",
        "| Plan | Price |",
    ]:
        assert part in text, (part, text)
    assert "track()" not in text and "Home" not in text and "](" not in text


def test_csv_and_json():
    assert extract_text(b'a,b\n1,"x, y"\n', filename="t.csv").text == "a\tb\n1\tx, y"
    data = {"name": "Zoë", "items": [1, 2]}
    text = extract_text(json.dumps(data).encode(), filename="d.json").text
    assert json.loads(text) == data and "Zoë" in text


def test_types_come_from_the_declared_type_then_the_name():
    assert detect_type("x.bin", "application/pdf") == "application/pdf"
    assert detect_type("README.MD") == "text/markdown"
    assert detect_type("page.htm", "application/octet-stream") == "text/html"
    assert detect_type("tool.exe", "application/octet-stream") is None


def test_unsupported_and_broken_files_are_refused_clearly():
    with pytest.raises(UnsupportedType, match="supported: txt, md, html, pdf, docx, csv, json"):
        extract_text(b"MZ\x90\x00", filename="tool.exe")
    with pytest.raises(ExtractionFailed, match="PDF"):
        extract_text(b"%PDF-1.4 broken", filename="a.pdf")
    with pytest.raises(ExtractionFailed, match="DOCX"):
        extract_text(b"not a zip", filename="a.docx")
    with pytest.raises(ExtractionFailed, match="not valid JSON"):
        extract_text(b"{oops", filename="a.json")
