"""LibCST codemod commands used by refactorkit's stages, one per module.

Each also runs on its own: `python -m libcst.tool codemod <module>.<Command> PATH`.
"""
