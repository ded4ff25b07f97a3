"""The analysis as JSON: versioned, documented in docs/json-schema.md, stable for diffs."""

from __future__ import annotations

import dataclasses
import enum
import json

from refactorkit import __version__
from refactorkit.analysis import Analysis
from refactorkit.graph.cycles import CycleGroup
from refactorkit.graph.metrics import MutualPair

SCHEMA_VERSION = 1

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def to_json(analysis: Analysis) -> str:
    return json.dumps(to_document(analysis), indent=2, ensure_ascii=False) + "\n"


def to_document(analysis: Analysis) -> dict[str, JsonValue]:
    body = _plain(analysis)
    assert isinstance(body, dict)
    return {"schema_version": SCHEMA_VERSION, "tool": f"refactorkit {__version__}", **body}


def _plain(value: object) -> JsonValue:
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, JsonValue] = {
            f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        if isinstance(value, CycleGroup):
            out["cut_weight"] = value.cut_weight
        if isinstance(value, MutualPair):
            out["weight"] = value.weight
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot render {type(value).__name__} as JSON")
