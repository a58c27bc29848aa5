"""Write a medborgarlöfte as a format 2 promise file, and check an edited one field by field.

The promise editor (Löftesredigering) and "Nästa års löfte" make documents without anyone
writing YAML. They write the file here and read it back with the parser
(`geo.records.promise_file`), so the file's rules keep one home: a field's Swedish error is
the parser's problem for that key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import yaml

from geo.records.kommuner import kommun_names
from geo.records.promise import Commitment, PromiseDocument, Responsible, Target, TargetRule
from geo.records.promise_file import (
    FORMAT_VERSION,
    WHOLE_DOCUMENT,
    parse_promise_text,
    promise_problems,
)
from geo.records.yaml_text import format_path

HEADER = "# Medborgarlöfte skrivet med Löfteskartan (Löftesredigering), format 2.\n"
# What the parser makes of a format 1 `ansvarig` in format 2: the responsible parties by name.
_NAMED = {
    Responsible.POLICE: ("polis",),
    Responsible.KOMMUN: ("kommun",),
    Responsible.BOTH: ("polis", "kommun"),
}


def promise_mapping(doc: PromiseDocument) -> dict[str, Any]:
    """The document as the keys of a format 2 file (what the editor's form holds).

    Parameters
    ----------
    doc : any document, format 1 or 2.

    Returns
    -------
    Plain YAML values (str, int, date, lists and dicts) in the file's key order.
    """
    out: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "id": doc.id,
        "titel": doc.title,
        "undertecknat": doc.signed_on,
        "period": {"från": doc.period_start, "till": doc.period_end},
        "uppföljningsår": doc.follow_up_years.value,
    }
    if doc.follow_up:
        out["uppföljning"] = doc.follow_up
    out["kommun"] = {"namn": doc.kommun_name, "kod": doc.kommunkod}
    out["polis"] = {"område": doc.police_area}
    if doc.signatories:
        out["undertecknare"] = [
            {"namn": s.name, "titel": s.title, "organisation": s.organisation}
            for s in doc.signatories
        ]
    if doc.parties:
        out["parter"] = [{"id": p.id, "namn": p.name} for p in doc.parties]
    if doc.area is not None:
        out["område"] = {"namn": doc.area.name, "wkt": doc.area.geometry.wkt}
    if doc.kinds:
        out["typer"] = [
            {
                "id": str(k),
                "namn": k.label,
                "plats": k.place_need.value,
                **({"utfall": list(k.outcomes)} if k.outcomes else {}),
                "klassning": k.default_classification.value,
            }
            for k in doc.kinds
        ]
    if doc.promises:
        out["löften"] = [{"id": p.id, "titel": p.title} for p in doc.promises]
    out["aktiviteter"] = [_commitment_mapping(c, bool(doc.promises)) for c in doc.commitments]
    return out


def _commitment_mapping(c: Commitment, has_promises: bool) -> dict[str, Any]:
    """One `aktiviteter` row."""
    row: dict[str, Any] = {"id": c.id}
    if has_promises:
        row["löfte"] = c.promise_id or WHOLE_DOCUMENT
    row["typ"] = c.kind.value
    row["ansvarig"] = _responsible_value(c)
    row["text"] = c.text
    if c.target is not None:
        row["mål"] = target_mapping(c.target)
    return row


def _responsible_value(c: Commitment) -> str | list[str]:
    """The commitment's `ansvarig` as written."""
    return responsible_value(c.parties or _NAMED.get(c.responsible, ()))


def responsible_value(names: Sequence[str]) -> str | list[str]:
    """`ansvarig:` for these parties: `båda`, `polis`, `kommun`, one party or a list."""
    if set(names) == {"polis", "kommun"}:
        return Responsible.BOTH.value
    return names[0] if len(names) == 1 else list(names)


# The editor's choice of target shape, in the words of the file's keys.
TARGET_SHAPES: dict[str, str] = {
    "": "Inget mål (texten har inget antal)",
    TargetRule.AT_LEAST.value: "Minst ett antal",
    TargetRule.EXACTLY.value: "Exakt ett antal",
    TargetRule.BY_DATE.value: "Klart senast ett datum",
    TargetRule.ON_REQUEST.value: "Vid behov",
}


def target_choice(shape: str, count: int, per: str, due: date | None) -> dict[str, Any] | None:
    """`mål:` from the editor's fields (the parser checks it like any file's)."""
    if not shape:
        return None
    if shape == TargetRule.ON_REQUEST.value:
        return {shape: True}
    if shape == TargetRule.BY_DATE.value:
        # An empty date is written empty, so the parser names the field in Swedish.
        return {shape: due if due is not None else ""}
    return {shape: count, **({"per": per} if per else {})}


def kommun_file_name(kommunkod: str) -> str:
    """The name a file gives the kommun with this code ("0604" → "Aneby kommun")."""
    return f"{kommun_names().get(kommunkod, kommunkod)} kommun"


def target_mapping(target: Target) -> dict[str, Any]:
    """`mål:` as written: {minst: 10}, {exakt: 1, per: halvår}, {klart_senast: ...}, ..."""
    if target.rule is TargetRule.ON_REQUEST:
        return {TargetRule.ON_REQUEST.value: True}
    if target.rule is TargetRule.BY_DATE:
        return {TargetRule.BY_DATE.value: target.due}
    out: dict[str, Any] = {target.rule.value: target.count}
    if target.per is not None:
        out["per"] = target.per.value
    return out


def mapping_text(raw: Mapping[str, Any]) -> str:
    """The YAML text of a mapping of promise file keys (the file the editor saves)."""
    body = yaml.safe_dump(dict(raw), allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body


def promise_text(doc: PromiseDocument) -> str:
    """The document as a format 2 promise file that `parse_promise_text` reads back equal to
    `as_format_2(doc)`."""
    return mapping_text(promise_mapping(doc))


def as_format_2(doc: PromiseDocument) -> PromiseDocument:
    """The same promise as a format 2 file states it: each commitment names its parties.

    A format 1 document means the same; only its `format` and the parties a format 2 reader
    names for `ansvarig` differ.
    """
    if doc.format == FORMAT_VERSION:
        return doc
    commitments = tuple(
        replace(c, parties=c.parties or _NAMED.get(c.responsible, ())) for c in doc.commitments
    )
    return replace(doc, commitments=commitments, format=FORMAT_VERSION)


def field_problems(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """The parser's problems with an edited promise, by field (e.g. "aktiviteter[2].mål").

    Parameters
    ----------
    raw : the keys of a format 2 file, as `promise_mapping` gives them.

    Returns
    -------
    Swedish messages per field, in the file's order; empty when the promise is valid.
    """
    text = mapping_text(raw)
    _, problems = promise_problems(text)
    out: dict[str, list[str]] = {}
    for problem in problems:
        out.setdefault(format_path(problem.path), []).append(problem.message)
    return out


def document_from_mapping(raw: Mapping[str, Any]) -> tuple[PromiseDocument, str]:
    """The checked document and its file text (PromiseFileError listing every problem)."""
    text = mapping_text(raw)
    return parse_promise_text(text, f"{raw.get('id') or 'löftet'}.yaml"), text
