"""The scan never drops a file silently: every file it cannot use is reported with a reason."""

from __future__ import annotations

import dataclasses
import os
import sys

import pytest

from refactorkit.config import Config
from refactorkit.project import discover
from refactorkit.scan import source as source_module
from refactorkit.scan import statements
from refactorkit.scan.runner import scan_project


def scan(root, config: Config | None = None):
    config = config or Config()
    return scan_project(discover(root, config), config)


def reasons(result) -> dict[str, str]:
    return {d.file: d.reason for d in result.diagnostics}


def imports_of(result, module: str) -> set[tuple[int, str, str]]:
    facts = next(f for f in result.files if f.module == module)
    return {(r.line, r.kind.value, r.target) for r in facts.references}


def test_grimp_and_ast_paths_give_resolved_imports(tree):
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/models.py": "X = 1\n",
            "shop/plain.py": "from shop.models import X\nfrom . import models\nimport os\n",
            "shop/lazy.py": "def f():\n    from shop.models import X\n",
        }
    )
    result = scan(root)
    assert result.diagnostics == ()
    # plain.py has no indented import and no Django word: grimp reads it.
    assert imports_of(result, "shop.plain") == {
        (1, "import", "shop.models"),
        (2, "import", "shop.models"),
        (3, "import", "os"),
    }
    assert imports_of(result, "shop.lazy") == {(2, "lazy", "shop.models.X")}


def test_external_imports_keep_their_full_module_name(tree):
    root = tree(
        {"shop/__init__.py": "", "shop/a.py": "from django.contrib.auth.models import User\n"}
    )
    assert imports_of(scan(root), "shop.a") == {(1, "import", "django.contrib.auth.models")}


def test_syntax_error_is_reported_and_the_rest_is_analysed(tree):
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/broken.py": "import os\ndef f(:\n    pass\n",
            "shop/broken_too.py": "x = (\n",
            "shop/ok.py": "from shop import models\n",
            "shop/models.py": "",
        }
    )
    result = scan(root)
    assert [f.module for f in result.files] == ["shop", "shop.models", "shop.ok"]
    found = reasons(result)
    assert found["shop/broken.py"].startswith("skipped: syntax error")
    assert found["shop/broken_too.py"].startswith("skipped: syntax error")
    assert {d.line for d in result.diagnostics if d.file == "shop/broken.py"} == {2}


def test_syntax_error_in_a_file_ast_must_parse(tree):
    root = tree({"shop/__init__.py": "", "shop/t.py": "def f():\n    import os\n  x = 1\n"})
    assert reasons(scan(root))["shop/t.py"].startswith("skipped: syntax error")


def test_syntax_newer_than_this_python_is_read_by_grimp_and_reported(tree):
    # PEP 758 (Python 3.14): `except` with several types and no parentheses, inside a
    # statement that names a Django call, so the statement must be parsed.
    source = (
        "import shop.models\nwith mock.patch('shop.models.x'):\n    try:\n        pass\n"
        "    except ValueError, TypeError:\n        pass\n"
    )
    root = tree({"shop/__init__.py": "", "shop/models.py": "", "shop/new.py": source})
    result = scan(root)
    assert (1, "import", "shop.models") in imports_of(result, "shop.new")
    if sys.version_info >= (3, 14):  # this Python parses it itself
        assert "shop/new.py" not in reasons(result)
    else:
        reason = reasons(result)["shop/new.py"]
        assert reason.startswith(f"Python {sys.version_info.major}.{sys.version_info.minor} ")
        assert "cannot parse this file (" in reason
        assert "; newer syntax?): its imports were read" in reason


def test_newer_syntax_in_statements_without_facts_does_not_matter(tree):
    # Only the statements that can hold facts are parsed: the `except` clause here holds
    # none, so this Python reads the file's facts in full, the lazy import included.
    source = (
        "import shop.models\ntry:\n    x = 1\nexcept ValueError, TypeError:\n    pass\n"
        "def f():\n    import os\n"
    )
    root = tree({"shop/__init__.py": "", "shop/models.py": "", "shop/new.py": source})
    result = scan(root)
    assert (7, "lazy", "os") in imports_of(result, "shop.new")
    assert "shop/new.py" not in reasons(result)


def test_an_import_the_skeleton_missed_is_caught_by_grimp_and_the_file_parsed_whole(
    tree, monkeypatch
):
    # Blind the skeleton's line scan for imports: grimp's reading must make up for it.
    monkeypatch.setattr(statements, "_import_lines", lambda text, starts: set())
    source = "import shop.models\nx = get_model('shop', 'Order')\ndef f():\n    import os\n"
    root = tree({"shop/__init__.py": "", "shop/models.py": "", "shop/views.py": source})
    refs = imports_of(scan(root), "shop.views")
    assert {(1, "import", "shop.models"), (4, "lazy", "os")} <= refs


def test_a_syntax_error_outside_the_skeleton_is_reported(tree):
    source = "from shop import models\nx = models.ForeignKey('shop.Order')\ndef f(:\n    pass\n"
    root = tree({"shop/__init__.py": "", "shop/models.py": "", "shop/views.py": source})
    assert reasons(scan(root))["shop/views.py"].startswith("skipped: syntax error")


def test_non_utf8_nul_bytes_and_declared_encodings(tree):
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/latin.py": b'x = "\xe9t\xe9"\n',
            "shop/nul.py": b"import os\x00\n",
            "shop/declared.py": b'# -*- coding: latin-1 -*-\nimport shop.nul\nx = "\xe9"\n',
        }
    )
    result = scan(root)
    found = reasons(result)
    assert found["shop/latin.py"] == (
        "skipped: the file is not valid UTF-8 (byte 0xe9 at offset 5) and declares no "
        "encoding that decodes it."
    )
    assert found["shop/nul.py"] == "skipped: the file contains NUL bytes; it is not Python source."
    assert "shop/declared.py" not in found
    assert imports_of(result, "shop.declared") == {(2, "import", "shop.nul")}


def test_a_file_that_cannot_be_read_is_reported(tree):
    # A folder named like a module cannot be read as a file (root could read a chmod-0 file).
    root = tree({"shop/__init__.py": ""})
    project = discover(root, Config())
    folder = root / "shop" / "ghost.py"
    folder.mkdir()
    ghost = dataclasses.replace(
        project.files[0],
        module="shop.ghost",
        path=folder,
        relpath="shop/ghost.py",
        is_package=False,
    )
    result = scan_project(dataclasses.replace(project, files=(*project.files, ghost)), Config())
    assert reasons(result)["shop/ghost.py"] == "skipped: the file cannot be read (Is a directory)."


def test_symlink_loop_and_broken_link(tree):
    root = tree({"shop/__init__.py": ""})
    (root / "shop/loop.py").symlink_to(root / "shop/loop2.py")
    (root / "shop/loop2.py").symlink_to(root / "shop/loop.py")
    (root / "shop/dangling.py").symlink_to(root / "nowhere.py")
    found = reasons(scan(root))
    assert found["shop/loop.py"].startswith("skipped: the file cannot be read (")
    assert "symbolic links" in found["shop/loop.py"]
    assert found["shop/dangling.py"] == (
        "skipped: the file cannot be read (No such file or directory)."
    )


def test_oversized_data_module_is_scanned_for_imports_only(tree):
    data = "import shop.models\nDATA = [\n" + "    'ForeignKey',\n" * 20_000 + "]\n"
    root = tree({"shop/__init__.py": "", "shop/models.py": "", "shop/data.py": data})
    result = scan(root, Config(max_file_bytes=100_000))
    assert imports_of(result, "shop.data") == {(1, "import", "shop.models")}
    assert reasons(result)["shop/data.py"].startswith("large file (0.4 MB, over the 0.1 MB limit)")


def test_top_level_modules_outside_packages_are_parsed(tree):
    root = tree({"manage.py": "import shop.models\n", "shop/__init__.py": "", "shop/models.py": ""})
    assert imports_of(scan(root), "manage") == {(1, "import", "shop.models")}


def test_facts_count_lines_and_top_level_definitions(tree):
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/m.py": "class A:\n    def f(self): ...\ndef g(): ...\nasync def h(): ...\nx = 1",
        }
    )
    facts = next(f for f in scan(root).files if f.module == "shop.m")
    assert (facts.lines, facts.definitions) == (5, 3)


def test_grimp_resolves_against_modules_that_ast_parses(tree):
    # lazy.py goes through ast (indented import); plain.py through grimp, which must still
    # know lazy.py exists to resolve the relative import to it rather than to the package.
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/sub/__init__.py": "",
            "shop/sub/plain.py": "from ..lazy import helper\n",
            "shop/lazy.py": "def helper():\n    import os\n",
        }
    )
    assert imports_of(scan(root), "shop.sub.plain") == {(1, "import", "shop.lazy")}


def test_line_numbers_and_evidence_follow_python_line_ends(tree):
    # `\r\n` and lone `\r` end lines; a form feed or U+2028 inside a line does not.
    crlf = "import os\r\nx = '\x0c\u2028'\r\ny = models.ForeignKey('shop.Order')\r\n"
    old_mac = "import os\rdef f():\r    import json\r"
    root = tree({"shop/__init__.py": "", "shop/a.py": crlf, "shop/b.py": old_mac})
    result = scan(root)
    facts = {f.module: f for f in result.files}
    refs = {(r.line, r.kind.value, r.target, r.text) for r in facts["shop.a"].references}
    assert (3, "model-ref", "shop.Order", "y = models.ForeignKey('shop.Order')") in refs
    assert (3, "lazy", "json") in imports_of(result, "shop.b")


def test_a_file_with_a_byte_order_mark_is_read_through_its_skeleton():
    from refactorkit.scan.parse import Parsed, ParseJob, parse_file

    data = "\ufeffimport os\nx = models.ForeignKey('shop.Order')\ndef f():\n    import json\n"
    job = ParseJob(
        module="shop.views",
        relpath="shop/views.py",
        is_package=False,
        is_settings=False,
        data=data.encode("utf-8"),
        utf8=True,
        lines=4,
        definitions=1,
        may_cut=True,
    )
    result = parse_file(job)
    assert isinstance(result, Parsed) and result.cut
    refs = {(r.line, r.kind.value, r.target) for r in result.facts.references}
    assert refs == {(1, "import", "os"), (2, "model-ref", "shop.Order"), (4, "lazy", "json")}
    assert result.facts.references[0].text == "import os"  # evidence without the mark


def test_the_pool_and_an_early_grimp_agree_with_one_process_on_unreadable_files(tree):
    # Enough files for the pool; grimp starts before any file is read, meets the file that is
    # not UTF-8, and has to run again on the files that were read.
    files: dict[str, str | bytes] = {
        f"shop/m{i}.py": f"import shop.m{i + 1}\nx = models.ForeignKey('shop.A')\n"
        for i in range(60)
    }
    files["shop/__init__.py"] = ""
    files["shop/latin.py"] = b'import shop.m1\nx = "\xe9t\xe9"\n'
    files["shop/nul.py"] = b"import os\x00\n"
    root = tree(files)
    serial = scan_project(discover(root, Config()), Config(), jobs=1)
    parallel = scan_project(discover(root, Config()), Config(), jobs=2)
    assert parallel.files == serial.files
    assert parallel.diagnostics == serial.diagnostics
    assert reasons(parallel)["shop/latin.py"].startswith("skipped: the file is not valid UTF-8")
    assert reasons(parallel)["shop/nul.py"].startswith("skipped: the file contains NUL bytes")
    assert imports_of(parallel, "shop.m3") == {(1, "import", "shop.m4"), (2, "model-ref", "shop.A")}


def test_a_package_and_a_module_file_of_the_same_name_read_as_python_imports_them(tree):
    # Python imports the package `shop/utils/`; `shop/utils.py` is reported and ignored, and
    # grimp (which finds a file by its module name) must not read it in the package's place.
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/utils/__init__.py": "from .internal import X\n",
            "shop/utils/internal.py": "X = 1\n",
            "shop/utils.py": "import other.b\n",
            "other/__init__.py": "",
            "other/b.py": "",
        }
    )
    result = scan(root)
    assert imports_of(result, "shop.utils") == {(1, "import", "shop.utils.internal.X")}
    assert reasons(result)["shop/utils.py"] == (
        "skipped: module shop.utils is already defined by another file."
    )


@pytest.mark.parametrize(
    ("cookie", "why"),
    [
        ("foobar", "unknown encoding: foobar"),
        ("rot13", "'rot13' is not a text encoding"),
        ("utf-16", "utf-16 does not read ASCII as ASCII"),
    ],
)
def test_an_encoding_python_refuses_is_reported_and_the_rest_is_analysed(tree, cookie, why):
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/odd.py": f"# coding: {cookie}\nimport os\n",
            "shop/ok.py": "import shop.odd\n",
        }
    )
    result = scan(root)
    assert reasons(result)["shop/odd.py"].startswith(
        f"skipped: Python cannot read the file in the encoding it declares ({why}"
    )
    assert imports_of(result, "shop.ok") == {(1, "import", "shop.odd")}


def test_a_declared_encoding_python_accepts_is_read():
    for cookie in ("latin-1", "utf-8", "ascii", "cp1252"):
        assert source_module._refused_cookie(f"# coding: {cookie}\nimport os\n".encode()) is None
    assert source_module._refused_cookie(b"import os\n# coding: foobar\n# third line\n") is None


def test_a_syntax_error_on_a_huge_generated_line_is_reported_in_one_short_line(tree):
    source = "x = [" + ", ".join(["1"] * 5000) + ",,]\n"
    root = tree({"shop/__init__.py": "", "shop/gen.py": source})
    reason = reasons(scan(root))["shop/gen.py"]
    assert reason.startswith("skipped: syntax error (x = [1, 1, 1")
    assert reason.endswith("...).")
    assert len(reason) < 250


def test_the_stack_size_given_to_grimp_is_not_left_for_other_programs(tree, monkeypatch):
    # Commands refactorkit runs later (the project's `verify`) must not inherit it.
    root = tree({"shop/__init__.py": "", "shop/a.py": "import os\n"})
    monkeypatch.delenv("RUST_MIN_STACK", raising=False)
    assert imports_of(scan(root), "shop.a") == {(1, "import", "os")}
    assert "RUST_MIN_STACK" not in os.environ
    monkeypatch.setenv("RUST_MIN_STACK", "4194304")  # the user's own value stays
    scan(root)
    assert os.environ["RUST_MIN_STACK"] == "4194304"
