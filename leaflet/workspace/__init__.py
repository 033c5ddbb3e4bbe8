"""The workspace: leaflet.toml and the folders beside it.

leaflet.toml read and validated into plain, frozen data (`model`): the file found and
decoded (`loader`), its values checked (`parser`), one small parser per section
(`sections`); its contact data checked by kind (`contacts`); and what the edition's manifest
says is built (`built`). Standard library only (the hand-over path loads it).
"""

from leaflet.workspace.loader import find_workspace, load_workspace  # noqa: F401
from leaflet.workspace.model import (  # noqa: F401
    CENTRES, DEFAULT_CASE_REF_PATTERN, DEFAULT_REPORT_TARGET, DEFAULT_TEXT_SIZE,
    DEFAULT_TIMEZONE, KINDS, PRINTED_PHONES, REQUIRED_ORGANISATIONS, TEXT_SIZES,
    WORKSPACE_FILE, Detail, Organisation, Recording, Website, Workspace)
