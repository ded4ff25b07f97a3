"""`[tool.refactorkit.isolate]`: defaults, values, and errors naming the key and file."""

from __future__ import annotations

import pytest

from refactorkit.errors import ConfigError
from refactorkit.stages.isolate_config import IsolateSettings, load_isolate_settings


def test_defaults_without_a_pyproject(tmp_path):
    assert load_isolate_settings(tmp_path) == IsolateSettings()
    assert IsolateSettings().min_lines == 500
    assert IsolateSettings().min_definitions == 12


def test_values_are_read_and_the_main_table_is_left_to_refactorkit_config(tree):
    project = tree(
        {
            "pyproject.toml": """\
            [tool.refactorkit]
            exclude = ["legacy/**"]

            [tool.refactorkit.isolate]
            min_lines = 300
            min_definitions = 8
            group_lines = 150
            exclude = ["core/settings_*.py"]
            """
        }
    )
    assert load_isolate_settings(project) == IsolateSettings(300, 8, 150, ("core/settings_*.py",))


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ("min_line = 3", "unknown key 'min_line' in [tool.refactorkit.isolate]"),
        ("min_lines = 0", "'min_lines' in [tool.refactorkit.isolate] must be a positive"),
        ("min_definitions = true", "'min_definitions' in [tool.refactorkit.isolate] must be"),
        ('exclude = "a"', "'exclude' in [tool.refactorkit.isolate] must be a list of strings"),
    ],
)
def test_a_wrong_value_is_an_error_naming_key_and_file(tree, table: str, reason: str):
    project = tree({"pyproject.toml": f"[tool.refactorkit.isolate]\n{table}\n"})
    with pytest.raises(ConfigError) as raised:
        load_isolate_settings(project)
    assert reason in str(raised.value)
    assert str(project / "pyproject.toml") in str(raised.value)
