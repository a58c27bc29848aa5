"""Read a medborgarlöfte from its YAML file, with errors a planner can fix.

The file is written by people (see data/promises/ and README.md, "Löftesfilen"). Every
problem found is reported at once, each with its line and key, in Swedish, so one round of
editing fixes the file.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import shapely.errors
import shapely.wkt
import yaml

from geo.errors import PromiseFileError, ValidationError
from geo.files.limits import check_date
from geo.records.kinds import Classification, CommitmentKind, FileKind, PlaceNeed
from geo.records.kommuner import kommun_problem
from geo.records.outcomes import own_count_problem
from geo.records.periods import MAX_FOLLOW_UP_YEARS, follow_up_years
from geo.records.promise import (
    Area,
    Commitment,
    FollowUpYears,
    Party,
    Promise,
    PromiseDocument,
    Responsible,
    Signatory,
    Target,
    TargetPer,
    TargetRule,
)
from geo.records.yaml_text import (
    TYPE_NAMES,
    Problem,
    describe_value,
    duplicate_keys,
    line_map,
    yaml_problem,
)

FORMAT_VERSION = 2
FORMATS = (1, 2)
WHOLE_DOCUMENT = "alla"
# Only format 2 may use these; in a format 1 file they are a mistake, so format 1 files
# keep meaning exactly what they meant.
_FORMAT_2_KEYS = {"typer", "parter", "område"}
_KIND_KEYS = {"id", "namn", "plats", "utfall", "klassning"}
_TARGET_KEYS = {r.value for r in TargetRule} | {"per"}
# An area is in SWEREF 99 TM (EPSG:3006), the promise's CRS: roughly Sweden's extent.
_SWEDEN_3006 = (200_000.0, 6_100_000.0, 1_000_000.0, 7_700_000.0)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# A kind's code is what people write in the `typ` column; the built-in ones use å, ä, ö.
_KIND_ID = re.compile(r"^[a-zåäö0-9][a-zåäö0-9_-]*$")

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
    *_FORMAT_2_KEYS,
}
_ACTIVITY_KEYS = {"id", "löfte", "typ", "ansvarig", "text", "mål"}


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
    doc, problems = promise_problems(text, source)
    if problems:
        found = "\n".join(f"- {p.describe(source)}" for p in problems)
        raise PromiseFileError(f"Löftesfilen har fel:\n{found}")
    assert doc is not None
    return doc


def promise_problems(
    text: str, source: str = "löftesfilen"
) -> tuple[PromiseDocument | None, list[Problem]]:
    """The promise in `text` and every problem with it, each with its line and key (the
    document is None when there is any).

    Raises
    ------
    PromiseFileError
        When the text is not YAML at all, or not keys with values: no line-by-line problems
        to give then.
    """
    try:
        raw = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines = line_map(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", rad {mark.line + 1}" if mark is not None else ""
        what = yaml_problem(getattr(exc, "problem", None) or "")
        raise PromiseFileError(f"{source}{where}: filen är inte giltig YAML ({what})") from None
    if not isinstance(raw, dict):
        raise PromiseFileError(f'{source}: filen ska börja med nycklar som "id:" och "titel:"')
    reader = _Reader(raw, lines)
    reader.problems.extend(duplicate_keys(node))
    doc = reader.document()
    return (None if reader.problems else doc), reader.problems


class _Reader:
    """Walks the parsed YAML, collecting problems instead of stopping at the first."""

    def __init__(self, raw: dict[str, Any], lines: dict[tuple, int]) -> None:
        self.raw = raw
        self.lines = lines
        self.problems: list[Problem] = []
        self.format = 1
        self.kinds: dict[str, FileKind] = {}
        self.parties: list[Party] = []

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
            self.problem(path, f"ska vara {TYPE_NAMES[kind]}, men är {describe_value(value)}")
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
        if fmt is not None and fmt not in FORMATS:
            self.problem(
                ("format",),
                f"formatversion {fmt} stöds inte (den här versionen läser format 1 och 2)",
            )
        self.format = fmt if fmt in FORMATS else 1
        if self.format == 1:
            for key in _FORMAT_2_KEYS & set(raw):
                self.problem((key,), f'nyckeln "{key}" kräver "format: 2" överst i filen')
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
        self.kinds = self.own_kinds(raw)
        self.parties = self.own_parties(raw)
        area = self.area(raw)
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
            kinds=tuple(self.kinds.values()),
            parties=tuple(self.parties),
            area=area,
            format=self.format,
        )

    def identifier(
        self, table: dict[str, Any], path: tuple[str | int, ...], pattern: re.Pattern = _ID
    ) -> str | None:
        """An id: lower-case letters a–z, digits, - and _ (used in URLs and CLI)."""
        value = self.get(table, path, str)
        if value is not None and not pattern.match(value):
            letters = "a–z, å, ä, ö" if pattern is _KIND_ID else "a–z"
            self.problem(
                path,
                f'"{value}" är inget giltigt id: använd små bokstäver {letters}, siffror, - och _',
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
                    f"ska vara en rad med nycklar (id:, titel: ...), men är {describe_value(row)}",
                )
        return good

    def own_kinds(self, raw: dict[str, Any]) -> dict[str, FileKind]:
        """typer: the file's own kinds (format 2); an id may not reuse a built-in code."""
        out: dict[str, FileKind] = {}
        for i, row in enumerate(self.table_list(raw, "typer", required=False)):
            at = ("typer", i)
            self.unknown_keys(row, _KIND_KEYS, at)
            code = self.identifier(row, (*at, "id"), _KIND_ID)
            if code in CommitmentKind._value2member_map_ or code in out:
                self.problem((*at, "id"), f'typen "{code}" finns redan')
                code = None
            name = self.get(row, (*at, "namn"), str)
            need = self.choice(row, (*at, "plats"), PlaceNeed, PlaceNeed.OPTIONAL)
            level = self.choice(row, (*at, "klassning"), Classification, Classification.INTERNAL)
            counts = self.get(row, (*at, "utfall"), list, required=False) or []
            for j, count in enumerate(counts):
                problem = own_count_problem(count)
                if problem:
                    self.problem((*at, "utfall", j), problem)
            if code and name and need and level:
                out[code] = FileKind(code, name, need, tuple(map(str, counts)), level)
        return out

    def choice(
        self, row: dict[str, Any], path: tuple[str | int, ...], enum: Any, default: Any
    ) -> Any:
        """One of an enum's Swedish values (`default` when the key is left out), else None."""
        value = self.get(row, path, str, required=False)
        if value is None:
            return None if path[-1] in row else default
        if value not in enum._value2member_map_:
            allowed = ", ".join(m.value for m in enum)
            self.problem(path, f'"{value}" ska vara en av: {allowed}')
            return None
        return enum(value)

    def own_parties(self, raw: dict[str, Any]) -> list[Party]:
        """parter: organisations beyond kommun and polis that can be `ansvarig`."""
        out: list[Party] = []
        for i, row in enumerate(self.table_list(raw, "parter", required=False)):
            self.unknown_keys(row, {"id", "namn"}, ("parter", i))
            pid = self.identifier(row, ("parter", i, "id"))
            name = self.get(row, ("parter", i, "namn"), str)
            if pid in {r.value for r in Responsible} or any(p.id == pid for p in out):
                self.problem(("parter", i, "id"), f'parten "{pid}" finns redan')
            elif pid and name:
                out.append(Party(pid, name))
        return out

    def area(self, raw: dict[str, Any]) -> Area | None:
        """område: {namn, wkt}, a polygon in SWEREF 99 TM (EPSG:3006) inside Sweden."""
        table = self.get(raw, ("område",), dict, required=False)
        if table is None:
            return None
        self.unknown_keys(table, {"namn", "wkt"}, ("område",))
        name = self.get(table, ("område", "namn"), str)
        text = self.get(table, ("område", "wkt"), str)
        if text is None:
            return None
        try:
            shape = shapely.wkt.loads(text)
        except shapely.errors.ShapelyError:
            self.problem(("område", "wkt"), "är ingen giltig WKT (t.ex. POLYGON ((x y, ...)))")
            return None
        if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
            self.problem(("område", "wkt"), f"ska vara en polygon, inte {shape.geom_type}")
            return None
        if not shape.is_valid:
            self.problem(("område", "wkt"), "polygonen korsar sig själv eller är inte sluten")
            return None
        x0, y0, x1, y1 = _SWEDEN_3006
        minx, miny, maxx, maxy = shape.bounds
        if minx < x0 or maxx > x1 or miny < y0 or maxy > y1:
            self.problem(
                ("område", "wkt"),
                "koordinaterna ligger inte i Sverige i SWEREF 99 TM (EPSG:3006): "
                "skriv E (öst) först och N (norr) sedan, i meter",
            )
            return None
        return Area(name, shape) if name else None

    def responsible(
        self, row: dict[str, Any], at: tuple[str | int, ...]
    ) -> tuple[Responsible, tuple[str, ...]] | None:
        """ansvarig: polis, kommun, båda, or (format 2) one party or a list of them."""
        value = row.get("ansvarig")
        if self.format == 2 and isinstance(value, list):
            names = value
        else:
            who = self.get(row, (*at, "ansvarig"), str)
            if who is None:
                return None
            names = ["polis", "kommun"] if who == Responsible.BOTH else [who]
        known = ["polis", "kommun", *(p.id for p in self.parties)]
        if not names or any(n not in known for n in names):
            allowed = "polis, kommun eller båda" + (
                "".join(f", {p.id}" for p in self.parties) + " (eller en lista av dem)"
                if self.parties
                else ""
            )
            shown = ", ".join(map(str, names)) or "en tom lista"
            self.problem((*at, "ansvarig"), f'ansvarig ska vara {allowed}, inte "{shown}"')
            return None
        main = {"polis", "kommun"} & set(names)
        rule = (
            Responsible.BOTH
            if len(main) == 2
            else Responsible(main.pop())
            if main
            else Responsible.PARTNERS
        )
        return rule, tuple(dict.fromkeys(names))

    def promises(self, raw: dict[str, Any]) -> list[Promise]:
        """The löften list (optional in format 2: a flat list of activities); ids unique."""
        out: list[Promise] = []
        listed = self.table_list(raw, "löften", required=self.format == 1)
        for i, row in enumerate(listed):
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
        kinds = ", ".join([*(k.value for k in CommitmentKind), *self.kinds])
        for i, row in enumerate(self.table_list(raw, "aktiviteter")):
            at = ("aktiviteter", i)
            self.unknown_keys(row, _ACTIVITY_KEYS, at)
            cid = self.identifier(row, (*at, "id"))
            if cid and any(c.id == cid for c in out):
                self.problem((*at, "id"), f'id "{cid}" finns redan')
                cid = None
            text = self.get(row, (*at, "text"), str)
            kind = self.get(row, (*at, "typ"), str)
            known_kind = kind in CommitmentKind._value2member_map_ or kind in self.kinds
            if kind is not None and not known_kind:
                self.problem((*at, "typ"), f'okänd typ "{kind}" (kända typer: {kinds})')
                kind = None
            who = self.responsible(row, at)
            # Without löften (format 2) every activity serves the whole document.
            flat = self.format == 2 and not promise_ids
            promise = self.get(row, (*at, "löfte"), str, required=not flat) or (
                WHOLE_DOCUMENT if flat and "löfte" not in row else None
            )
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
                        kind=self.kinds.get(kind) or CommitmentKind(kind),
                        responsible=who[0],
                        promise_id=None if promise == WHOLE_DOCUMENT else promise,
                        target=target,
                        parties=who[1] if self.format == 2 else (),
                    )
                )
        return out

    def target(self, row: dict[str, Any], at: tuple[str | int, ...]) -> Target | None:
        """mål: {minst: 10} or {exakt: 2}; absent when the text has no number.

        Format 2 adds `per:` (halvår, tertial, år, period), {klart_senast: DATUM} and
        {vid_behov: true}.
        """
        raw = self.get(row, (*at, "mål"), dict, required=False)
        if raw is None:
            return None
        path = (*at, "mål")
        if self.format == 1:
            rules = [r for r in (TargetRule.AT_LEAST, TargetRule.EXACTLY) if r.value in raw]
            extra = set(raw) - {r.value for r in rules}
        else:
            rules = [r for r in TargetRule if r.value in raw]
            extra = set(raw) - _TARGET_KEYS
        if len(rules) != 1 or extra:
            self.problem(path, _TARGET_HELP[self.format])
            return None
        rule = rules[0]
        if rule is TargetRule.BY_DATE:
            due = self.get(raw, (*path, rule.value), date)
            if "per" in raw:
                self.problem(
                    (*path, "per"), "ett klart_senast-mål gäller hela perioden: ta bort per"
                )
            return Target(rule, 1, due=due) if due and "per" not in raw else None
        if rule is TargetRule.ON_REQUEST:
            if raw[rule.value] is not True or "per" in raw:
                self.problem(path, "skriv vid behov som {vid_behov: true}")
                return None
            return Target(rule)
        count = self.get(raw, (*path, rule.value), int)
        per = self.choice(raw, (*path, "per"), TargetPer, None) if "per" in raw else None
        if count is None or ("per" in raw and per is None):
            return None
        if count < 0:
            self.problem(path, "målet får inte vara negativt")
            return None
        return Target(rule, count, per=per)


_TARGET_HELP = {
    1: "skriv målet som {minst: N} eller {exakt: N}",
    2: "skriv målet som {minst: N}, {exakt: N} (med per: halvår, tertial, år eller period "
    "om det behövs), {klart_senast: ÅÅÅÅ-MM-DD} eller {vid_behov: true}",
}
