"""The closed vocabularies of the encounter record (docs/log-format.md).

Kept apart from the record's checks, so that the CLI can list them in option help and
prompts without loading anything else at `leaflet --help`.
"""

from leaflet.workspace import CENTRES  # noqa: F401  (the support centres leaflet.toml describes)

SERVICES = ("police", "social-law-inspection", "social-inspection")
ASSESSMENTS = ("victim", "uncertain", "implicated")
RESIDENCE_STATUSES = ("legal", "illegal", "provisional", "unknown")
LEAFLET_OUTCOMES = ("given", "refused", "not_given")
# no_language: no leaflet is built in any language the person understands (a translation
# gap); no_copy: one is built, but no printed copy was at hand (a stock gap, schema version 4).
NOT_GIVEN_REASONS = ("no_language", "no_copy", "implicated", "other")
CENTRE_ACTIONS = ("intake", "contact_arranged", "contact_declined", "none")
