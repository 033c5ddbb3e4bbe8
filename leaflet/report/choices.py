"""The report's choices, once: its formats, its groupings and its CSV tables (the CLI lists
them in `--help` without importing anything else)."""

FORMATS = ("table", "csv", "json", "html", "pdf")
BY = ("unit", "service", "language", "month")
CSV_TABLES = ("figures", "follow-up", "language-gaps", "stock-gaps", "editions")
