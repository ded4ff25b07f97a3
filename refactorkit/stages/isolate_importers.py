"""Edit the modules that use a split module: `mock.patch` targets always follow the code
(`retarget_mock_patches`); with `rewrite_imports`, imports and dotted strings also point at
the new submodules, through the move-code stage's `rewrite_references` codemod.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from libcst.codemod import (
    CodemodContext,
    TransformFailure,
    TransformResult,
    TransformSkip,
    TransformSuccess,
    transform_module,
)

from codemods._relocation import Relocation, SymbolMove
from codemods.retarget_mock_patches import RetargetMockPatchesCommand
from codemods.rewrite_references import RewriteReferencesCommand
from refactorkit.engine.changes import Mention, Skipped
from refactorkit.project import SourceFile
from refactorkit.stages.isolate_patches import Retarget


@dataclass(frozen=True, slots=True)
class Edited:
    text: bytes
    mentions: tuple[Mention, ...]
    done: tuple[str, ...]


def edit_importer(
    file: SourceFile,
    data: bytes,
    retargets: Sequence[Retarget],
    moves: Sequence[SymbolMove],
) -> Edited | Skipped:
    """`data` (the file's content) with its patch targets and, when `moves` are given, its
    references to the moved names rewritten."""
    try:
        code = data.decode("utf-8")
    except UnicodeDecodeError:
        return Skipped(f"edit {file.relpath}", "the file is not UTF-8; it was left as it is.")
    done: list[str] = []
    mentions: list[Mention] = []
    if retargets:
        context = CodemodContext(filename=str(file.path), full_module_name=file.module)
        patcher = RetargetMockPatchesCommand(context, {r.old: r.new for r in retargets})
        result = transform_module(patcher, code)
        if not isinstance(result, TransformSuccess):
            return Skipped(f"retarget mock.patch in {file.relpath}", _why(result))
        code = result.code
        done.extend(f"{file.relpath}: mock.patch {r}" for r in patcher.rewritten)
    if moves:
        context = CodemodContext(filename=str(file.path), full_module_name=file.module)
        rewriter = RewriteReferencesCommand(
            context, Relocation(moves), module_name=file.module, is_package=file.is_package
        )
        result = transform_module(rewriter, code)
        if isinstance(result, TransformSuccess):
            if result.code != code:
                done.append(f"{file.relpath}: imports point at the new submodules")
            code = result.code
            mentions.extend(Mention(file.relpath, n.line, n.text, n.reason) for n in rewriter.notes)
        else:
            return Skipped(f"rewrite imports in {file.relpath}", _why(result))
    return Edited(code.encode("utf-8"), tuple(mentions), tuple(done))


def _why(result: TransformResult) -> str:
    if isinstance(result, TransformSkip):
        return result.skip_description or result.skip_reason.value
    if isinstance(result, TransformFailure):
        return f"the codemod failed: {result.error}"
    return "unknown"
