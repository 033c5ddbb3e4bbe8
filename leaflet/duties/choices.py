"""The closed vocabularies of the encounter record (docs/log-format.md).

Kept apart from the record's checks, so that the CLI can list them in option help and
prompts without loading anything else at `leaflet --help`.
"""

from leaflet.workspace import CENTRES  # noqa: F401  (the support centres leaflet.toml describes)

SERVICES = ("police", "social-law-inspection", "social-inspection")
ASSESSMENTS = ("victim", "uncertain", "implicated")
RESIDENCE_STATUSES = ("legal", "illegal", "provisional", "unknown")
LEAFLET_OUTCOMES = ("given", "refused", "not_given")
NOT_GIVEN_REASONS = ("no_language", "implicated", "other")
CENTRE_ACTIONS = ("intake", "contact_arranged", "contact_declined", "none")
