"""Rendering, shared by every flow that makes a page: the one Jinja environment and the
leaflet's page context (`templates`), HTML to PDF with WeasyPrint and the PDF/UA fixes
(`pdf`), and the font subsets cut to a page's characters (`subset`)."""
