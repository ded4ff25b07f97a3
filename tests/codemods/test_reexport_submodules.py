"""ReexportSubmodulesCommand: a module being split becomes its package `__init__`, every
moved definition replaced by an import of its submodule where its group began. Expected
outputs are written by hand; a second run over the output must change nothing."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, SkipFile

from codemods.reexport_submodules import ReexportSubmodulesCommand


def run(source: str, groups: tuple[str, ...], **options: object) -> str:
    command = ReexportSubmodulesCommand(CodemodContext(), groups=groups, **options)  # type: ignore[arg-type]
    return command.transform_module(cst.parse_module(source)).code


def check_transformed(before: str, after: str, groups: tuple[str, ...], **options: object) -> None:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    cst.parse_module(after)  # the expected output is valid Python
    assert run(before, groups, **options) == after
    assert run(after, groups, **options) == after, "a second run changed the output"


def check_refused(source: str, why: str, groups: tuple[str, ...]) -> None:
    with pytest.raises(SkipFile, match=why):
        run(textwrap.dedent(source), groups)


ADMIN = '''\
"""Admin registrations."""
from .models import Book, Author
from .site import site


class BookAdmin:
    pass


site.register(Book, BookAdmin)


class AuthorAdmin:
    pass


site.register(Author, AuthorAdmin)
'''


def test_moved_definitions_become_imports_and_registrations_stay_in_order():
    check_transformed(
        ADMIN,
        """\
        \"\"\"Admin registrations.\"\"\"
        from ..models import Book, Author
        from ..site import site

        from .books import BookAdmin


        site.register(Book, BookAdmin)

        from .authors import AuthorAdmin


        site.register(Author, AuthorAdmin)
        """,
        ("books=BookAdmin", "authors=AuthorAdmin"),
    )


def test_a_definition_listed_in_no_group_stays_when_nothing_moved_uses_it():
    check_transformed(
        """\
        def helper():
            return 1


        def public():
            return 2
        """,
        """\
        def helper():
            return 1


        from .api import public
        """,
        ("api=public",),
    )


def test_a_star_imported_module_without_all_gets_one_listing_its_old_public_names():
    check_transformed(
        """\
        import os

        _CACHE = {}
        SIZE = 3


        def scaled():
            return SIZE * 2
        """,
        """\
        import os

        from .sizes import _CACHE, SIZE, scaled

        __all__ = [
            "os",
            "SIZE",
            "scaled",
        ]
        """,
        ("sizes=_CACHE,SIZE,scaled",),
        star_imported=True,
    )


def test_a_module_that_keeps_all_keeps_it_as_it_is():
    check_transformed(
        """\
        __all__ = ["scaled"]


        def scaled():
            return 2
        """,
        """\
        __all__ = ["scaled"]

        from .sizes import scaled
        """,
        ("sizes=scaled",),
        star_imported=True,
    )


def test_a_definition_kept_in_init_before_the_moved_code_that_uses_it_stays():
    check_transformed(
        """\
        def helper():
            return 1


        def public():
            return helper()
        """,
        """\
        def helper():
            return 1


        from .api import public
        """,
        ("api=public",),
    )


def test_a_definition_kept_in_init_after_the_moved_code_that_uses_it_is_refused():
    check_refused(
        """\
        def public():
            return helper()


        def helper():
            return 1
        """,
        r"public \(line 1, submodule api\) uses helper, which stays in the package __init__ "
        r"\(line 5\) but would be defined only after the submodule is imported",
        ("api=public",),
    )


def test_a_class_reading_its_own_module_cannot_be_kept_without_the_stage():
    # alone, the codemod cannot tell whether subclasses elsewhere would move
    check_refused(
        """\
        class Block:
            def path(self):
                return type(self).__module__


        def helper():
            return 1
        """,
        "line 1 uses __module__",
        ("api=helper",),
    )


def test_a_conditional_public_name_in_a_star_imported_module_is_refused():
    with pytest.raises(SkipFile, match="binds FAST only conditionally"):
        run(
            textwrap.dedent(
                """\
                import sys

                if sys.platform == "linux":
                    FAST = True


                def go():
                    return 1
                """
            ),
            ("api=go",),
            star_imported=True,
        )
