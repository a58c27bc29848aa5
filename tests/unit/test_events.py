"""Reading police events: the API's JSON and the CSV, and what a broken file says."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from shapely.geometry import box

from geo.errors import ImportFileError
from geo.followup.events import (
    PoliceEvent,
    kommun_of,
    neighbours,
    parse_event_time,
    parse_events_bytes,
    parse_events_csv,
    parse_events_json,
    type_by_month,
)
from geo.records.models import STOCKHOLM
from geo.records.periods import Period
from geo.spatial.crs import lonlat_to_sweref

API_EVENTS = [
    {
        "id": 399932,
        "datetime": "2023-01-29 13:07:26 +01:00",
        "name": "29 januari 13:07, Mord/dråp, försök, Tranås",
        "summary": "En man har på något sätt fallit från en lägenhetsbalkong.",
        "url": "/aktuellt/handelser/2023/januari/29/29-januari-1307-morddrap-forsok-tranas/",
        "type": "Mord/dråp, försök",
        "location": {"name": "Tranås", "gps": "58.035518,14.975696"},
    },
    {
        "id": 500001,
        "datetime": "2024-07-02 23:10:00 +02:00",
        "name": "02 juli 23:10, Trafikolycka, Aneby",
        "summary": "Bil i diket.",
        "url": "/aktuellt/handelser/2024/juli/2/x/",
        "type": "Trafikolycka",
        # Since 2026 the API gives only the län; the kommun comes from the title.
        "location": {"name": "Jönköpings län", "gps": "57.370843,14.343917"},
    },
    {
        "id": 500002,
        "datetime": "2024-07-03 06:00:00 +02:00",
        "name": "03 juli 06:00, Sammanfattning natt, Jönköpings län",
        "summary": "",
        "url": "",
        "type": "Sammanfattning natt",
        "location": {"name": "Jönköpings län", "gps": "57.370843,14.343917"},
    },
]

CSV_HEADER = (
    "event_id,datetime,type,name,summary,url,api_location_name,api_location_level,"
    "api_lat,api_lon,municipality,municipality_code,lpo_hoglandet\n"
)
CSV_ROW = (
    '1,2023-03-17T15:05:08+01:00,Brand,"17 mars 15:05, Brand, Aneby",Brand i bil.,'
    "https://polisen.se/x/,Aneby,municipality,57.838521,14.817802,Aneby,0604,True\n"
)


@pytest.mark.parametrize(
    "text",
    [
        "2023-01-29 13:07:26 +01:00",
        "2023-01-29T13:07:26+01:00",
        "2023-01-29 12:07:26Z",
        "2023-01-29 13:07:26 +0100",
    ],
)
def test_api_and_iso_times_are_the_same_instant(text: str) -> None:
    value = parse_event_time(text)
    assert value == datetime(2023, 1, 29, 13, 7, 26, tzinfo=timezone(timedelta(hours=1)))
    assert value.tzinfo is STOCKHOLM


@pytest.mark.parametrize("text", ["2023-01-29 13:07:26", "igår", "2023-02-30 10:00 +01:00", ""])
def test_times_without_an_offset_or_not_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_event_time(text)


def test_the_kommun_is_the_api_location_or_else_the_end_of_the_title() -> None:
    assert kommun_of("Aneby", "02 juli, Brand, Aneby") == "0604"
    assert kommun_of("Jönköpings län", "02 juli 23:10, Trafikolycka, Tranås") == "0687"
    assert kommun_of("Jönköpings län", "03 juli, Sammanfattning natt, Jönköpings län") is None
    assert kommun_of("Upplands Väsby", "x") == "0114"


def test_api_json_is_read_with_kommun_time_and_the_centre_point_in_sweref() -> None:
    events = parse_events_json(json.dumps(API_EVENTS))
    assert [e.id for e in events] == ["399932", "500001", "500002"]
    first = events[0]
    assert first.type == "Mord/dråp, försök"
    assert first.location_name == "Tranås"
    assert first.kommunkod == "0687"
    assert first.occurred_at.isoformat() == "2023-01-29T13:07:26+01:00"
    e, n = lonlat_to_sweref(14.975696, 58.035518)
    assert first.geometry is not None
    assert (first.geometry.x, first.geometry.y) == pytest.approx((e, n), abs=0.01)
    assert [e.kommunkod for e in events] == ["0687", "0604", None]
    assert [e.is_summary for e in events] == [False, False, True]


def test_the_shipped_csv_format_is_read() -> None:
    events = parse_events_csv(CSV_HEADER + CSV_ROW)
    assert len(events) == 1
    event = events[0]
    assert (event.id, event.type, event.kommunkod, event.location_name) == (
        "1",
        "Brand",
        "0604",
        "Aneby",
    )
    assert event.url == "https://polisen.se/x/"


def test_the_reader_is_chosen_by_the_first_character() -> None:
    assert len(parse_events_bytes(json.dumps(API_EVENTS).encode(), "a.json")) == 3
    assert len(parse_events_bytes(("\ufeff" + CSV_HEADER + CSV_ROW).encode(), "a.csv")) == 1


def test_a_broken_json_event_is_named_by_its_number_and_id() -> None:
    broken = [API_EVENTS[0], {**API_EVENTS[1], "datetime": "igår"}, {**API_EVENTS[2], "id": ""}]
    with pytest.raises(ImportFileError) as error:
        parse_events_json(json.dumps(broken), "handelser.json")
    message = str(error.value)
    assert message.startswith("Händelsefilen handelser.json har fel; inget lästes in:")
    assert '- händelse nr 2 (id 500001): tiden "igår" går inte att läsa' in message
    assert "- händelse nr 3" in message and "id saknas" in message


def test_a_broken_csv_row_is_named_by_its_line() -> None:
    bad = CSV_ROW.replace("2023-03-17T15:05:08+01:00", "17 mars").replace("1,", "2,", 1)
    with pytest.raises(ImportFileError, match=r"rad 3 \(id 2\): tiden \"17 mars\""):
        parse_events_csv(CSV_HEADER + CSV_ROW + bad, "h.csv")


def test_a_csv_without_the_required_columns_says_which() -> None:
    with pytest.raises(ImportFileError, match="saknar kolumnerna event_id, datetime"):
        parse_events_csv("id,tid\n1,2\n")


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("[{", "rad 1, kolumn 3: ogiltig JSON"),
        ('{"events": []}', "ska vara en lista"),
        (
            '[{"id": 1, "datetime": "2023-01-29 13:07:26 +01:00", "type": "Brand", "name": "x",'
            ' "location": {"name": "Aneby", "gps": "91,14"}}]',
            "ligger utanför jorden",
        ),
    ],
)
def test_other_broken_json_is_refused_with_a_swedish_message(text: str, fragment: str) -> None:
    with pytest.raises(ImportFileError) as error:
        parse_events_json(text, "f.json")
    assert fragment in str(error.value) and "inget lästes in" in str(error.value)


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ImportFileError, match="inte UTF-8"):
        parse_events_bytes("händelse".encode("latin-1"), "f.csv")


# -- counting ---------------------------------------------------------------------------


def event(day: date, kind: str, hour: int = 12) -> PoliceEvent:
    when = datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)
    return PoliceEvent(f"{day}-{kind}-{hour}", when, kind, f"{kind}, Aneby", kommunkod="0604")


def test_type_by_month_has_every_month_of_the_period_and_a_total() -> None:
    period = Period(date(2023, 5, 30), date(2023, 8, 31), "x")
    events = [
        event(date(2023, 5, 29), "Brand"),  # before the period
        event(date(2023, 5, 30), "Brand"),
        event(date(2023, 7, 1), "Brand"),
        event(date(2023, 7, 2), "Trafikolycka"),
        event(date(2023, 7, 3), "Trafikolycka"),
        event(date(2023, 7, 4), "Trafikolycka"),
    ]
    table = type_by_month(events, period)
    assert list(table.columns) == ["2023-05", "2023-06", "2023-07", "2023-08", "Totalt"]
    assert list(table.index) == ["Trafikolycka", "Brand"]
    assert table.loc["Brand"].tolist() == [1, 0, 1, 0, 2]
    assert table.loc["Trafikolycka", "2023-07"] == 3


def test_type_by_month_without_events_is_an_empty_table_with_the_months() -> None:
    table = type_by_month([], Period(date(2024, 1, 1), date(2024, 2, 29), "x"))
    assert list(table.columns) == ["2024-01", "2024-02", "Totalt"] and table.empty


def test_neighbours_are_kommuner_within_the_distance_of_the_border() -> None:
    kommuner = [
        ("0001", "Mitten", box(0, 0, 10_000, 10_000)),
        ("0002", "Öster", box(10_000, 0, 20_000, 10_000)),  # touching
        ("0003", "Glapp", box(-11_500, 0, -1_500, 10_000)),  # 1.5 km gap (generalised)
        ("0004", "Långt bort", box(0, 30_000, 10_000, 40_000)),
    ]
    assert neighbours("0001", kommuner) == [("0003", "Glapp"), ("0002", "Öster")]
    assert neighbours("9999", kommuner) == []
