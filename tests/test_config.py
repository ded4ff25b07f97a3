from __future__ import annotations

import pytest

from refactorkit.config import DEFAULT_MAX_FILE_BYTES, Config, load_config
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
    ],
)
def test_errors_name_the_file_and_the_problem(tree, body, message):
    root = tree({"pyproject.toml": f"[tool.refactorkit]\n{body}\n"})
    with pytest.raises(ConfigError) as info:
        load_config(root)
    text = str(info.value)
    assert text.startswith(f"Invalid configuration in {root / 'pyproject.toml'}: ")
    assert message in text
