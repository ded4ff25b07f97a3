"""refactorkit: measure and untangle the coupling between the apps of a Django monolith."""

__version__ = "0.1.0"
