"""leaflet: the support-centre leaflet for possible victims of human trafficking.

The package owns three flows (see docs/architecture.md): editions (templates and catalogues
rendered to print-quality PDFs), the hand-over log, and duty reports; rooms below them that
depend one way, and the station and the CLI above. Importing it is cheap on purpose: heavy
libraries load inside the commands that use them.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
