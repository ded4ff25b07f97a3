"""The skeleton of a file: only the statements that can hold facts, each on its line.

The guarantee that matters is that the skeleton's facts are the whole file's facts; it is
checked on hand-written cases and on every module of the installed `django` package.
"""

from __future__ import annotations

import ast
import re
import sysconfig
import textwrap
from pathlib import Path

import django
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from refactorkit.scan import statements
from refactorkit.scan.astfacts import DJANGO_WORDS_TEXT, django_word_lines, extract
from refactorkit.scan.statements import hot_line_numbers, line_starts, skeleton


def cut(source: str) -> str | None:
    text = textwrap.dedent(source)
    starts = line_starts(text)
    return skeleton(text, hot_line_numbers(text, DJANGO_WORDS_TEXT, starts), starts)


def kept(source: str) -> list[tuple[int, str]]:
    """The skeleton's non-blank lines, numbered as in the source."""
    result = cut(source)
    assert result is not None
    ast.parse(result)
    return [(n, line) for n, line in enumerate(result.split("\n"), 1) if line.strip()]


def same_facts(text: str, module: str = "shop.models") -> tuple[bool, bool]:
    """(whether a skeleton was cut, whether its facts equal the whole file's)."""
    tree = ast.parse(text)
    starts = line_starts(text)
    hot = hot_line_numbers(text, DJANGO_WORDS_TEXT, starts)
    whole = extract(tree, text, module, is_package=False, is_settings=False)
    result = skeleton(text, hot, starts)
    if result is None:
        return False, True
    try:
        tree = ast.parse(result)
    except SyntaxError:  # the caller parses the whole file then
        return False, True
    part = extract(tree, text, module, is_package=False, is_settings=False)
    return True, (sorted(part.references), part.app_configs) == (
        sorted(whole.references),
        whole.app_configs,
    )


def test_keeps_imports_and_django_statements_with_the_headers_that_give_context():
    source = '''\
        """Orders."""
        from typing import TYPE_CHECKING

        from django.db import models

        if TYPE_CHECKING:
            from shop.customers.models import Customer

        TAX = 0.2


        class Order(models.Model):
            """An order."""

            customer = models.ForeignKey(
                "customers.Customer",
                on_delete=models.CASCADE,
            )
            total = models.DecimalField()

            def refresh(self):
                from shop.billing import invoices

                return invoices.latest(self)
        '''
    assert kept(source) == [
        (2, "from typing import TYPE_CHECKING"),
        (4, "from django.db import models"),
        (6, "if TYPE_CHECKING:"),
        (7, "    from shop.customers.models import Customer"),
        (12, "if 1:"),
        (15, "    customer = models.ForeignKey("),
        (16, '        "customers.Customer",'),
        (17, "        on_delete=models.CASCADE,"),
        (18, "    )"),
        (21, "    def _():"),
        (22, "        from shop.billing import invoices"),
    ]


def test_a_statement_over_several_lines_is_kept_whole_from_its_first_line():
    source = """\
        from django.db import migrations, models

        class Migration(migrations.Migration):
            operations = [
                migrations.AddField(
                    model_name="order",
                    name="customer",
                    field=models.ForeignKey(
                        to="customers.customer",
                    ),
                ),
            ]
            atomic = False
        """
    lines = [n for n, _ in kept(source)]
    assert lines == [1, 3, *range(4, 13)]


def test_decorators_keep_their_definition_and_multi_line_headers_their_start():
    source = """\
        from unittest import mock


        class TestOrders:
            @mock.patch("shop.orders.mail.send")
            def test_send(
                self,
                send,
            ) -> None:
                import json

                assert json

            def test_other(
                self,
            ) -> None:
                from shop import orders
        """
    assert kept(source)[:3] == [
        (1, "from unittest import mock"),
        (4, "if 1:"),
        (5, '    @mock.patch("shop.orders.mail.send")'),
    ]
    assert (14, "    def _():") in kept(source)
    assert (17, "        from shop import orders") in kept(source)


def test_code_inside_docstrings_is_not_kept():
    source = '''\
        from django.db import models


        def helper():
            """Use it so:

            author = models.ForeignKey("auth.User")
            from shop import secrets
            """
            return 1
        '''
    assert kept(source) == [(1, "from django.db import models")]
    assert same_facts(textwrap.dedent(source)) == (True, True)


@pytest.mark.parametrize(
    "source",
    [
        # hashes inside strings, implicit string concatenation, comprehension clauses
        'x = foo(\n    "a&#x27;b",  # it\'s\n    sender="shop.Order",\n)\n',
        'raise Error(\n    "part one "\n    f"AppConfig {x}"\n)\n',
        "rows = [\n    get_model(a, b)\n    for a, b in pairs\n    if a\n]\n",
        # clauses of a try around an import, and a star import at the end of a block
        "try:\n    from .local import *\nexcept ImportError:\n    pass\n",
        # a condition over several lines, with `and` alone on a line
        "def f(cls):\n    if (\n        a\n        and\n        b\n    ):\n"
        "        import os\n    return ForeignKey('a.B')\n",
        # the `else:` of `if TYPE_CHECKING:` holds runtime imports, an `elif` typing ones
        "if typing.TYPE_CHECKING:  # comment\n    import os\nelse:\n    import sys\n",
        "if a:\n    pass\nelif TYPE_CHECKING:\n    import os\nelse:\n    import sys\n",
        # the last line of a header over several lines need not start with `)`
        "class T(A,\n        B):\n    def setUp(self):\n        import site\n\n"
        "    def f(self,\n          x) -> int:\n        import os\n",
        # a line that ends a statement with `...`, a float or a comma, before a block
        # header: the header must not be read as its continuation
        "if TYPE_CHECKING:\n    x = ...\nelse:\n    import os\n",
        "if TYPE_CHECKING:\n    x = 1.\nelse:\n    import os\n",
        "if TYPE_CHECKING:\n    def a():\n        ...\nelse:\n    import os\n",
        "if TYPE_CHECKING:\n    x = 1,\nclass T(A,\n        B):\n    import os\n",
        "if TYPE_CHECKING:\n    x = 1,\ndef f(a,\n      b):\n    import os\n",
        # an `if` header over several lines is not a comprehension's `if`
        "if a:\n    pass\nelif TYPE_CHECKING:\n    pass\nif (a and\n        b):\n    import os\n",
        # `import` right before a bracket or a backslash
        "from shop.models import(\n    Order)\nfrom shop import \\\n    views\n",
        # an escaped quote does not close a triple-quoted string
        "s = '''a\\'''\nimport fake\nb'''\nimport os\n",
        # mock.patch through an alias, and a signal connected over several lines
        "from unittest.mock import patch as p\n\n@p('shop.x')\n@patch('shop.y')\ndef t():\n"
        "    post_save.connect(\n        handler,\n        sender=Order,\n    )\n",
    ],
)
def test_tricky_layouts_give_the_whole_files_facts(source):
    assert same_facts(source) == (True, True)


@pytest.mark.parametrize(
    "source",
    [
        "x = 1; import os\n",  # an import that does not start its line
        "def f():\n\timport os\n",  # tabs
        's = \'"""\'\nimport os\n',  # triple quotes inside a one-line string
        "# a comment with ''' in it\nimport os\n",
        "x = 1\r\nimport os\r\n",
        "if (\n    TYPE_CHECKING\n):\n    import os\n",  # a test over several lines
    ],
)
def test_text_it_cannot_be_sure_of_is_left_to_the_full_parse(source):
    assert cut(source) is None


CORPORA = {
    "django": Path(django.__file__).parent,
    "stdlib": Path(sysconfig.get_paths()["stdlib"]),  # older styles: tabs, odd layouts
}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
def test_every_module_of_a_real_corpus_gives_the_same_facts_from_its_skeleton(corpus):
    root = CORPORA[corpus]
    files = [
        p for p in sorted(root.rglob("*.py")) if "site-packages" not in p.relative_to(root).parts
    ]
    cut_count = parsed = 0
    kept_lines = total_lines = 0
    differing = []
    for path in files:
        try:
            text = path.read_text("utf-8")
            ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):  # templates, test data
            continue
        parsed += 1
        # (`apps` modules are always parsed whole: any `...Config` base counts there.)
        was_cut, same = same_facts(text, "django.module")
        if not same:
            differing.append(str(path.relative_to(root)))
        if was_cut:
            cut_count += 1
            starts = line_starts(text)
            hot = hot_line_numbers(text, DJANGO_WORDS_TEXT, starts)
            result = skeleton(text, hot, starts) or ""
            kept_lines += sum(1 for line in result.split("\n") if line.strip())
            total_lines += text.count("\n")
    assert parsed > 500  # the corpus was found
    assert differing == []
    # The point of the skeleton: nearly every file gets one, and it is a small part.
    assert cut_count >= 0.9 * parsed
    assert kept_lines < 0.3 * total_lines


# -- generated programs -------------------------------------------------------------------

SIMPLE = [
    "import os",
    "from shop.models import Order",
    "from . import signals",
    "x = models.ForeignKey('shop.Order', on_delete=CASCADE)",
    "x = models.ForeignKey(\n    'shop.Order',\n    on_delete=CASCADE,\n)",
    "y = 1,",
    "z = ...",
    "w = 1.",
    "pass",
    '"""doc\nfrom fake import x\n    import also_fake\n"""',
    "# it's a ForeignKey('x.Y')",
    "post_save.connect(\n    handler,\n    sender=Order,\n)",
    "s = 'a#b'  # c",
    "f = lambda v: (\n    v)",
    "rows = [\n    get_model(a, b)\n    for a, b in pairs\n]",
    "m = get_model('shop', 'Item')",
    "v = 1  # don't",
    "u = [  # it's\n    include('shop.urls'),\n]",
    "q = (a if b\n     else c)",
    "d = {\n    'k':\n        1,\n}",
    "t = '''x\n'''",
    "raise ValueError(\n    'x'\n) from None",
    "n = 1 + \\\n    2",
    "if a: y = 1,",
    "class E: pass",
    "def q(): return 1,",
    "e = x[1:\n      2]",
    "k = {'a': (\n    1)}",
]
HEADERS = [
    ("if TYPE_CHECKING:", None),
    ("if TYPE_CHECKING:", "else:"),
    ("if a:", "elif TYPE_CHECKING:"),
    ("def f(a,\n      b):", None),
    ("@mock.patch('shop.x')\ndef g():", None),
    ("async def h():", None),
    ("class C(A,\n        B):", None),
    ("class D:", None),
    ("try:", "except ImportError:"),
    ("try:", "finally:"),
    ("with open(p) as fh:", None),
    ("for i in range(3):", None),
    ("while x:", "else:"),
    ("if (a and\n        b):", None),
    ("def k() -> int:", None),
]


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_the_fast_text_searches_find_what_the_regular_expressions_find(corpus):
    """`django_word_lines` (a `bytes.find` per word), `_triple_quoted` (`str.find` for the
    quotes) and `line_starts` (`map`) replace slower readings of the same text: on every
    module of the corpus they give the same answers."""
    checked = 0
    root = CORPORA[corpus]
    for path in sorted(root.rglob("*.py")):
        if "site-packages" in path.relative_to(root).parts:
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\r" in text:  # lines counted with `\r` are the parse's business
            continue
        starts = line_starts(text)
        assert starts == [0, *(m.end() for m in re.finditer("\n", text)), len(text) + 1]
        by_regex = hot_line_numbers(text, DJANGO_WORDS_TEXT, starts)
        assert django_word_lines(data) == by_regex, path
        found = [m.span() for m in statements._triple_quoted(text)]
        assert found == [m.span() for m in statements._TRIPLE_QUOTED.finditer(text)], path
        checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    "text",
    [
        "x = ForeignKey(a, patch)  # sender\nimport_stringget_model\n\ninclude(x)\n",
        "patchpatch\nAUTH_USER_MODEL",
        "no word here\n",
        "",
        's = """a \'\'\' b""" + \'\'\'c """ d\'\'\'\nt = """open',
        "u = '''x\\'''' '''\n\"\"\"\"\"\"",
    ],
)
def test_the_fast_text_searches_on_edge_cases(text):
    starts = line_starts(text)
    assert django_word_lines(text.encode()) == hot_line_numbers(text, DJANGO_WORDS_TEXT, starts)
    found = [m.span() for m in statements._triple_quoted(text)]
    assert found == [m.span() for m in statements._TRIPLE_QUOTED.finditer(text)]


def _indent(text: str, depth: int) -> str:
    return "\n".join(("    " * depth + line) if line else line for line in text.split("\n"))


@st.composite
def blocks(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.booleans()):
            header, clause = draw(st.sampled_from(HEADERS))
            parts.append(_indent(header, depth))
            parts.append(draw(blocks(depth + 1)))
            if clause is not None:
                parts.append(_indent(clause, depth))
                parts.append(draw(blocks(depth + 1)))
        else:
            parts.append(_indent(draw(st.sampled_from(SIMPLE)), depth))
    return "\n".join(parts)


@settings(max_examples=500, deadline=None)
@given(blocks())
def test_generated_programs_give_the_same_facts_from_their_skeleton(program):
    source = program + "\n"
    try:
        ast.parse(source)
    except SyntaxError:
        assume(False)
    assert same_facts(source)[1]
