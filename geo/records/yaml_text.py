"""A YAML file as a person wrote it: the line of every key, a key written twice, PyYAML's
reasons and a wrong value's type in Swedish, and where a problem is (`Problem`).

The promise file (`geo.records.promise_file`) and the promise editor's field messages
(`geo.records.promise_writer`) read YAML through these, so a planner gets the same line
numbers and words from both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: where (key path, line) and what."""

    path: tuple[str | int, ...]
    message: str
    line: int | None = None

    def describe(self, source: str) -> str:
        """E.g. "aneby.yaml, rad 42 (aktiviteter[4].mål): ..."."""
        where = source + (f", rad {self.line}" if self.line else "")
        key = format_path(self.path)
        return f"{where}{f' ({key})' if key else ''}: {self.message}"


def format_path(path: tuple[str | int, ...]) -> str:
    """("aktiviteter", 3, "mål") → "aktiviteter[4].mål" (1-based for people)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


TYPE_NAMES: dict[type, str] = {
    str: "en text",
    int: "ett heltal",
    date: "ett datum (ÅÅÅÅ-MM-DD, utan citattecken)",
    dict: "nycklar med värden",
    list: "en lista",
}


def describe_value(value: Any) -> str:
    """How a wrong value looks to the user, e.g. 'texten "tio"'."""
    if isinstance(value, bool):
        return "ett sanningsvärde"
    if isinstance(value, str):
        return f'texten "{value}"'
    if isinstance(value, int | float):
        return f"talet {value}"
    if isinstance(value, date):
        return f"datumet {value}"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, dict):
        return "nycklar med värden"
    return type(value).__name__


def duplicate_keys(node: yaml.Node | None, path: tuple = ()) -> list[Problem]:
    """YAML lets a repeated key silently replace the first one: report it instead."""
    out: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and key.value in seen:
                out.append(
                    Problem(
                        (*path, key.value),
                        f'nyckeln "{key.value}" står två gånger (först på rad {seen[key.value]})',
                        line,
                    )
                )
            elif isinstance(key, yaml.ScalarNode):
                seen[key.value] = line
            out.extend(duplicate_keys(value, (*path, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.extend(duplicate_keys(item, (*path, i)))
    return out


_YAML_PROBLEMS = (
    ("mapping values are not allowed", "ett kolon på fel ställe (sätt texten inom citattecken)"),
    ("could not find expected ':'", "ett kolon saknas efter en nyckel"),
    ("found character that cannot start any token", "ett tecken som inte får inleda ett värde"),
    ("found unexpected end of stream", "filen tar slut mitt i en text (saknas ett citattecken?)"),
    ("expected <block end>", "fel indrag (mellanslag i början av raden)"),
    ("found a tab character", "tabbtecken i indraget; använd mellanslag"),
    ("expected ',' or ']'", "en lista [ ... ] stängs inte"),
    ("expected ',' or '}'", "en { ... } stängs inte"),
)


def yaml_problem(problem: str) -> str:
    """PyYAML's English reason in Swedish where we know it, else quoted as it is."""
    for english, swedish in _YAML_PROBLEMS:
        if english in problem:
            return swedish
    return f"YAML-fel: {problem}" if problem else "okänt fel"


def line_map(node: yaml.Node | None) -> dict[tuple, int]:
    """Map every key path in the YAML document to its 1-based line number."""
    out: dict[tuple, int] = {}

    def walk(n: yaml.Node, path: tuple) -> None:
        out[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                child = (*path, key.value)
                walk(value, child)
                out[child] = key.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, (*path, i))

    if node is not None:
        walk(node, ())
    return out
