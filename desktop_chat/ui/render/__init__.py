"""Turning text into what is shown: Markdown with code and math (``markdown.py``,
``markdown_math.py``, ``formula_images.py``), the light and dark themes (``theme.py``),
and a conversation as a PDF (``export_pdf.py``)."""
