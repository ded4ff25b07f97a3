"""Plan the edits that make one module refer to moved names at their new place.

Support module of `rewrite_references`: it reads scope metadata and decides; the command
applies the decisions in one transformer pass. Nothing here matches a name by spelling:
every reference is reached from the import that binds it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import BuiltinAssignment, GlobalScope, ImportAssignment, Scope

from codemods._bindings import (
    Access,
    Binding,
    Kind,
    assignments_of,
    collect_bindings,
    encloses,
    scopes_of,
    statement_bindings,
    sub_node,
)
from codemods._dotted import (
    build_dotted,
    dotted_of,
    express_from,
    import_from_base,
    spell_import_from,
    string_value,
)
from codemods._reference_edits import AliasFate, Edits, FileFacts
from codemods._relocation import Hit, ModuleMove, Move, Problem, Relocation, SymbolMove

_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
# Calls whose (object, "name") arguments refer to an attribute of the object.
ATTRIBUTE_CALLS = frozenset(
    {
        "builtins.getattr",
        "builtins.hasattr",
        "builtins.setattr",
        "builtins.delattr",
        "unittest.mock.patch.object",
        "mock.patch.object",
    }
)


class ReferencePlanner:
    def __init__(
        self,
        scope_of: Mapping[cst.CSTNode, object] | None,
        relocation: Relocation,
        facts: FileFacts,
    ) -> None:
        self.scope_of = scope_of
        self.reloc = relocation
        self.facts = facts
        self.edits = Edits()
        self.taken = set(facts.tree.names)
        self.rewritten: set[int] = set()
        self.bindings: list[Binding] = []
        self._new_bindings: dict[tuple[int, str, str], str | None] = {}

    def plan(self) -> Edits:
        f = self.facts
        if self.scope_of is None:
            self.bindings = statement_bindings(f.tree, f.module, f.is_package)
        else:
            scopes = scopes_of(self.scope_of)
            self.bindings = collect_bindings(scopes, f.tree, f.module, f.is_package)
        self.by_assignment = {
            id(a): b for b in self.bindings for a in b.prefix_assignments.values()
        }
        for binding in self.bindings:
            self._statement(binding)
        for binding in self.bindings:
            if binding.alias in self.edits.fates:
                continue
            for access in binding.accesses:
                self._access(binding, access)
            for string, scope in binding.strings:
                self._annotation(binding, string, scope)
        for binding in self.bindings:
            self._drop_if_unused(binding)
        for star in f.tree.stars:
            self._star(star)
        return self.edits

    # -- the import statements themselves -------------------------------------------------

    def _statement(self, b: Binding) -> None:
        hit = self.reloc.resolve(b.path)
        moves_binding = hit is not None and hit.consumed <= len(b.path)
        if hit is not None and moves_binding and b.kind is Kind.FROM:
            self._retarget_from(b, hit)
        elif hit is not None and moves_binding and isinstance(hit.move, ModuleMove):
            self._retarget_import(b, hit)
        elif b.kind is Kind.FROM and b.relative and self._file_moves:
            base = ".".join(b.path[:-1])
            spelled = express_from(
                base, self.facts.new_module, self.facts.is_package, relative=True
            )
            if spelled != self._spelling(b.statement):
                self.edits.fates[b.alias] = AliasFate(base=spelled)

    @property
    def _file_moves(self) -> bool:
        return self.facts.module != self.facts.new_module

    def _retarget_from(self, b: Binding, hit: Hit) -> None:
        new_full = (*hit.new, *b.path[hit.consumed :])
        new_base, new_name = ".".join(new_full[:-1]), new_full[-1]
        old_name = b.path[-1]
        if new_base == self.facts.new_module:
            # The name is now defined in this very module: the import goes away.
            if b.name != new_name:
                self._problem(hit.move, f"it imports {old_name} as {b.name}, which would clash")
                return
            self.edits.fates[b.alias] = AliasFate(drop=True)
            return
        if not new_base:
            asname = b.name if b.name != new_name else None
            self.edits.fates[b.alias] = AliasFate(
                name=new_name, asname=asname, as_plain_import=True
            )
            return
        fate = AliasFate(
            base=express_from(
                new_base, self.facts.new_module, self.facts.is_package, relative=b.relative
            )
        )
        if new_name != old_name:
            fate.name = new_name
            if b.alias.asname is None:
                if self._can_rename(b, new_name):
                    self._rename(b, new_name)
                else:
                    fate.asname = old_name
        self.edits.fates[b.alias] = fate

    def _retarget_import(self, b: Binding, hit: Hit) -> None:
        new_path = (*hit.new, *b.path[hit.consumed :])
        self.edits.fates[b.alias] = AliasFate(name=".".join(new_path))
        if b.kind is not Kind.PLAIN:
            return
        # `import a.b` binds `a`: every chain through the moved prefix is respelled.
        for access in b.accesses:
            through = self.reloc.resolve(access.parts)
            if through is None or through.move != hit.move:
                if not self._root_bound_elsewhere(b):
                    self._problem(
                        hit.move,
                        f"it uses {'.'.join(access.parts)} through `import {'.'.join(b.path)}`",
                    )
                continue
            node = self._node_for(access, through.consumed)
            self.edits.replacements[node] = build_dotted(".".join(through.new))
            self.rewritten.add(id(access.node))

    def _root_bound_elsewhere(self, b: Binding) -> bool:
        return any(
            o is not b and o.kind is Kind.PLAIN and o.name == b.name and o.scope is b.scope
            for o in self.bindings
        )

    def _spelling(self, statement: cst.Import | cst.ImportFrom) -> tuple[int, str | None]:
        assert isinstance(statement, cst.ImportFrom)
        module = statement.module
        return len(statement.relative), dotted_of(module) if module is not None else None

    def _can_rename(self, b: Binding, new_name: str) -> bool:
        return (
            new_name not in self.taken
            and b.name not in self.facts.tree.exports
            and not self.facts.is_package
            and not b.strings
        )

    def _rename(self, b: Binding, new_name: str) -> None:
        self.taken.add(new_name)
        for access in b.accesses:
            if isinstance(access.node, cst.Name):
                self.edits.replacements[access.node] = cst.Name(new_name)

    # -- uses of a binding: `b.X`, `a.b.X`, patch.object(b, "X") ------------------------------

    def _access(self, b: Binding, access: Access) -> None:
        hit = self.reloc.resolve(access.parts)
        if hit is not None and hit.consumed > access.base_len:
            node = self._node_for(access, hit.consumed)
            replacement = self._respell(b, access, hit)
            if replacement is not None:
                self.edits.replacements[node] = replacement
                self.rewritten.add(id(access.node))
            return
        self._attribute_call(b, access)

    def _node_for(self, access: Access, consumed: int) -> cst.BaseExpression:
        if consumed <= access.base_len:
            return sub_node(access.chain[0], consumed, access.base_len)
        return access.chain[consumed - access.base_len]

    def _respell(self, b: Binding, access: Access, hit: Hit) -> cst.BaseExpression | None:
        """The expression for the moved thing at `hit` from where `access` is."""
        if isinstance(hit.move, SymbolMove):
            module, name = ".".join(hit.new[:-1]), hit.new[-1]
        else:
            module, name = ".".join(hit.new), ""
        if module == self.facts.new_module:
            if not name:
                self._problem(hit.move, "it refers to itself by its module name")
                return None
            if self._shadowed(name, access.scope):
                self._problem(hit.move, f"a local name {name} hides the moved {name} here")
                return None
            return cst.Name(name)
        spelled = self._module_binding(module, b, access.scope)
        if spelled is None:
            self._problem(hit.move, f"no free name is left to import {module} under")
            return None
        return build_dotted(f"{spelled}.{name}" if name else spelled)

    def _attribute_call(self, b: Binding, access: Access) -> None:
        """`patch.object(b, "X")` / `getattr(b, "X")` name X as an attribute of module b."""
        call = self._attribute_call_of(access.chain[-1])
        if call is None:
            return
        module = ".".join(access.parts)
        attribute = call.args[1].value if len(call.args) > 1 else None
        name = string_value(attribute) if isinstance(attribute, cst.SimpleString) else None
        if name is None:
            if self.reloc.symbols_from(module):
                self.edits.notes.append(
                    (call, f"dynamic attribute lookup on {module}, which loses moved names")
                )
            return
        hit = self.reloc.resolve((*access.parts, name))
        if hit is None or hit.consumed != len(access.parts) + 1:
            return
        target = ".".join(hit.new[:-1])
        if target == self.facts.new_module:
            self._problem(hit.move, f"it looks {name} up on {module} dynamically")
            return
        spelled = self._module_binding(target, b, access.scope)
        if spelled is None:
            self._problem(hit.move, f"no free name is left to import {target} under")
            return
        self.edits.replacements[access.chain[-1]] = build_dotted(spelled)
        self.rewritten.add(id(access.node))

    def _attribute_call_of(self, node: cst.BaseExpression) -> cst.Call | None:
        parents = self.facts.tree.parents
        arg = parents.get(node)
        if not isinstance(arg, cst.Arg) or arg.keyword is not None:
            return None
        call = parents.get(arg)
        if not isinstance(call, cst.Call) or not call.args or call.args[0] is not arg:
            return None
        return call if self._qualified(call) & ATTRIBUTE_CALLS else None

    def _qualified(self, call: cst.Call) -> set[str]:
        """What the called name resolves to, through this file's imports (qualified names)."""
        spelled = dotted_of(call.func)
        scope = self.scope_of.get(call) if self.scope_of is not None else None
        if spelled is None or not isinstance(scope, Scope):
            return set()
        head, _, rest = spelled.partition(".")
        found = assignments_of(scope, head)
        if not found or any(isinstance(a, BuiltinAssignment) for a in found):
            return {f"builtins.{spelled}"}
        names = set()
        for assignment in found:
            binding = self.by_assignment.get(id(assignment))
            if binding is None:
                continue
            if binding.kind is Kind.PLAIN:
                names.add(spelled)
            else:
                names.add(".".join((*binding.path, *([rest] if rest else []))))
        return names

    def _annotation(self, b: Binding, string: cst.SimpleString, scope: Scope) -> None:
        """A string annotation such as `"b.X"`: respelled when it is a plain dotted path."""
        value = string_value(string)
        renamed = self.edits.replacements.get(b.accesses[0].node) if b.accesses else None
        if value is None or not _DOTTED.match(value):
            return
        head, *rest = value.split(".")
        if head != b.name:
            return
        base = b.path if b.kind is not Kind.PLAIN else (head,)
        parts = (*base, *rest)
        hit = self.reloc.resolve(parts)
        new_text: str | None = None
        if hit is not None and hit.consumed > len(base):
            access = Access(string, scope, [string], parts, len(base))
            respelled = self._respell(b, access, hit)
            if respelled is None:
                return
            spelled = cst.Module([]).code_for_node(respelled)
            new_text = ".".join((spelled, *parts[hit.consumed :]))
        elif isinstance(renamed, cst.Name):
            new_text = ".".join((renamed.value, *rest))
        if new_text is not None:
            quote = string.quote
            self.edits.replacements[string] = string.with_changes(
                value=f"{string.prefix}{quote}{new_text}{quote}"
            )

    def _shadowed(self, name: str, scope: Scope) -> bool:
        current: Scope = scope
        while not isinstance(current, GlobalScope):
            if name in current and any(a.scope is current for a in current[name]):
                return True
            current = current.parent
        return False

    # -- a binding for a module the file does not import yet ---------------------------------

    def _module_binding(self, module: str, b: Binding, scope: Scope) -> str | None:
        existing = self._existing_binding(module, scope)
        if existing is not None:
            return existing
        key = (id(b.scope), module, b.kind.value)
        if key not in self._new_bindings:
            self._new_bindings[key] = self._add_binding(module, b)
        return self._new_bindings[key]

    def _existing_binding(self, module: str, scope: Scope) -> str | None:
        wanted = tuple(module.split("."))
        for other in self.bindings:
            if (
                other.alias in self.edits.fates
                or other.scope is None
                or not encloses(other.scope, scope)
            ):
                continue
            if other.kind is Kind.PLAIN and module in other.prefix_assignments:
                spelled, assignment = module, other.prefix_assignments[module]
                root = other.name
            elif other.kind is not Kind.PLAIN and other.path == wanted:
                spelled = root = other.name
                assignment = next(iter(other.prefix_assignments.values()))
            else:
                continue
            if self._resolves_to(root, scope, assignment):
                return spelled
        return None

    def _resolves_to(self, name: str, scope: Scope, assignment: ImportAssignment) -> bool:
        found = assignments_of(scope, name)
        if not found:
            return False
        root = {a for a in found if isinstance(a, ImportAssignment)}
        return root == set(found) and any(a.node is assignment.node for a in root)

    def _add_binding(self, module: str, b: Binding) -> str | None:
        plain_roots = {o.name for o in self.bindings if o.kind is Kind.PLAIN}
        root = module.split(".")[0]
        use_plain = b.kind is Kind.PLAIN or "." not in module
        if use_plain and (root not in self.taken or root in plain_roots):
            self.taken.add(root)
            self._insert_after(b.statement, f"import {module}")
            return module
        if "." not in module:
            return None
        parent, leaf = module.rsplit(".", 1)
        name = self._pick_name(module)
        if name is None:
            return None
        if b.kind is Kind.ALIAS:
            code = f"import {module} as {name}"
        else:
            level, base = express_from(
                parent, self.facts.new_module, self.facts.is_package, relative=b.relative
            )
            code = spell_import_from(level, base, leaf if name == leaf else f"{leaf} as {name}")
        self._insert_after(b.statement, code)
        return name

    def _pick_name(self, module: str) -> str | None:
        parts = module.split(".")
        candidates = [parts[-1]]
        if len(parts) > 1:
            candidates.append(f"{parts[-2]}_{parts[-1]}")
        for name in candidates:
            if name not in self.taken:
                self.taken.add(name)
                return name
        return None

    def _insert_after(self, statement: cst.CSTNode, code: str) -> None:
        self.edits.inserts_after.setdefault(statement, []).append(code)

    # -- imports left without a use, star imports ------------------------------------------

    def _drop_if_unused(self, b: Binding) -> None:
        if b.alias in self.edits.fates or not b.accesses or b.strings:
            return
        if any(id(a.node) not in self.rewritten for a in b.accesses):
            return
        if b.name in self.facts.tree.exports or self.facts.is_package:
            return
        self.edits.fates[b.alias] = AliasFate(drop=True)

    def _star(self, star: cst.ImportFrom) -> None:
        f = self.facts
        base = import_from_base(star, f.module, f.is_package)
        if base is None:
            return
        unresolved = self._unresolved_names() if self.reloc.symbols_from(base) else set()
        for move in self.reloc.symbols_from(base):
            if move.name in unresolved:
                self._problem(move, f"`from {base} import *` may bring {move.name} in")
            elif f.is_package and not move.name.startswith("_"):
                self._problem(move, f"it re-exports everything of {base} with a star import")
        new_base = self.reloc.new_module_name(base)
        relative = bool(star.relative)
        spelled = express_from(new_base, f.new_module, f.is_package, relative=relative)
        if (new_base != base or (relative and self._file_moves)) and spelled != self._spelling(
            star
        ):
            self.edits.star_bases[star] = spelled

    def _unresolved_names(self) -> set[str]:
        """Names used in the file that no assignment or import of the file binds."""
        names: set[str] = set()
        for scope in scopes_of(self.scope_of or {}):
            for access in scope.accesses:
                if not access.referents and isinstance(access.node, cst.Name):
                    names.add(access.node.value)
        return names

    def _problem(self, move: Move, reason: str) -> None:
        self.edits.problems.append(Problem(move, reason))
