from __future__ import annotations

import pytest

from refactorkit.config import (
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_VERIFY_TIMEOUT,
    Config,
    load_config,
)
from refactorkit.errors import ConfigError


def test_defaults_without_pyproject(tmp_path):
    assert load_config(tmp_path) == Config()


def test_reads_the_table_and_ignores_other_tools(tree):
    root = tree(
        {
            "pyproject.toml": """\
                [tool.black]
                line-length = 80
                [tool.refactorkit]
                source_roots = ["src"]
                exclude = ["src/legacy/**"]
                group_depth = 2
                [tool.refactorkit.isolate]
                max_lines = 500
            """
        }
    )
    config = load_config(root)
    assert config == Config(
        source_roots=("src",),
        exclude=("src/legacy/**",),
        group_depth=2,
        max_file_bytes=DEFAULT_MAX_FILE_BYTES,
        source=str(root / "pyproject.toml"),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("sourceroots = ['x']", "unknown key 'sourceroots' in [tool.refactorkit]"),
        ("exclude = 'x'", "'exclude' must be a list of strings"),
        ("group_depth = 0", "'group_depth' must be a positive whole number"),
        ("group_depth = true", "'group_depth' must be a positive whole number"),
        ("exclude = [", "the file cannot be read as TOML"),
        ("verify = 'pytest'", "'verify' must be a list of strings"),
        ("verify = ['  ']", "'verify' must not hold an empty command"),
        (
            "verify = ['pytest \"-k x']",
            "'verify': cannot split 'pytest \"-k x' (No closing quotation)",
        ),
        ("verify_timeout = 0", "'verify_timeout' must be a positive number of seconds"),
        ("verify_timeout = true", "'verify_timeout' must be a positive number of seconds"),
        ("verify_timeout = '60'", "'verify_timeout' must be a positive number of seconds"),
    ],
)
def test_errors_name_the_file_and_the_problem(tree, body, message):
    root = tree({"pyproject.toml": f"[tool.refactorkit]\n{body}\n"})
    with pytest.raises(ConfigError) as info:
        load_config(root)
    text = str(info.value)
    assert text.startswith(f"Invalid configuration in {root / 'pyproject.toml'}: ")
    assert message in text


def test_verify_commands_and_their_timeout(tree):
    root = tree(
        {
            "pyproject.toml": """\
                [tool.refactorkit]
                verify = ["python manage.py test", "ruff check ."]
                verify_timeout = 90
            """
        }
    )
    config = load_config(root)
    assert config.verify == ("python manage.py test", "ruff check .")
    assert config.verify_timeout == 90.0
    assert Config().verify == ()
    assert Config().verify_timeout == DEFAULT_VERIFY_TIMEOUT == 600.0
