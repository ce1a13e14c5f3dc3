"""gigui: the analysis engine of gitinspector-lsp."""

import logging

__version__ = "0.1.0"

# The engine never prints: it only logs, and stays silent unless the embedder configures logging.
logging.getLogger("gigui").addHandler(logging.NullHandler())
