"""`lofteskartan init`: create or upgrade the database, load promises, base layers, demo.

Everything is read and validated before anything is written, and the writing is one
transaction, so a bad promise file leaves the database as it was. Running it twice
changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from geo.errors import PromiseFileError
from geo.followup.events import import_events, parse_events_bytes
from geo.installation.base_layers import shipped_layers
from geo.installation.demo import DEMO_KOMMUNKOD, load_demo
from geo.records.indicators import demo_indicators
from geo.records.models import Actor
from geo.records.promise import PromiseDocument
from geo.records.promise_file import load_promise_file, parse_promise_text
from geo.store import Session, Store
from geo.swedish import count

DEMO_MARKER = "demo_loaded"
DEMO_EVENTS = (
    Path(__file__).resolve().parents[2] / "data" / "events" / ("polisen_events_jonkopings_lan.csv")
)


def _promise_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every *.yaml in folders named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.exists():
            files.append(path)
        else:
            raise PromiseFileError(f"Löftesfilen {path} finns inte.")
    if not files:
        raise PromiseFileError("Inga löftesfiler hittades (*.yaml).")
    return files


def _save_documents(s: Session, docs: list[tuple[str, PromiseDocument, str]]) -> list[str]:
    """Store promise documents and the SCB base layers of their kommuner and län (if missing)."""
    lines: list[str] = []
    present = {layer.name for layer in s.base_layers()}
    for source_name, doc, text in docs:
        changed = s.save_promise_document(doc, source_name, text)
        verb = "lästes in" if changed else "är redan inläst"
        lines.append(f"Medborgarlöftet {doc.id} ({doc.kommun_name}) {verb}.")
        for layer, frame in shipped_layers(doc.kommunkod, doc.kommun_name):
            if layer.name in present:
                continue
            # pandas' JSON turns numpy scalars into plain JSON values.
            props = json.loads(frame.drop(columns="geometry").to_json(orient="records"))
            features = list(zip(props, frame.geometry, strict=True))
            s.replace_base_layer(layer, features)
            present.add(layer.name)
            lines.append(f'Baslagret "{layer.title}" lästes in ({len(features)} objekt).')
    return lines


def read_promise_upload(data: bytes, name: str) -> tuple[PromiseDocument, str]:
    """Check an uploaded promise file (UTF-8 YAML); returns the document and its text.

    Raises
    ------
    PromiseFileError
        Not UTF-8, or not a valid promise file (the message names the line and key).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PromiseFileError(
            f"{name}: filen är inte sparad som UTF-8. Spara den som UTF-8 och försök igen."
        ) from None
    return parse_promise_text(text, name), text


def save_promise_upload(store: Store, actor: Actor, name: str, text: str) -> list[str]:
    """Store one checked promise file (replacing the document with the same id).

    The kommun's boundary, its län's kommuner and its tätorter are added when missing.
    One transaction: nothing is written if anything fails. Administrators only.
    """
    doc = parse_promise_text(text, name)
    store.require_schema()
    with store.session(actor) as s:
        return _save_documents(s, [(name, doc, text)])


def initialise(
    store: Store,
    actor: Actor,
    paths: Iterable[Path],
    demo: bool = False,
    now: datetime | None = None,
) -> list[str]:
    """Create/upgrade the schema and load promise files, base layers and (optionally) the demo.

    The demo's example follow-on promise is for the year containing `now` (the clock when
    left out).

    Returns Swedish lines describing what was done.
    """
    docs: list[tuple[Path, PromiseDocument, str]] = []
    for file in _promise_files(paths):
        docs.append((file, load_promise_file(file), file.read_text(encoding="utf-8")))
    if demo and not any(d.kommunkod == DEMO_KOMMUNKOD for _, d, _ in docs):
        raise PromiseFileError("Exempeldata (--demo) kräver Anebys löftesfil (kommunkod 0604).")
    # Real police events for the lägesbild, read (and checked) before anything is written.
    demo_events = parse_events_bytes(DEMO_EVENTS.read_bytes(), DEMO_EVENTS.name) if demo else []

    lines = [store.create_or_upgrade()]
    with store.session(actor) as s:
        lines += _save_documents(s, [(file.name, doc, text) for file, doc, text in docs])
        if demo:
            if s.get_setting(DEMO_MARKER):
                lines.append("Exempeldata finns redan.")
            else:
                doc = next(d for _, d, _ in docs if d.kommunkod == DEMO_KOMMUNKOD)
                summary = load_demo(s, doc, now or datetime.now(UTC))
                s.set_setting(DEMO_MARKER, doc.id)
                lines.append(
                    f"Exempeldata lades till: {count(summary.places, 'plats', 'platser')}, "
                    f"{count(summary.activities, 'aktivitet', 'aktiviteter')}, "
                    f"{count(summary.planned, 'planerad', 'planerade')}, "
                    f"{count(summary.findings, 'iakttagelse', 'iakttagelser')} "
                    '(allt märkt "Exempel").'
                )
                if summary.follow_on is not None:
                    lines.append(
                        f"Exempellöftet {summary.follow_on.id} för innevarande år lades till "
                        "(påhittat, gjort med Nästa års löfte; inte Anebys verkliga löfte)."
                    )
                if not s.list_indicators(doc.kommunkod):
                    s.save_indicators(doc.kommunkod, demo_indicators(doc.kommunkod))
                    lines.append("Exempel på indikatorer (skolnärvaro, ANDT) lades till.")
                result = import_events(s, demo_events, DEMO_EVENTS.name)
                lines.append(f"Polisens händelser: {result.describe()}")
    return lines
