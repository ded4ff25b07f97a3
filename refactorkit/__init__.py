"""refactorkit: measure and untangle the coupling between the apps of a Django monolith."""

import time

__version__ = "0.1.0"

# When the package was first imported: `--profile` reports the imports that follow (click,
# networkx, grimp, ...) as a phase of their own.
IMPORTED_AT = time.perf_counter()
