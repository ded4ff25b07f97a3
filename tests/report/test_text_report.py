"""The text report says what each cycle group is made of: apps, and package groups."""

from __future__ import annotations

from refactorkit.analysis import analyze
from refactorkit.report.text_report import to_text


def test_a_cycle_through_apps_and_a_package_group_counts_each(tree):
    root = tree(
        {
            "manage.py": "",
            "proj/__init__.py": "",
            "proj/settings.py": 'INSTALLED_APPS = ["shop", "blog"]\n',
            "shop/__init__.py": "",
            "shop/models.py": "import blog.models\n",
            "blog/__init__.py": "",
            "blog/models.py": "import helpers.text\n",
            "helpers/__init__.py": "",
            "helpers/text.py": "import shop.models\n",
        }
    )
    text = to_text(analyze(root))
    assert "1 cycle group(s), largest 3 apps/packages;" in text
    assert "  #1: 2 apps, 1 package groups: blog, helpers, shop" in text
