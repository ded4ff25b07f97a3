"""`apply --diff`: the exact unified diff, created and deleted files against /dev/null."""

from __future__ import annotations

from refactorkit.engine.changes import FileChange
from refactorkit.engine.diff import unified_diff


def test_modified_created_and_deleted_files_sorted_by_path():
    changes = [
        FileChange("shop/views.py", None, b"from shop.models import Rate\n"),
        FileChange(
            "shop/models.py",
            b"A = 1\nB = 2\nC = 3\nD = 4\nE = 5\n",
            b"A = 1\nB = 2\nC = 30\nD = 4\nE = 5\n",
        ),
        FileChange("shop/old.py", b"OLD = True\nMORE = 1\n", None),
    ]
    assert unified_diff(changes) == (
        "--- a/shop/models.py\n"
        "+++ b/shop/models.py\n"
        "@@ -1,5 +1,5 @@\n"
        " A = 1\n"
        " B = 2\n"
        "-C = 3\n"
        "+C = 30\n"
        " D = 4\n"
        " E = 5\n"
        "--- a/shop/old.py\n"
        "+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n"
        "-OLD = True\n"
        "-MORE = 1\n"
        "--- /dev/null\n"
        "+++ b/shop/views.py\n"
        "@@ -0,0 +1 @@\n"
        "+from shop.models import Rate\n"
    )


def test_context_is_three_lines_and_far_changes_make_two_hunks():
    before = "".join(f"L{i}\n" for i in range(1, 21)).encode()
    after = before.replace(b"L2\n", b"L2!\n").replace(b"L19\n", b"L19!\n")
    text = unified_diff([FileChange("a.py", before, after)])
    assert [line for line in text.splitlines() if line.startswith("@@")] == [
        "@@ -1,5 +1,5 @@",
        "@@ -16,5 +16,5 @@",
    ]


def test_missing_newline_at_end_of_file_is_marked_as_git_does():
    text = unified_diff([FileChange("a.py", b"x = 1\n", b"x = 1\ny = 2")])
    assert text == (
        "--- a/a.py\n+++ b/a.py\n@@ -1 +1,2 @@\n x = 1\n+y = 2\n\\ No newline at end of file\n"
    )


def test_only_newlines_split_lines_not_form_feeds():
    text = unified_diff([FileChange("a.py", b"a = 1\x0cb = 2\n", b"a = 1\x0cb = 3\n")])
    assert text == "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-a = 1\x0cb = 2\n+a = 1\x0cb = 3\n"


def test_empty_created_file_and_binary_content():
    text = unified_diff(
        [FileChange("pkg/__init__.py", None, b""), FileChange("logo.bin", b"\xff\x00", b"\xfe")]
    )
    assert text == (
        "Binary files a/logo.bin and b/logo.bin differ\n--- /dev/null\n+++ b/pkg/__init__.py\n"
    )


def test_no_changes_no_output():
    assert unified_diff([]) == ""
