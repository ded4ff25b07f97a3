"""Plan files, applying a stage's changes atomically, journal and undo, verification."""
