"""Render one `Analysis` as JSON, terminal text or HTML."""
