"""The closed vocabularies of the encounter record (docs/log-format.md).

Kept apart from the model, without imports, so that the CLI can list them in option help
and prompts without loading anything else at `leaflet --help`.
"""

SERVICES = ("police", "social-law-inspection", "social-inspection")
ASSESSMENTS = ("victim", "uncertain", "implicated")
RESIDENCE_STATUSES = ("legal", "illegal", "provisional", "unknown")
LEAFLET_OUTCOMES = ("given", "refused", "not_given")
NOT_GIVEN_REASONS = ("no_language", "implicated", "other")
CENTRE_ACTIONS = ("intake", "contact_arranged", "contact_declined", "none")
# The support centres of the circular; leaflet.workspace.CENTRES names the same three (the
# model asserts it), and leaflet.toml must describe each.
CENTRES = ("pag-asa", "payoke", "surya")
