"""Read a medborgarlöfte from its YAML file, with errors a planner can fix.

The file is written by people (see data/promises/ and README.md, "Löftesfilen"). Every
problem found is reported at once, each with its line and key, in Swedish, so one round of
editing fixes the file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from geo.errors import PromiseFileError, ValidationError
from geo.files.limits import check_date
from geo.records.kommuner import kommun_problem
from geo.records.models import (
    Commitment,
    CommitmentKind,
    FollowUpYears,
    Promise,
    PromiseDocument,
    Responsible,
    Signatory,
    Target,
    TargetRule,
)
from geo.records.periods import MAX_FOLLOW_UP_YEARS, follow_up_years

FORMAT_VERSION = 1
WHOLE_DOCUMENT = "alla"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

_TOP_KEYS = {
    "format",
    "id",
    "titel",
    "undertecknat",
    "period",
    "uppföljning",
    "kommun",
    "polis",
    "undertecknare",
    "löften",
    "aktiviteter",
    "uppföljningsår",
}
_ACTIVITY_KEYS = {"id", "löfte", "typ", "ansvarig", "text", "mål"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: where (key path, line) and what."""

    path: tuple[str | int, ...]
    message: str
    line: int | None = None

    def describe(self, source: str) -> str:
        """E.g. "aneby.yaml, rad 42 (aktiviteter[4].mål): ..."."""
        where = source + (f", rad {self.line}" if self.line else "")
        key = _format_path(self.path)
        return f"{where}{f' ({key})' if key else ''}: {self.message}"


def _format_path(path: tuple[str | int, ...]) -> str:
    """("aktiviteter", 3, "mål") → "aktiviteter[4].mål" (1-based for people)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def load_promise_file(path: Path | str) -> PromiseDocument:
    """Read and validate one promise file.

    Parameters
    ----------
    path : a UTF-8 YAML file in the format of data/promises/aneby-2023-2024.yaml.

    Returns
    -------
    The validated document.

    Raises
    ------
    PromiseFileError
        Listing every problem with its line and key, in Swedish.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromiseFileError(f"Löftesfilen {path} finns inte.") from None
    except UnicodeDecodeError:
        raise PromiseFileError(f"Löftesfilen {path} är inte sparad som UTF-8.") from None
    return parse_promise_text(text, source=path.name)


def load_promise_dir(folder: Path | str) -> list[PromiseDocument]:
    """Every `*.yaml` promise file in a folder, sorted by file name."""
    return [load_promise_file(p) for p in sorted(Path(folder).glob("*.y*ml"))]


# Every page run reads the stored documents; parsing with line numbers takes ~60 ms each.
# The result is a frozen dataclass of tuples, so handing out the same object is safe.
@functools.lru_cache(maxsize=32)
def parse_promise_text(text: str, source: str = "löftesfilen") -> PromiseDocument:
    """Validate the text of a promise file (see `load_promise_file`)."""
    try:
        raw = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines = _line_map(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", rad {mark.line + 1}" if mark is not None else ""
        what = _yaml_problem(getattr(exc, "problem", None) or "")
        raise PromiseFileError(f"{source}{where}: filen är inte giltig YAML ({what})") from None
    if not isinstance(raw, dict):
        raise PromiseFileError(f'{source}: filen ska börja med nycklar som "id:" och "titel:"')
    reader = _Reader(raw, lines)
    reader.problems.extend(_duplicate_keys(node))
    doc = reader.document()
    if reader.problems:
        found = "\n".join(f"- {p.describe(source)}" for p in reader.problems)
        raise PromiseFileError(f"Löftesfilen har fel:\n{found}")
    assert doc is not None
    return doc


class _Reader:
    """Walks the parsed YAML, collecting problems instead of stopping at the first."""

    def __init__(self, raw: dict[str, Any], lines: dict[tuple, int]) -> None:
        self.raw = raw
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str | int, ...], message: str) -> None:
        """Record a problem at a key path."""
        line = next(
            (self.lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.lines), None
        )
        self.problems.append(Problem(path, message, line))

    def get(
        self, table: dict[str, Any], path: tuple[str | int, ...], kind: type, required: bool = True
    ) -> Any:
        """table[path[-1]] if present and of the right type, else record a problem."""
        key = path[-1]
        if key not in table:
            if required:
                self.problem(path, f'nyckeln "{key}" saknas')
            return None
        value = table[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.problem(path, f"ska vara {_TYPE_NAMES[kind]}, men är {_describe(value)}")
            return None
        if isinstance(value, str) and not value.strip():
            self.problem(path, "får inte vara tom")
            return None
        if kind is date and isinstance(value, date):
            # A far date (9999-12-31) was accepted and then broke `status` for the database.
            try:
                check_date(value)
            except ValidationError as exc:
                self.problem(path, str(exc).rstrip("."))
                return None
        return value

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], path: tuple) -> None:
        """A misspelt key would silently be ignored: report it instead."""
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem((*path, key), f'okänd nyckel "{key}" (kända: {known})')

    def document(self) -> PromiseDocument | None:
        """Build the document, or None when problems were found."""
        raw = self.raw
        self.unknown_keys(raw, _TOP_KEYS, ())
        fmt = self.get(raw, ("format",), int)
        if fmt is not None and fmt != FORMAT_VERSION:
            self.problem(
                ("format",),
                f"formatversion {fmt} stöds inte (den här versionen läser {FORMAT_VERSION})",
            )
        doc_id = self.identifier(raw, ("id",))
        title = self.get(raw, ("titel",), str)
        signed = self.get(raw, ("undertecknat",), date)
        period_start, period_end = self.period(raw, signed)
        follow_up_years = self.follow_up_years(raw, period_start, period_end)
        follow_up = self.get(raw, ("uppföljning",), str, required=False) or ""

        kommun = self.get(raw, ("kommun",), dict) or {}
        self.unknown_keys(kommun, {"namn", "kod"}, ("kommun",))
        kommun_name = self.get(kommun, ("kommun", "namn"), str) if kommun else None
        kod = kommun.get("kod")
        if isinstance(kod, int) and not isinstance(kod, bool):
            # Unquoted, YAML reads 0604 as the octal number 388: say what to write instead.
            self.problem(("kommun", "kod"), 'skriv kommunkoden inom citattecken, t.ex. "0604"')
            kommunkod = None
        else:
            kommunkod = self.get(kommun, ("kommun", "kod"), str) if kommun else None
        if kommunkod is not None and not re.fullmatch(r"\d{4}", kommunkod):
            self.problem(
                ("kommun", "kod"),
                f'kommunkoden ska vara fyra siffror (t.ex. "0604"), inte "{kommunkod}"',
            )
        elif kommun_name is not None and kommunkod is not None:
            # "Malå kommun" with Aneby's code loaded Aneby's boundary under Malå's name.
            mismatch = kommun_problem(kommun_name, kommunkod)
            if mismatch:
                self.problem(("kommun", "kod"), mismatch)
        police = self.get(raw, ("polis",), dict) or {}
        self.unknown_keys(police, {"område"}, ("polis",))
        police_area = self.get(police, ("polis", "område"), str) if police else None

        signatories = self.signatories(raw)
        promises = self.promises(raw)
        commitments = self.commitments(raw, {p.id for p in promises})
        if self.problems:
            return None
        # No problems means every required value above was found and has its type.
        assert doc_id and kommun_name and kommunkod and police_area and signed
        assert period_start and period_end
        return PromiseDocument(
            id=doc_id,
            title=title,
            kommun_name=kommun_name,
            kommunkod=kommunkod,
            police_area=police_area,
            signed_on=signed,
            period_start=period_start,
            period_end=period_end,
            promises=tuple(promises),
            commitments=tuple(commitments),
            signatories=tuple(signatories),
            follow_up=follow_up,
            follow_up_years=follow_up_years,
        )

    def identifier(self, table: dict[str, Any], path: tuple[str | int, ...]) -> str | None:
        """An id: lower-case letters a–z, digits, - and _ (used in URLs and CLI)."""
        value = self.get(table, path, str)
        if value is not None and not _ID.match(value):
            self.problem(
                path, f'"{value}" är inget giltigt id: använd små bokstäver a–z, siffror, - och _'
            )
            return None
        return value

    def period(self, raw: dict[str, Any], signed: date | None) -> tuple[date | None, date | None]:
        """The period defaults to one promise year from the signing date."""
        if "period" not in raw:
            if signed is None:
                return None, None
            try:
                anniversary = signed.replace(year=signed.year + 1)
            except ValueError:  # 29 February: the anniversary is 28 February (geo.records.periods)
                anniversary = signed.replace(year=signed.year + 1, day=28)
            return signed, anniversary - timedelta(days=1)
        period = self.get(raw, ("period",), dict)
        if period is None:
            return None, None
        self.unknown_keys(period, {"från", "till"}, ("period",))
        start = self.get(period, ("period", "från"), date)
        end = self.get(period, ("period", "till"), date)
        if start and end and end < start:
            self.problem(("period", "till"), f"perioden slutar ({end}) före den börjar ({start})")
        return start, end

    def follow_up_years(
        self, raw: dict[str, Any], start: date | None, end: date | None
    ) -> FollowUpYears:
        """uppföljningsår: kalenderår or från_undertecknande (default); one to four years."""
        rule = FollowUpYears.FROM_SIGNING
        value = self.get(raw, ("uppföljningsår",), str, required=False)
        if value is not None:
            if value not in FollowUpYears._value2member_map_:
                known = " eller ".join(r.value for r in FollowUpYears)
                self.problem(("uppföljningsår",), f'skriv {known}, inte "{value}"')
            else:
                rule = FollowUpYears(value)
        if start and end and start <= end:
            years = follow_up_years(rule, start, end)
            if len(years) > MAX_FOLLOW_UP_YEARS:
                self.problem(
                    ("period", "till"),
                    f"perioden {start} – {end} ger {len(years)} uppföljningsår; ett "
                    f"medborgarlöfte gäller ett till {MAX_FOLLOW_UP_YEARS} år",
                )
        return rule

    def signatories(self, raw: dict[str, Any]) -> list[Signatory]:
        """Optional list of who signed."""
        out = []
        for i, row in enumerate(self.table_list(raw, "undertecknare", required=False)):
            self.unknown_keys(row, {"namn", "titel", "organisation"}, ("undertecknare", i))
            name = self.get(row, ("undertecknare", i, "namn"), str)
            title = self.get(row, ("undertecknare", i, "titel"), str)
            org = self.get(row, ("undertecknare", i, "organisation"), str)
            if name and title and org:
                out.append(Signatory(name, title, org))
        return out

    def table_list(self, raw: dict[str, Any], key: str, required: bool = True) -> list[dict]:
        """A list of mappings (- id: ...); each element must be a mapping."""
        rows = self.get(raw, (key,), list, required=required)
        if rows is None:
            return []
        if required and not rows:
            self.problem((key,), f'listan "{key}" måste ha minst en rad')
        good = []
        for i, row in enumerate(rows):
            if isinstance(row, dict):
                good.append(row)
            else:
                self.problem(
                    (key, i),
                    f"ska vara en rad med nycklar (id:, titel: ...), men är {_describe(row)}",
                )
        return good

    def promises(self, raw: dict[str, Any]) -> list[Promise]:
        """The löften list; ids must be unique."""
        out: list[Promise] = []
        for i, row in enumerate(self.table_list(raw, "löften")):
            self.unknown_keys(row, {"id", "titel"}, ("löften", i))
            pid = self.identifier(row, ("löften", i, "id"))
            title = self.get(row, ("löften", i, "titel"), str)
            if pid == WHOLE_DOCUMENT:
                self.problem(
                    ("löften", i, "id"),
                    f'"{WHOLE_DOCUMENT}" är reserverat för aktiviteter som gäller hela löftet',
                )
            elif pid and any(p.id == pid for p in out):
                self.problem(("löften", i, "id"), f'id "{pid}" finns redan')
            elif pid and title:
                out.append(Promise(pid, title))
        return out

    def commitments(self, raw: dict[str, Any], promise_ids: set[str]) -> list[Commitment]:
        """The aktiviteter list, each linked to a promise or to the whole document."""
        out: list[Commitment] = []
        kinds = ", ".join(k.value for k in CommitmentKind)
        for i, row in enumerate(self.table_list(raw, "aktiviteter")):
            at = ("aktiviteter", i)
            self.unknown_keys(row, _ACTIVITY_KEYS, at)
            cid = self.identifier(row, (*at, "id"))
            if cid and any(c.id == cid for c in out):
                self.problem((*at, "id"), f'id "{cid}" finns redan')
                cid = None
            text = self.get(row, (*at, "text"), str)
            kind = self.get(row, (*at, "typ"), str)
            if kind is not None and kind not in CommitmentKind._value2member_map_:
                self.problem((*at, "typ"), f'okänd typ "{kind}" (kända typer: {kinds})')
                kind = None
            who = self.get(row, (*at, "ansvarig"), str)
            if who is not None and who not in Responsible._value2member_map_:
                self.problem(
                    (*at, "ansvarig"), f'ansvarig ska vara polis, kommun eller båda, inte "{who}"'
                )
                who = None
            promise = self.get(row, (*at, "löfte"), str)
            if promise is not None and promise != WHOLE_DOCUMENT and promise not in promise_ids:
                known = ", ".join(sorted(promise_ids | {WHOLE_DOCUMENT}))
                self.problem((*at, "löfte"), f'inget löfte har id "{promise}" (kända: {known})')
                promise = None
            target = self.target(row, at)
            if cid and text and kind and who and promise:
                out.append(
                    Commitment(
                        id=cid,
                        text=text,
                        kind=CommitmentKind(kind),
                        responsible=Responsible(who),
                        promise_id=None if promise == WHOLE_DOCUMENT else promise,
                        target=target,
                    )
                )
        return out

    def target(self, row: dict[str, Any], at: tuple[str | int, ...]) -> Target | None:
        """mål: {minst: 10} or {exakt: 2}; absent when the text has no number."""
        raw = self.get(row, (*at, "mål"), dict, required=False)
        if raw is None:
            return None
        rules = [r for r in TargetRule if r.value in raw]
        extra = set(raw) - {r.value for r in TargetRule}
        if len(rules) != 1 or extra:
            self.problem((*at, "mål"), "skriv målet som {minst: N} eller {exakt: N}")
            return None
        count = self.get(raw, (*at, "mål", rules[0].value), int)
        if count is None:
            return None
        if count < 0:
            self.problem((*at, "mål"), "målet får inte vara negativt")
            return None
        return Target(rules[0], count)


_TYPE_NAMES: dict[type, str] = {
    str: "en text",
    int: "ett heltal",
    date: "ett datum (ÅÅÅÅ-MM-DD, utan citattecken)",
    dict: "nycklar med värden",
    list: "en lista",
}


def _describe(value: Any) -> str:
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


def _duplicate_keys(node: yaml.Node | None, path: tuple = ()) -> list[Problem]:
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
            out.extend(_duplicate_keys(value, (*path, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.extend(_duplicate_keys(item, (*path, i)))
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


def _yaml_problem(problem: str) -> str:
    """PyYAML's English reason in Swedish where we know it, else quoted as it is."""
    for english, swedish in _YAML_PROBLEMS:
        if english in problem:
            return swedish
    return f"YAML-fel: {problem}" if problem else "okänt fel"


def _line_map(node: yaml.Node | None) -> dict[tuple, int]:
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
