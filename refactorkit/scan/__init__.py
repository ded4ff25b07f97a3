"""Turn every Python file of the project into facts, statically."""
