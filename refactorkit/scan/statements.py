"""Cut a file down to the statements that can hold facts, without parsing all of it.

Parsing is most of what analysing a Django codebase costs (CPython's parser reads about
12 MB/s here), yet facts sit in a small part of a file: its import statements and the
statements on lines that name a Django call. `skeleton` returns a copy of the source in
which every other line is blank, except the headers of the blocks that hold a kept
statement, which become `def _():` (a function: imports below it are lazy),
`if TYPE_CHECKING:` (imports below it are for typing) or `if 1:` (anything else). Every kept
line stays on its line number, so the facts extracted from the skeleton's syntax tree are
the ones the whole file gives, with the same evidence.

Statement bounds are found from indentation and from how lines start and end, which is not
a full tokenizer. Where the text could fool that reading (triple quotes that a comment or
another string could hide, tabs or form feeds, `\\r` line ends, an import after `:` or `;`,
a block whose header is not a compound statement) the answer is None and the caller parses
the whole file; a skeleton that does not parse means the same. Where the reading is unsure
whether a line goes on, it takes a statement to be longer, which keeps more lines but never
other facts. The caller checks the skeleton's import statements against grimp's, which a
real parser read (see `scan/runner.py`); tests compare the facts with the whole file's on
django's package, the standard library and generated programs.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Collection, Iterator, Sequence

# A triple-quoted string, backslash escapes included; `end` is empty if it is not closed.
_TRIPLE_QUOTED = re.compile(
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?P<end>""")?'
    + "|"
    + r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?P<end2>''')?",
    re.DOTALL,
)
# What comes before `import` when the statement follows `:` or `;` on its line.
_AFTER_COLON = re.compile(r"[:;][ \t]*(?:from[ \t][^:;]*)?$")
_COMPOUND = re.compile(
    r"(?:async[ \t]+)?(?:def|class|if|elif|else|try|except|finally|with|for|while|match|case)\b"
)
_DEF = re.compile(r"(?:async[ \t]+)?def\b")
_IF = re.compile(r"(?:el)?if\b")
_TYPE_CHECKING_TEST = re.compile(r"(?:el)?if[ \t(]+(?:[\w.]+\.)?TYPE_CHECKING[ \t)]*:$")
# Line ends after which the next line continues the same statement (inside brackets, after
# an operator, or joined with a backslash).
_OPEN_END = frozenset("([{,\\+-*/%&|^=<>.@~")
_OPEN_END_WORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "lambda"})
# Line starts that continue the statement before them.
_CONTINUING_START = tuple(")]},.+/%&|^=<>")
_CONTINUING_WORD = re.compile(r"(?:and|or|in|is|not[ \t]+in)\b")
# Lines these start can only start a statement, whatever the line before them ends with.
_STATEMENT_KEYWORD = re.compile(
    r"(?:def|class|with|while|try|except|finally|elif|return|import|raise|pass|break"
    r"|continue|del|global|nonlocal|assert|async[ \t]+(?:def|with|for))\b|@[A-Za-z_]"
)
_FLOAT_END = re.compile(r"(?<![\w.])\d+\.$")  # `x = 1.`: a number, not an attribute to come
_CLAUSE = re.compile(r"(?:elif|else|except|finally)\b")
_CLAUSE_OF_EXPRESSION = re.compile(r"(?:async[ \t]+for|for|if|else)\b")
_QUOTES = frozenset("\"'")
_SIMPLE_STRING = re.compile(r'"(?:[^"\\]|\\.)*"' + "|" + r"'(?:[^'\\]|\\.)*'")
_STRING_START = re.compile(r"[rRbBuUfF]{0,2}[\"']")
_DECORATED = re.compile(r"(?:async[ \t]+)?(?:def|class)\b")


def skeleton(text: str, targets: Collection[int], starts: Sequence[int]) -> str | None:
    """The source with only the statements on `targets` (1-based lines) and every import
    statement kept; None when the text is one this reading cannot be sure of.

    `starts` are the offsets where the lines begin (`line_starts`).
    """
    if "\t" in text or "\f" in text or "\r" in text:
        return None
    imports = _import_lines(text, starts)
    if imports is None:
        return None
    lines = text.split("\n")
    strings = _multiline_strings(text, starts)
    if strings is None:
        return None
    inside, closers = strings
    reader = _Lines(lines, inside, closers)
    imports -= inside
    wanted = sorted({n - 1 for n in targets if 0 < n <= len(lines)} - inside | imports)
    chunks = _chunks(reader, [n for n in wanted if reader.is_code(n)])
    kept = [""] * len(lines)
    headers: dict[int, str] = {}
    for start, end in chunks:
        kept[start:end] = lines[start:end]
        if not reader.add_headers(start, headers):
            return None
    covered = _covered(chunks)
    for number, header in headers.items():
        if number not in covered:
            kept[number] = header
    return "\n".join(kept)


def _import_lines(text: str, starts: Sequence[int]) -> set[int] | None:
    """The 0-based lines that begin an import statement (or what looks like one inside a
    string); None when an import follows `:` or `;`, where a line scan would miss it.

    `str.find` runs over the text much faster than a regular expression would, and a file
    holds few occurrences of the word."""
    found: set[int] = set()
    position = text.find("import")
    while position >= 0:
        after = text[position + 6 : position + 7]
        before = text[position - 1 : position] if position else "\n"
        if after in (" ", "\t", "(", "\\") and not (before.isalnum() or before == "_"):
            line_start = text.rfind("\n", 0, position) + 1
            head = text[line_start:position].lstrip(" \t")
            if not head or (head.startswith("from") and head[4:5] in (" ", "\t")):
                found.add(bisect.bisect_right(starts, position) - 1)
            elif _AFTER_COLON.search(head):
                return None
        position = text.find("import", position + 6)
    return found


def line_starts(text: str) -> list[int]:
    """The offset at which each line begins, and one past the end."""
    # Line i starts after the i newlines and the lengths of the lines before it; `map` and
    # `accumulate` keep the loop in C (a generator here cost as much as parsing the skeleton).
    lengths = itertools.accumulate(map(len, text.split("\n")), initial=0)
    return list(map(operator.add, lengths, itertools.count()))


def hot_line_numbers(text: str, pattern: re.Pattern[str], starts: Sequence[int]) -> list[int]:
    """The 1-based lines on which `pattern` matches, from one search over the whole text."""
    return sorted({bisect.bisect_right(starts, m.start()) for m in pattern.finditer(text)})


def _multiline_strings(text: str, starts: Sequence[int]) -> tuple[set[int], dict[int, int]] | None:
    """The 0-based lines that begin inside a triple-quoted string, and for each line where
    such a string ends, the column after its closing quotes; None when unsure."""
    interiors: set[int] = set()
    closers: dict[int, int] = {}
    previous_end = 0
    for match in _triple_quoted(text):
        start, end = match.span()
        first = bisect.bisect_right(starts, start) - 1
        # The opening quotes must be code: no comment or other string before them on the
        # line (or since the string that ended on it).
        before = text[max(starts[first], previous_end) : start].rstrip("rRbBuUfF")
        if "#" in before or '"' in before or "'" in before:
            return None
        if not (match.group("end") or match.group("end2")):
            return None  # not closed before the end of the file
        last = bisect.bisect_right(starts, end - 1) - 1
        if last > first:
            interiors.update(range(first + 1, last + 1))
            closers[last] = end - starts[last]
        previous_end = end
    return interiors, closers


def _triple_quoted(text: str) -> Iterator[re.Match[str]]:
    """What `_TRIPLE_QUOTED.finditer` finds: a match can only begin at three quotes, which
    `str.find` reaches much faster than the expression tried at every quote would."""
    # The next `"""` and `'''` at or after the position, -1 for none: each is searched
    # for again only once passed, so the text is read once, not once per string.
    double, single = text.find('"""'), text.find("'''")
    while double >= 0 or single >= 0:
        start = single if double < 0 or 0 <= single < double else double
        match = _TRIPLE_QUOTED.match(text, start)
        assert match is not None  # three quotes always begin a match
        yield match
        position = match.end()
        if 0 <= double < position:
            double = text.find('"""', position)
        if 0 <= single < position:
            single = text.find("'''", position)


class _Lines:
    """The lines of a file, read for indentation and for how statements start and end."""

    def __init__(self, lines: Sequence[str], inside: set[int], closers: dict[int, int]) -> None:
        self.lines = lines
        self.inside = inside
        self.closers = closers
        # Lines are read on demand: most lines of a file are never looked at, and stripping
        # every one of them up front cost as much as parsing the skeleton.
        self._rests: list[str | None] = [None] * len(lines)
        self._joins: dict[int, bool] = {}
        self._headers: dict[int, int] = {}  # statement start -> the header of its block

    def rest(self, number: int) -> str:
        """The line without its indentation."""
        rest = self._rests[number]
        if rest is None:
            rest = self._rests[number] = self.lines[number].lstrip(" ")
        return rest

    def indent(self, number: int) -> int:
        return len(self.lines[number]) - len(self.rest(number))

    def is_code(self, number: int) -> bool:
        """Not blank, not a comment, not inside a string."""
        rest = self.rest(number)
        return rest != "" and rest[0] != "#" and number not in self.inside

    def _previous_line(self, number: int) -> int | None:
        """The nearest earlier line that holds code or ends a string."""
        for candidate in range(number - 1, -1, -1):
            if self.is_code(candidate) or candidate in self.closers:
                return candidate
        return None

    def continues(self, number: int) -> bool:
        """Whether the line may continue a statement begun on an earlier line (`else:` and
        the like continue their compound statement)."""
        return _CLAUSE.match(self.rest(number)) is not None or self._joined(number)

    def _joined(self, number: int) -> bool:
        """Whether the line is part of the logical line of the code line before it."""
        joined = self._joins.get(number)
        if joined is None:
            joined = self._joins[number] = self._reads_joined(number)
        return joined

    def _reads_joined(self, number: int) -> bool:
        if number in self.inside:
            return True
        stripped = self.rest(number)
        if _STATEMENT_KEYWORD.match(stripped):
            return False  # `def`, `return`, ...: no expression goes on with these
        if stripped.startswith(_CONTINUING_START) and not stripped.startswith("..."):
            return True
        if _CONTINUING_WORD.match(stripped):
            return True
        if _CLAUSE_OF_EXPRESSION.match(stripped):
            # `for`/`if`/`else` of a comprehension or conditional expression, or the header
            # of a compound statement: that ends with `:`, or opens brackets to go on.
            code = _code_of(stripped)
            if code is None:
                return True
            code = code.rstrip()
            return not (code.endswith((":", "\\")) or _opens_more(code))
        previous = self._previous_line(number)
        if previous is None:
            return False
        end = self._code_end(previous)
        if end is None:
            return True  # where its code ends is unclear: assume it leaves a bracket open
        if _STRING_START.match(stripped) and end[-1:] in _QUOTES:
            return True  # strings side by side, maybe joined inside brackets
        return _leaves_open(end)

    def _code_end(self, number: int) -> str | None:
        line = self.lines[number]
        if number in self.closers:
            line = line[self.closers[number] :]
        code = _code_of(line)
        return None if code is None else code.rstrip()

    def statement_start(self, number: int, *, clauses: bool = True) -> int:
        """The first line of the statement on line `number`; with `clauses`, of the
        compound statement that an `else:` (`except:`, ...) on it continues."""
        start = number
        while self.continues(start) if clauses else self._joined(start):
            limit = self.indent(start) if start not in self.inside else None
            earlier = self._previous_start_candidate(start, limit)
            if earlier is None:
                return 0
            start = earlier
        return start

    def _previous_start_candidate(self, number: int, limit: int | None) -> int | None:
        # A line that starts with more spaces than `limit` is skipped without being read:
        # these walks pass over whole blocks.
        deeper = " " * (limit + 1) if limit is not None else None
        lines = self.lines
        for candidate in range(number - 1, -1, -1):
            if deeper is not None and lines[candidate].startswith(deeper):
                continue
            if self.is_code(candidate) and (limit is None or self.indent(candidate) <= limit):
                return candidate
        return None

    def statement_end(self, start: int, last: int) -> int:
        """The line after the statement that starts at `start` and holds `last`."""
        indent = self.indent(start)
        decorators = self.rest(start).startswith("@")
        deeper = " " * (indent + 1)
        lines = self.lines
        for number in range(start + 1, len(lines)):
            if lines[number].startswith(deeper):
                continue  # indented deeper (or blank): inside the statement
            if not self.is_code(number) or self.indent(number) > indent:
                continue
            stripped = self.rest(number)
            own_clause = self.indent(number) == indent and _CLAUSE.match(stripped)
            if own_clause or self._joined(number):
                continue
            if decorators and (stripped.startswith("@") or _DECORATED.match(stripped)):
                decorators = not _DECORATED.match(stripped)
                continue
            if number > last:
                return number
        return len(self.lines)

    def add_headers(self, start: int, headers: dict[int, str]) -> bool:
        """Record the headers of the blocks around the statement at `start`; False when a
        header is not one this reading recognises."""
        indent = self.indent(start)
        number = start
        while indent > 0:
            header = self._header_of(number, indent)
            if header is None:
                return False
            text = self.rest(header)
            if not _COMPOUND.match(text):
                return False
            stand_in = _stand_in(text)
            code = _code_of(text)
            if _IF.match(text) and (code is None or not code.rstrip().endswith(":")):
                # A test over several lines: TYPE_CHECKING might be in it.
                if any("TYPE_CHECKING" in line for line in self.lines[header:number]):
                    return False
                stand_in = "if 1:"
            headers[header] = " " * self.indent(header) + stand_in
            number, indent = header, self.indent(header)
        return True

    def _header_of(self, number: int, indent: int) -> int | None:
        """The header of the block of the statement at `number`. Walks back, jumping over
        blocks whose header is already known (every line between a header and a statement
        of its block is indented at least as deep as that statement)."""
        if number in self._headers:
            return self._headers[number]
        candidate = number - 1
        as_deep = " " * indent
        while candidate >= 0:
            if self.lines[candidate].startswith(as_deep):
                pass  # indented as deep as the statement (or blank): not its header
            elif self.is_code(candidate) and self.indent(candidate) < indent:
                # The clause itself, not the `if` or `try` it continues: `else:` after
                # `if TYPE_CHECKING:` does not hold typing imports.
                header = self.statement_start(candidate, clauses=False)
                if not _COMPOUND.match(self.rest(header)):
                    return None  # not a block header: this reading went wrong
                self._headers[number] = header
                return header
            candidate = self._headers.get(candidate, candidate - 1)
        return None


def _leaves_open(code: str) -> bool:
    """Whether the line after this code continues its statement."""
    if not code or code.endswith(("import *", "...")) or _FLOAT_END.search(code):
        return False
    if code[-1] in _OPEN_END:
        return True
    if code[-1] == ":":
        # A block header, also the last line of one over several lines (`) -> int:`,
        # `unittest.TestCase):`): that line closes more brackets than it opens.
        stripped = code.lstrip(" ")
        if _COMPOUND.match(stripped):
            return False
        return not _closes_more(stripped)
    return code.rsplit(None, 1)[-1] in _OPEN_END_WORDS


def _bracket_balance(code: str) -> int:
    """Brackets opened minus brackets closed on the line, strings set aside."""
    emptied = _SIMPLE_STRING.sub('""', code)
    return sum(emptied.count(c) for c in "([{") - sum(emptied.count(c) for c in ")]}")


def _opens_more(code: str) -> bool:
    return _bracket_balance(code) > 0


def _closes_more(code: str) -> bool:
    return _bracket_balance(code) < 0


def _code_of(line: str) -> str | None:
    """The line without its comment, its strings emptied (`""`); None when a string on it
    does not end on it, so that a `#` may be inside one."""
    if "#" not in line:
        return line
    if '"' not in line and "'" not in line:
        return line[: line.index("#")]
    emptied = _SIMPLE_STRING.sub('""', line)
    hash_at = emptied.find("#")
    code = emptied if hash_at < 0 else emptied[:hash_at]
    if "'" in code or '"' in code.replace('""', ""):
        return None
    return code


def _stand_in(header: str) -> str:
    if _DEF.match(header):
        return "def _():"
    code = _code_of(header)
    if code is not None and _TYPE_CHECKING_TEST.match(code.rstrip()):
        return "if TYPE_CHECKING:"
    return "if 1:"


def _chunks(reader: _Lines, wanted: Sequence[int]) -> list[tuple[int, int]]:
    """The statements holding the wanted lines, as [start, end) line ranges, merged."""
    chunks: list[tuple[int, int]] = []
    for number in wanted:
        if chunks and chunks[-1][0] <= number < chunks[-1][1]:
            continue
        start = reader.statement_start(number)
        end = reader.statement_end(start, number)
        while chunks and chunks[-1][1] > start:
            previous = chunks.pop()
            start, end = min(start, previous[0]), max(end, previous[1])
        chunks.append((start, end))
    return chunks


def _covered(chunks: Sequence[tuple[int, int]]) -> set[int]:
    return {n for start, end in chunks for n in range(start, end)}
