"""Read a source file once and say whether its bytes can be analysed."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from refactorkit.project import SourceFile

_DEFINITION = rb"(?:async[ \t]+def|def|class)[ \t]"
# A literal first character lets `re` skip ahead; `^` under MULTILINE would try every position.
_LATER_DEFINITION = re.compile(rb"\n" + _DEFINITION)
_FIRST_DEFINITION = re.compile(_DEFINITION)


@dataclass(frozen=True, slots=True)
class SourceText:
    file: SourceFile
    data: bytes
    lines: int
    definitions: int
    utf8: bool  # False: decodable only through its PEP 263 coding cookie


@dataclass(frozen=True, slots=True)
class Unreadable:
    file: SourceFile
    reason: str


def read_source(file: SourceFile) -> SourceText | Unreadable:
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        return Unreadable(file, f"skipped: the file cannot be read ({exc.strerror or exc}).")
    if b"\0" in data:
        return Unreadable(file, "skipped: the file contains NUL bytes; it is not Python source.")
    utf8 = True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8 = False
        if not _decodes_with_cookie(data):
            return Unreadable(
                file,
                f"skipped: the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} "
                f"at offset {exc.start}) and declares no encoding that decodes it.",
            )
    else:
        refused = _refused_cookie(data)
        if refused is not None:
            return Unreadable(
                file,
                f"skipped: Python cannot read the file in the encoding it declares ({refused}).",
            )
    lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    return SourceText(file, data, lines, _definitions(data), utf8)


def _decodes_with_cookie(data: bytes) -> bool:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return False
    return encoding.replace("_", "-").lower() not in ("utf-8", "utf-8-sig")


def _refused_cookie(data: bytes) -> str | None:
    """Why Python would refuse the PEP 263 encoding declaration of a file that is valid
    UTF-8 (an unknown encoding, one that is not a text encoding, or one that does not read
    ASCII as ASCII), or None. Most files declare none, or UTF-8: only the first two lines
    are searched for the word."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    if b"coding" not in data[: second if second >= 0 else len(data)]:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return exc.msg
    if encoding.replace("_", "-").lower() in ("utf-8", "utf-8-sig"):
        return None
    try:
        if "#\n".encode(encoding) != b"#\n":
            return f"{encoding} does not read ASCII as ASCII"
        data.decode(encoding)
    except (LookupError, UnicodeError) as exc:
        return str(exc)
    return None


def _definitions(data: bytes) -> int:
    first = _FIRST_DEFINITION.match(data) is not None
    return len(_LATER_DEFINITION.findall(data)) + first
