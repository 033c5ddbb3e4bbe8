"""What the circular defines: the encounter record's closed vocabularies (`choices`) and the
duties of DUTY-RULES.md, each declared once (`rules`) and compiled to SQLAlchemy (`sql`),
to SQLite text for the standard-library writer (`sqlite`) and to Python (`judge`)."""
