"""The scan cache never serves stale facts, and a broken cache is rebuilt."""

from __future__ import annotations

import os
from pathlib import Path

from refactorkit.config import Config
from refactorkit.project import discover
from refactorkit.scan.cache import CACHE_DIR, FactsCache, fingerprint, modules_key
from refactorkit.scan.runner import scan_project

PROJECT = {
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\nX = models.ForeignKey('billing.Invoice')\n",
    "shop/views.py": "from shop.models import X\n",
    "shop/lazy.py": "def f():\n    import billing.models\n",
    "billing/__init__.py": "",
    "billing/models.py": "",
}


def scan(root: Path, config: Config | None = None, jobs: int = 1):
    config = config or Config()
    project = discover(root, config)
    cache = FactsCache.load(
        project.path / CACHE_DIR / "scan.json",
        fingerprint(config.max_file_bytes),
        modules_key([f.module for f in project.files]),
    )
    return scan_project(project, config, cache=cache, jobs=jobs)


def refs(result) -> dict[str, set[tuple[int, str, str]]]:
    return {
        f.module: {(r.line, r.kind.value, r.target) for r in f.references} for f in result.files
    }


def touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_a_file_modified_just_before_the_cache_was_written_is_checked_by_content(tree):
    root = tree(PROJECT)
    scan(root)  # the files were written a moment ago: racy
    path = root / "shop/views.py"
    stat = path.stat()
    path.write_text("import shop.lazy as lazy_\n")  # the same size: 26 bytes
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert path.stat().st_size == stat.st_size
    assert refs(scan(root))["shop.views"] == {(1, "import", "shop.lazy")}


def settle(root: Path) -> None:
    """Make every file look modified long ago, so that its stat alone can be trusted."""
    for path in root.rglob("*.py"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))


def test_second_run_reads_nothing_and_gives_the_same_facts(tree):
    root = tree(PROJECT)
    settle(root)
    first = scan(root)
    assert (first.read, first.parsed) == (6, 2)
    second = scan(root)
    assert (second.read, second.parsed) == (0, 0)
    assert second.files == first.files
    assert second.diagnostics == first.diagnostics


def test_a_changed_file_is_the_only_one_read_again(tree):
    root = tree(PROJECT)
    settle(root)
    scan(root)
    (root / "shop/lazy.py").write_text("def f():\n    import shop.views\n")
    touch_later(root / "shop/lazy.py")
    result = scan(root)
    assert (result.read, result.parsed) == (1, 1)
    assert refs(result)["shop.lazy"] == {(2, "lazy", "shop.views")}


def test_same_content_with_a_new_mtime_is_read_but_not_parsed(tree):
    root = tree(PROJECT)
    settle(root)
    scan(root)
    touch_later(root / "shop/models.py")
    result = scan(root)
    assert (result.read, result.parsed) == (1, 0)  # read, but the digest matched: not parsed
    assert refs(result)["shop.models"] == refs(scan(root))["shop.models"]


def test_deleted_renamed_and_added_files_are_reflected(tree):
    root = tree(PROJECT)
    scan(root)
    (root / "billing/models.py").unlink()
    (root / "shop/views.py").rename(root / "shop/pages.py")
    (root / "billing/invoices.py").write_text("import shop.pages\n")
    result = scan(root)
    modules = {f.module for f in result.files}
    assert "billing.models" not in modules
    assert "shop.views" not in modules
    assert refs(result)["shop.pages"] == {(1, "import", "shop.models")}
    assert refs(result)["billing.invoices"] == {(1, "import", "shop.pages")}


def test_grimp_entries_follow_a_new_submodule(tree):
    # `from shop import helpers` names the package until shop/helpers.py exists.
    root = tree({"shop/__init__.py": "", "shop/a.py": "from shop import helpers\n"})
    assert refs(scan(root))["shop.a"] == {(1, "import", "shop")}
    (root / "shop/helpers.py").write_text("")
    assert refs(scan(root))["shop.a"] == {(1, "import", "shop.helpers")}


def test_broken_files_stay_reported_from_the_cache(tree):
    root = tree({**PROJECT, "shop/broken.py": "def (:\n"})
    settle(root)
    first = scan(root)
    second = scan(root)
    assert second.read == 0
    assert second.diagnostics == first.diagnostics
    assert any(d.file == "shop/broken.py" for d in second.diagnostics)


def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tree):
    root = tree(PROJECT)
    settle(root)
    expected = refs(scan(root))
    path = root / CACHE_DIR / "scan.json"
    for garbage in (
        b"{not json",
        b"[]",
        b'{"format": 2, "key": 3}',
        b"\x00\xff",
        b'{"format": 2, "key": "%s", "modules": "", "saved_at_ns": 0, "files": {"x": 1}}',
    ):
        path.write_bytes(garbage.replace(b"%s", fingerprint(1_000_000).encode()))
        result = scan(root)
        assert result.read == 6
        assert refs(result) == expected
    assert scan(root).read == 0  # rebuilt


def test_a_different_setting_or_version_does_not_reuse_entries(tree):
    root = tree(PROJECT)
    scan(root)
    assert scan(root, Config(max_file_bytes=10)).read == 6


def test_parallel_parse_gives_the_same_facts(tree):
    files = {
        f"app{i}/models.py": f"import app{i + 1}.models\nx = models.ForeignKey('app{i}.A')\n"
        for i in range(80)
    }
    files.update({f"app{i}/__init__.py": "" for i in range(80)})
    root = tree(files)
    idled: list[int] = []
    serial = scan_project(discover(root, Config()), Config(), jobs=1)
    parallel = scan_project(
        discover(root, Config()), Config(), jobs=2, idle=lambda: idled.append(os.getpid())
    )
    assert parallel.parsed == 80
    assert parallel.files == serial.files
    assert idled == [os.getpid()]  # the caller's work ran once, in this process
