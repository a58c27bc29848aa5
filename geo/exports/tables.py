"""The tables of a data export, shared by the GeoPackage and the CSV files.

One function turns an `ExportData` into named tables (columns, rows, geometries in
EPSG:3006), so the GeoPackage layers and the CSV files always hold the same things. Column
names are Swedish, lower case, ASCII (QGIS, Excel and scripts all cope); the title of each
table says what it holds. The exception is `platser`, whose attribute columns carry the
place import's names (`väg`, `öppettider`, `hållplatser`): that table is meant to be edited
and imported again (`lofteskartan import places`), and one vocabulary beats two.

A public export has fewer tables and columns: no `aktiviteter` table (single activities are
never published) and no id, note, free-text or exact-time columns. A suppressed count is the
`SUPPRESSED` marker here: NULL in the GeoPackage, "visas inte" in a CSV, and the row's
`undertryckta` column names it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from shapely.geometry.base import BaseGeometry

from geo.disclosure.activity_rows import MadeOnRead
from geo.disclosure.audience import COUNT_OUTCOMES, PUBLIC_OFFICE_ATTRIBUTES, Audience
from geo.disclosure.rows import ExportData, PeriodSummary, counted_text
from geo.records.place_attributes import ALL_ATTRIBUTE_KEYS, ATTRIBUTES, ValueType, attribute_text
from geo.swedish import stamp


class _Suppressed:
    """Marks a count withheld (1 to k-1, or to protect one that is; see geo.disclosure.audience)."""

    _instance: _Suppressed | None = None

    def __new__(cls) -> _Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED: Final = _Suppressed()

# Column kinds: how a value is written (GeoPackage field type, CSV formatting).
TEXT, INTEGER, REAL, BOOLEAN = "text", "integer", "real", "boolean"


@dataclass(frozen=True)
class Column:
    """A column: its name, kind and a Swedish description."""

    name: str
    kind: str
    description: str = ""


@dataclass(frozen=True)
class ExportTable:
    """A table: name (layer/file), title, columns, rows; geometries when it is a map layer.

    `geometry_type` is "Point", "Polygon", "Unknown" (mixed) or None (no geometry).
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Any, ...]]
    geometries: Sequence[BaseGeometry | None] | None = None
    geometry_type: str | None = None

    @property
    def column_names(self) -> list[str]:
        """The column names in order."""
        return [c.name for c in self.columns]


TIME_FORMAT = "%Y-%m-%d %H:%M"
# Each attribute key once (`vikt` is the only key, today, that could serve several kinds).
ATTRIBUTE_SPECS = {spec.key: spec for specs in ATTRIBUTES.values() for spec in specs}


def _yes(value: bool) -> str:
    return "ja" if value else "nej"


def about_table(data: ExportData) -> ExportTable:
    """`om_exporten`: one row saying who the export is for, when it was made, the rules."""
    doc = data.document
    public = data.audience is Audience.PUBLIC
    rules = data.rules
    note = data.audience.notice + "."
    if public:
        note += (
            f" Bara öppna uppgifter; {rules.suppressed_meaning}; aktiviteternas platser "
            f"bara som antal per {rules.grid.value} om {rules.cell_size_m:g} m; tider bara "
            f"som vecka; {counted_text(data)}."
        )
    columns = (
        Column("malgrupp", TEXT, "Vem exporten är till: intern eller offentlig"),
        Column("skapad", TEXT, "När exporten gjordes (svensk tid)"),
        Column("period_fran", TEXT, "Periodens första dag"),
        Column("period_till", TEXT, "Periodens sista dag"),
        Column("medborgarlofte", TEXT, "Medborgarlöftets titel"),
        Column("kommun", TEXT, "Kommun"),
        Column("kommunkod", TEXT, "Kommunkod"),
        Column("polisomrade", TEXT, "Lokalpolisområde"),
        Column("minsta_antal", INTEGER, "Minsta antal som visas i offentliga exporter"),
        Column("rutstorlek_m", REAL, "Rutornas storlek i meter"),
        Column("rutnat", TEXT, "ruta eller hexagon"),
        Column("koordinatsystem", TEXT, "Koordinatsystem för geometrier och koordinater"),
        Column("tider", TEXT, "Hur tider anges"),
        Column("exempeldata", TEXT, "ja om databasen innehåller påhittade exempeldata"),
        Column("anmarkning", TEXT, "Vad exporten får användas till"),
    )
    row = (
        data.audience.label,
        stamp(data.made_at),
        f"{data.period.start:%Y-%m-%d}",
        f"{data.period.end:%Y-%m-%d}",
        doc.title,
        doc.kommun_name,
        doc.kommunkod,
        doc.police_area,
        rules.min_count,
        rules.cell_size_m,
        rules.grid.value,
        "SWEREF 99 TM (EPSG:3006), meter",
        "ISO-vecka (t.ex. 2023-W36)" if public else "svensk tid (Europe/Stockholm)",
        _yes(data.has_example_data),
        note,
    )
    return ExportTable("om_exporten", "Om exporten", columns, (row,))


def _attribute_column(key: str) -> Column:
    """A place attribute's column under the place import's name (`väg`, `hastighet`, ...)."""
    spec = ATTRIBUTE_SPECS[key]
    kinds = ", ".join(k.value for k, specs in ATTRIBUTES.items() if spec in specs)
    kind = {ValueType.SPEED: INTEGER, ValueType.WEIGHT: REAL}.get(spec.type, TEXT)
    return Column(key, kind, f"{spec.label} ({kinds})")


def _attribute_value(key: str, value: Any) -> Any:
    """A stored attribute as its column holds it: numbers as numbers, stops joined by |."""
    if value is None:
        return None
    spec = ATTRIBUTE_SPECS[key]
    if spec.type is ValueType.SPEED:
        return int(value)
    if spec.type is ValueType.WEIGHT:
        return float(value)
    return attribute_text(spec, value)


@dataclass(frozen=True)
class _Field:
    """One column and how a record fills it."""

    column: Column
    value: Callable[[Any], Any]


def _field(name: str, kind: str, description: str, value: str | Callable[[Any], Any]) -> _Field:
    """A column filled by `value`: a record's attribute path ("status.value") or a function.

    One line a column, so each table reads as the list of its columns."""
    read = operator.attrgetter(value) if isinstance(value, str) else value
    return _Field(Column(name, kind, description), read)


def _layer_table(
    name: str, title: str, records: Sequence[Any], fields: Sequence[_Field], geometry_type: str
) -> ExportTable:
    """A map-layer table: a column per field, a row and a geometry per record."""
    return ExportTable(
        name,
        title,
        tuple(f.column for f in fields),
        MadeOnRead(records, lambda r: tuple(f.value(r) for f in fields)),
        MadeOnRead(records, lambda r: r.geometry),
        geometry_type,
    )


def _internal_only(data: ExportData) -> Callable[..., list[_Field]]:
    """`internal_only(a, b)` gives the columns in an internal file and none in a public one,
    so a table lists its columns in the file's order with the internal ones marked where
    they stand."""
    internal = data.audience is Audience.INTERNAL
    return lambda *fields: list(fields) if internal else []


def _day(value: date | None) -> str:
    """A date as YYYY-MM-DD, or empty."""
    return f"{value:%Y-%m-%d}" if value else ""


def _time(value: datetime | None) -> str:
    """A time as TIME_FORMAT, or empty."""
    return f"{value:{TIME_FORMAT}}" if value else ""


def _attribute_field(key: str) -> _Field:
    """A place attribute's column, filled only for places of a kind that has the attribute."""

    def value(place: Any) -> Any:
        # Only the kind's own attributes: anything else would not import again.
        if all(spec.key != key for spec in ATTRIBUTES[place.kind]):
            return None
        return _attribute_value(key, place.attributes.get(key))

    return _Field(_attribute_column(key), value)


def _outcome_field(name: str) -> _Field:
    """A count outcome's column (empty where the activity did not record it)."""
    return _field(name, REAL, "Utfall: antal", lambda a: a.outcome.get(name))


# Columns that several tables hold, with the same name, description and value.
_CLASSIFICATION = _field("klassning", TEXT, "öppen, intern eller sekretess", "classification.value")
_NOTE = _field("anteckning", TEXT, "Intern anteckning", "note")
_ACTIVITY_KIND = _field("typ", TEXT, "Aktivitetstyp", "kind.value")
_WEEK = _field("vecka", TEXT, "ISO-vecka", "week")
_START = _field("start", TEXT, "Start (svensk tid)", lambda r: _time(r.start))
_END = _field("slut", TEXT, "Slut (svensk tid)", lambda r: _time(r.end))
_PLACE_NAME = _field("plats", TEXT, "Platsens namn", "place_name")


def places_table(data: ExportData) -> ExportTable:
    """`platser`: every place (public: öppna, in use, no insatsplatser, no notes).

    The columns are the place import's (`namn`, `typ`, `klassning`, `anteckning`, one
    column per attribute), so a planner can edit the file in Excel and import it again;
    `id` and `version` (internal only) let that import change the stored place instead of
    adding a new one, and refuse a change to a place someone saved after the export.
    """
    internal = data.audience is Audience.INTERNAL
    keys = ALL_ATTRIBUTE_KEYS if internal else PUBLIC_OFFICE_ATTRIBUTES
    internal_only = _internal_only(data)
    fields = [
        *internal_only(
            _field("id", INTEGER, "Platsens id i Löfteskartan (importen ändrar den platsen)", "id"),
            _field("version", INTEGER, "Platsens version när filen gjordes", "version"),
        ),
        _field("typ", TEXT, "Platstyp", "kind.value"),
        _field("namn", TEXT, "Namn", "name"),
        _CLASSIFICATION,
        *internal_only(_NOTE),
        *(_attribute_field(key) for key in keys),
        _field(
            "exempeldata", TEXT, "ja för påhittade exempelplatser", lambda p: _yes(p.is_example)
        ),
        *internal_only(
            _field("ur_bruk", TEXT, "ja om platsen inte används längre", lambda p: _yes(p.retired))
        ),
    ]
    return _layer_table("platser", "Platser", data.places, fields, "Unknown")


def activities_table(data: ExportData) -> ExportTable:
    """`aktiviteter` (internal only): every logged activity in the period, with outcomes."""
    fields = [
        _field("id", INTEGER, "Aktivitetens id", "id"),
        _ACTIVITY_KIND,
        _field(
            "aktivitet_i_loftet",
            TEXT,
            "Id för aktiviteten i löftet den räknas mot",
            lambda a: a.commitment_id or "",
        ),
        _WEEK,
        _START,
        _END,
        _PLACE_NAME,
        _field("timmar", REAL, "Timmar", "hours"),
        *(_outcome_field(name) for name in COUNT_OUTCOMES),
        _CLASSIFICATION,
        _NOTE,
        _field(
            "exempeldata", TEXT, "ja för påhittade exempelaktiviteter", lambda a: _yes(a.is_example)
        ),
    ]
    return _layer_table("aktiviteter", "Genomförda aktiviteter", data.activities, fields, "Point")


def planned_table(data: ExportData) -> ExportTable:
    """`planerade`: plans in the period (public: the police office's opening hours, by week)."""
    internal_only = _internal_only(data)
    fields = [
        *internal_only(
            _field("id", INTEGER, "Den planerade aktivitetens id", "id"),
            _field(
                "aktivitet_i_loftet",
                TEXT,
                "Id för aktiviteten i löftet",
                lambda p: p.commitment_id or "",
            ),
        ),
        _ACTIVITY_KIND,
        _WEEK,
        _PLACE_NAME,
        _field("oppettider", TEXT, "Poliskontorets öppettider", "opening_hours"),
        _field("status", TEXT, "planerad, genomförd eller inställd", "status.value"),
        _CLASSIFICATION,
        *internal_only(
            _START,
            _END,
            _field("lag", TEXT, "Lag eller ansvarig grupp", "team"),
            _NOTE,
        ),
    ]
    return _layer_table("planerade", "Planerade aktiviteter", data.planned, fields, "Unknown")


def findings_table(data: ExportData) -> ExportTable:
    """`iakttagelser`: findings from safety walks (public: no free text, weeks for dates)."""
    internal_only = _internal_only(data)
    fields = [
        *internal_only(
            _field("id", INTEGER, "Iakttagelsens id", "id"),
            _field("vandring_id", INTEGER, "Trygghetsvandringens aktivitets-id", "activity_id"),
        ),
        _field("kategori", TEXT, "Kategori", "category"),
        _field("ansvarig", TEXT, "Vem som ansvarar för åtgärden", "owner"),
        _field("status", TEXT, "öppen, pågår eller åtgärdad", "status.value"),
        _field("klart_senast_vecka", TEXT, "ISO-vecka då åtgärden ska vara klar", "due_week"),
        _field("vandring_vecka", TEXT, "ISO-vecka för trygghetsvandringen", "walk_week"),
        _CLASSIFICATION,
        *internal_only(
            _field("beskrivning", TEXT, "Beskrivning", "description"),
            _field("atgard", TEXT, "Åtgärd", "action"),
            _field("klart_senast", TEXT, "Datum då åtgärden ska vara klar", lambda f: _day(f.due)),
            _field(
                "vandring_datum", TEXT, "Trygghetsvandringens datum", lambda f: _day(f.walk_date)
            ),
            # Whether there is a photo; the picture itself is never in a data export.
            _field(
                "foto",
                TEXT,
                "ja om iakttagelsen har ett foto (fotot finns i Löfteskartan)",
                lambda f: _yes(f.has_photo),
            ),
        ),
    ]
    title = "Iakttagelser från trygghetsvandringar"
    return _layer_table("iakttagelser", title, data.findings, fields, "Point")


def cells_table(data: ExportData) -> ExportTable:
    """`aktiviteter_per_ruta`: counts per grid cell (public: öppna, at least k per cell)."""
    rules = data.rules
    fields = [
        _field("ruta", TEXT, "Rutans id (rutnätet utgår från EPSG:3006:s origo)", "key.id"),
        _field("antal", INTEGER, "Genomförda aktiviteter i rutan under perioden", "count"),
        _field("rutstorlek_m", REAL, "Rutans storlek i meter", lambda c: rules.cell_size_m),
        _field("rutnat", TEXT, "ruta eller hexagon", lambda c: rules.grid.value),
    ]
    return _layer_table(
        "aktiviteter_per_ruta", "Genomförda aktiviteter per ruta", data.cells, fields, "Polygon"
    )


def _summary_columns(data: ExportData) -> list[Column]:
    columns = [
        Column("period", TEXT, "Perioden som räknas"),
        Column("period_fran", TEXT, "Periodens första dag"),
        Column("period_till", TEXT, "Periodens sista dag"),
        Column("lofte", TEXT, "Löftets id (tomt: gäller hela löftet)"),
        Column("aktivitet_i_loftet", TEXT, "Aktivitetens id i löftet"),
        Column("aktivitet", TEXT, "Vad som lovats"),
        Column("typ", TEXT, "Aktivitetstyp"),
        Column("ansvarig", TEXT, "polis, kommun eller båda"),
        Column("mal", TEXT, "Målet för löftesåret"),
        Column("genomfort", INTEGER, "Genomförda aktiviteter"),
        Column("kvar", INTEGER, "Kvar till målet"),
    ]
    if data.audience is Audience.INTERNAL:
        columns.append(Column("planerat", INTEGER, "Planerade, ej genomförda"))
    columns.append(Column("timmar", REAL, "Timmar"))
    columns += [Column(name, INTEGER, "Utfall: summa") for name in COUNT_OUTCOMES]
    columns.append(Column("undertryckta", TEXT, "Värden som inte visas (för få)"))
    return columns


def _summary_rows(summary: PeriodSummary, data: ExportData) -> list[tuple[Any, ...]]:
    internal = data.audience is Audience.INTERNAL
    rows = []
    for r in summary.rows:
        c = r.commitment
        values: list[Any] = [
            summary.period.label,
            f"{summary.period.start:%Y-%m-%d}",
            f"{summary.period.end:%Y-%m-%d}",
            c.promise_id or "",
            c.id,
            c.text,
            c.kind.value,
            c.responsible.value,
            c.target.describe() if c.target else "",
            SUPPRESSED if r.done is None else r.done,
            SUPPRESSED if r.done is None and c.target else r.remaining,
        ]
        if internal:
            values.append(r.planned)
        values.append(SUPPRESSED if r.hours is None else r.hours)
        for name in COUNT_OUTCOMES:
            value = r.outcomes.get(name, 0)
            values.append(SUPPRESSED if value is None else value)
        values.append(
            ", ".join(r.suppressed) + f" ({data.rules.suppressed_text})" if r.suppressed else ""
        )
        rows.append(tuple(values))
    return rows


def summary_table(data: ExportData) -> ExportTable:
    """`sammanstallning`: progress per commitment for the whole period."""
    return ExportTable(
        "sammanstallning",
        "Läget per aktivitet i löftet",
        tuple(_summary_columns(data)),
        tuple(_summary_rows(data.summary, data)),
    )


def tertial_table(data: ExportData) -> ExportTable:
    """`sammanstallning_tertial`: the same per tertial (clipped to the period)."""
    rows: list[tuple[Any, ...]] = []
    for tertial in data.tertials:
        rows += _summary_rows(tertial, data)
    return ExportTable(
        "sammanstallning_tertial",
        "Läget per aktivitet och tertial",
        tuple(_summary_columns(data)),
        tuple(rows),
    )


def export_tables(data: ExportData) -> list[ExportTable]:
    """Every table of a data export for the audience, `om_exporten` first."""
    tables = [about_table(data), places_table(data)]
    if data.audience is Audience.INTERNAL:
        tables.append(activities_table(data))
    tables += [
        planned_table(data),
        findings_table(data),
        cells_table(data),
        summary_table(data),
        tertial_table(data),
    ]
    return tables


def rows_as_dicts(table: ExportTable) -> Sequence[dict[str, Any]]:
    """Rows as dicts by column name (handy in tests and the app)."""
    names = table.column_names
    return [dict(zip(names, row, strict=True)) for row in table.rows]
