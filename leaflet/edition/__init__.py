"""Editions: catalogues, languages, fonts, QR codes, HTML and PDF rendering, the build plan.

Nothing here is imported by `import leaflet`; WeasyPrint itself loads only in `pdf.py`,
inside the functions that render.
"""
