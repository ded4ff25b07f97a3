"""Hand-written fake stages for the engine's tests (no mock.patch).

`PlanStage` does whatever its plan file says, so each test states its changes as a plan:

    [[write]]                 # create or overwrite a file
    path = "shop/new.py"
    content = "X = 1\n"

    [[replace]]               # rewrite text inside a file (a constant, an import...)
    path = "shop/models.py"
    old = "RATE = 1"
    new = "RATE = 2"

    [[delete]]
    path = "shop/old.py"

    [[skip]]                  # reported as skipped, changes nothing
    operation = "move shop.x"
    reason = "it is used by a string in settings"

    [[mention]]
    file = "docs/conf.py"
    line = 3
    text = "shop.models.Rate"
    reason = "in a docstring"

Like a real stage it is pure: it reads the tree and returns the new content of each file;
it never writes. `replace` of text that is not there changes nothing, so a plan applied
twice does nothing the second time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from refactorkit.engine.changes import FileChange, Mention, Skipped, StageResult
from refactorkit.errors import PlanError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_PLAN = '# A plan of the fake stage.\n[[replace]]\npath = "app/a.py"\nold = "1"\nnew = "2"\n'


class PlanStage:
    def __init__(self, name: str = "isolate") -> None:
        self.name = name

    def propose(self, project: Path) -> str:
        if not project.is_dir():
            raise PlanError(str(project), "no project there.")
        return DEFAULT_PLAN

    def transform(self, project: Path, plan_text: str) -> StageResult:
        try:
            plan = tomllib.loads(plan_text)
        except tomllib.TOMLDecodeError as exc:
            raise PlanError("<plan>", f"not TOML ({exc}).") from exc
        unknown = sorted(set(plan) - {"write", "replace", "delete", "skip", "mention"})
        if unknown:
            raise PlanError("<plan>", f"unknown operation {unknown[0]!r}.", line=1)
        contents: dict[str, bytes | None] = {}
        originals: dict[str, bytes | None] = {}
        done: list[str] = []

        def current(path: str) -> bytes | None:
            if path not in contents:
                file = project / path
                originals[path] = file.read_bytes() if file.exists() else None
                contents[path] = originals[path]
            return contents[path]

        for op in plan.get("write", []):
            current(op["path"])
            contents[op["path"]] = op["content"].encode()
            done.append(f"wrote {op['path']}")
        for op in plan.get("replace", []):
            data = current(op["path"])
            if data is not None and op["old"].encode() in data:
                contents[op["path"]] = data.replace(op["old"].encode(), op["new"].encode())
                done.append(f"replaced {op['old']!r} with {op['new']!r} in {op['path']}")
        for op in plan.get("delete", []):
            if current(op["path"]) is not None:
                contents[op["path"]] = None
                done.append(f"deleted {op['path']}")
        changes = tuple(
            FileChange(path, originals[path], after)
            for path, after in sorted(contents.items())
            if after != originals[path]
        )
        return StageResult(
            stage=self.name,
            changes=changes,
            done=tuple(done) if changes else (),
            skipped=tuple(Skipped(s["operation"], s["reason"]) for s in plan.get("skip", [])),
            mentions=tuple(
                Mention(m["file"], m["line"], m["text"], m["reason"])
                for m in plan.get("mention", [])
            ),
        )


def main() -> None:
    """`python fakes.py STAGE PROJECT PLAN`: apply through the engine, as the CLI would; used
    by the test that kills an apply with SIGKILL midway."""
    from refactorkit.engine.apply import ApplyOptions, apply_stage

    stage, project, plan = sys.argv[1:4]
    apply_stage(PlanStage(stage), Path(project), Path(plan), ApplyOptions())


if __name__ == "__main__":
    main()
