"""`lofteskartan suggest-sites` (issue 7): traffic control sites that cover the most demand.

With --weeks also a rotation of those sites over the weeks, which --save puts in the planning.
"""

from __future__ import annotations

import argparse
import json
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.cli import common

if TYPE_CHECKING:
    from geo.store import Store  # at run time only in `geo.cli.main`: keeps `--help` fast


def _metres(text: str) -> float:
    """A distance in metres; decimal comma allowed ("12,5")."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" är inget antal meter') from None


def _weighted(text: str) -> tuple[str, float]:
    """NAME or NAME:VIKT (a layer or file with its weight, e.g. olyckor.csv:2)."""
    name, sep, weight = text.rpartition(":")
    if sep and name and not Path(text).exists():
        try:
            return name, float(weight.replace(",", "."))
        except ValueError:
            pass
    return text, 1.0


def _weekday(text: str) -> int:
    """måndag … söndag (the first three letters are enough)."""
    from geo.swedish import WEEKDAYS

    for i, day in enumerate(WEEKDAYS):
        if len(text) >= 3 and day.startswith(text.strip().lower()):
            return i
    raise argparse.ArgumentTypeError(f'"{text}" är ingen veckodag (skriv t.ex. onsdag)')


def _clock(text: str) -> time:
    """HH:MM."""
    try:
        return time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" är ingen tid (skriv t.ex. 07:00)') from None


def register_suggest_sites(sub: argparse._SubParsersAction) -> None:
    """Add `suggest-sites`."""
    p = common.add_command(sub, "suggest-sites", _cmd_suggest_sites)
    p.add_argument("--k", type=int, required=True, metavar="K", help="högst så många platser")
    p.add_argument(
        "--radius", type=_metres, required=True, metavar="METER", help="täckningsradie i meter"
    )
    p.add_argument(
        "--candidates",
        action="append",
        type=Path,
        default=[],
        metavar="FIL",
        help="kandidater ur fil (CSV/GeoPackage/GeoJSON): punkter, eller vägar (linjer) som "
        "blir en punkt var --spacing meter",
    )
    p.add_argument(
        "--road-layer",
        metavar="NAMN",
        help="baslager med vägar (linjer) att lägga kandidater längs",
    )
    p.add_argument(
        "--spacing",
        type=_metres,
        default=250.0,
        metavar="METER",
        help="avstånd mellan kandidater längs vägar (standard 250)",
    )
    p.add_argument(
        "--no-sites", action="store_true", help="ta inte med de lagrade trafikkontrollplatserna"
    )
    p.add_argument(
        "--demand",
        action="append",
        type=_weighted,
        default=[],
        metavar="FIL[:VIKT]",
        help="efterfrågan ur fil; varje punkts vikt är dess kolumn vikt (1 om den saknas), "
        "gånger VIKT för hela filen",
    )
    p.add_argument(
        "--layer",
        action="append",
        type=_weighted,
        default=[],
        metavar="LAGER[:VIKT]",
        help="efterfrågan ur databasen: overtradelser (tidigare trafikkontroller, viktade med "
        "antal överträdelser) eller centrum (centrumområdena)",
    )
    p.add_argument("--json", action="store_true", help="skriv JSON i stället för text")
    rot = p.add_argument_group("rotation")
    rot.add_argument("--weeks", type=int, metavar="N", help="gör en rotationsplan för N veckor")
    rot.add_argument(
        "--min-gap",
        type=int,
        default=1,
        metavar="M",
        help="veckor en plats vilar innan den används igen (standard 1: aldrig två veckor i rad)",
    )
    rot.add_argument("--seed", type=int, metavar="S", help="frö för samma plan igen")
    rot.add_argument("--per-week", type=int, default=1, metavar="P", help="platser per vecka")
    rot.add_argument(
        "--start",
        type=common.iso_date,
        metavar="DATUM",
        help="första veckans måndag (standard: nästa)",
    )
    rot.add_argument(
        "--save",
        action="store_true",
        help="lägg in rotationen i planeringen som planerade trafikkontroller",
    )
    rot.add_argument(
        "--day",
        type=_weekday,
        default=2,
        metavar="DAG",
        help="veckodag för kontrollen (standard onsdag)",
    )
    rot.add_argument(
        "--time", type=_clock, default=time(7, 0), metavar="HH:MM", help="starttid (standard 07:00)"
    )
    rot.add_argument(
        "--hours", type=_metres, default=2.0, metavar="TIMMAR", help="längd i timmar (standard 2)"
    )
    common.add_document_option(
        rot,
        "medborgarlöftet vars överträdelser räknas och som --save planerar för "
        "(standard: det enda, eller det som gäller i dag)",
    )


def _cmd_suggest_sites(args: argparse.Namespace, store: Store) -> int:
    """föreslå trafikkontrollplatser som tillsammans täcker mest av efterfrågan

    Väljer högst K platser bland kandidaterna så att så mycket som möjligt av den viktade
    efterfrågan ligger inom RADIE meter från en vald plats (exakt lösning). Kandidater:
    lagrade trafikkontrollplatser, --candidates och --road-layer. Efterfrågan: --demand och
    --layer; utan dem lagren overtradelser och centrum.
    """
    from geo.files.siting_io import read_candidates, read_demand
    from geo.planning import siting
    from geo.planning import siting_inputs as inputs
    from geo.planning.rotation import monday_after, new_seed
    from geo.planning.siting_use_case import (
        NoCandidatesError,
        Rotation,
        SitingRequest,
        UnknownLayerError,
        rotate,
        save_rotation_plan,
        suggest,
    )
    from geo.swedish import today

    siting.check_k_and_radius(args.k, args.radius)
    if args.weeks is None and (args.save or args.seed is not None or args.start):
        raise common.UsageError(
            "--seed, --start och --save gäller rotationen: ange också --weeks N."
        )
    # Read and check every file before touching the database.
    file_candidates = [read_candidates(path, spacing=args.spacing) for path in args.candidates]
    file_layers = [read_demand(Path(name), layer_weight=w) for name, w in args.demand]
    store_layer_names = list(args.layer)
    if not args.demand and not args.layer:
        store_layer_names = [(inputs.VIOLATIONS_LAYER, 1.0), (inputs.CENTRAL_AREAS_LAYER, 1.0)]
    # The promise whose logged violations are demand, and under which --save plans.
    needs_promise = args.save or bool(store_layer_names)
    save_under = common.chosen_document(store, args.document, say=False) if needs_promise else None
    request = SitingRequest(
        k=args.k,
        radius=args.radius,
        use_stored_sites=not args.no_sites,
        road_layer=args.road_layer,
        spacing=args.spacing,
        file_candidates=file_candidates,
        store_layers=store_layer_names,
        layers=file_layers,
        save=args.save,
        save_document=None if save_under is None else save_under.id,
        kommunkod=None if save_under is None else save_under.kommunkod,
    )
    try:
        suggestion = suggest(store, common.cli_actor(), request)
    except UnknownLayerError as exc:
        raise common.UsageError(str(exc)) from None
    except NoCandidatesError:
        raise common.UsageError(
            "Det finns inga kandidatplatser: lägg in trafikkontrollplatser, eller ange "
            "--candidates FIL eller --road-layer NAMN."
        ) from None
    if save_under is not None and not args.save:
        common.say_document(save_under)
    result = suggestion.result
    plan = None
    if args.weeks is not None:
        seed = new_seed() if args.seed is None else args.seed
        start = args.start or monday_after(today())
        plan = rotate(result, Rotation(args.weeks, args.min_gap, seed, start, args.per_week))
    saved = 0
    if plan is not None and args.save:
        if save_under is not None:
            common.say_document(save_under)
        saved = save_rotation_plan(
            store, common.cli_actor(), plan, suggestion.document_id, args.day, args.time, args.hours
        )

    if args.json:
        print(json.dumps(_siting_json(result, plan, saved), ensure_ascii=False, indent=2))
        return 0
    _print_siting(result, plan, saved, seed_given=args.seed is not None)
    return 0


def _siting_json(result: Any, plan: Any, saved: int) -> dict[str, Any]:
    from geo.planning.siting import result_rows

    out: dict[str, Any] = {
        "k": result.k,
        "radius_m": result.radius,
        "candidates": len(result.candidates),
        "total_weight": round(result.total_weight, 6),
        "covered_weight": round(result.covered_weight, 6),
        "covered_share": None if result.covered_share is None else round(result.covered_share, 6),
        "reachable_weight": round(result.reachable_weight, 6),
        "layers": [
            {
                "name": layer.name,
                "points": len(layer),
                "weight": round(float(layer.effective_weights.sum()), 6),
            }
            for layer in result.layers
        ],
        "sites": result_rows(result),
    }
    if plan is not None:
        out["rotation"] = {
            "seed": plan.seed,
            "min_gap": plan.min_gap,
            "per_week": plan.per_week,
            "weeks": [
                {
                    "week": w.number,
                    "monday": w.monday.isoformat(),
                    "sites": [
                        {"key": c.key, "name": c.name, "place_id": c.place_id} for c in w.sites
                    ],
                }
                for w in plan.weeks
            ],
            "saved": saved,
        }
    return out


def _print_siting(result: Any, plan: Any, saved: int, seed_given: bool) -> None:
    from geo.planning.siting import format_number, format_share
    from geo.swedish import count

    radius = format_number(result.radius)
    print(
        f"Förslag: {len(result.chosen)} av högst {result.k} kontrollplatser, radie {radius} m, "
        f"{len(result.candidates)} kandidater"
    )
    if result.total_weight <= 0:
        print("Ingen efterfrågan att täcka (total vikt 0): inga platser föreslås.")
    else:
        print(
            f"Täckt efterfrågan: {format_share(result.covered_share)} "
            f"({format_number(result.covered_weight)} av {format_number(result.total_weight)} "
            "i vikt)"
        )
    if 0 < len(result.chosen) < result.k:
        print(
            f"Fler än {count(len(result.chosen), 'plats', 'platser')} skulle inte täcka något mer "
            f"(inom räckhåll: {format_number(result.reachable_weight)})."
        )
    if result.chosen:
        print(f"{'Nr':>3}  {'Plats':<36} {'Täcker':>8} {'Bara den':>9}  Varför")
        for site in result.chosen:
            name = site.candidate.name
            name = name if len(name) <= 36 else name[:35] + "…"
            print(
                f"{site.rank:>3}  {name:<36} {format_number(site.covered_weight):>8} "
                f"{format_number(site.unique_weight):>9}  {site.reason}"
            )
    if plan is None:
        return
    weeks = "vecka" if plan.min_gap == 1 else "veckor"
    print(
        f"\nRotation {len(plan.weeks)} veckor från {plan.weeks[0].monday} (vila {plan.min_gap} "
        f"{weeks}, {plan.per_week} per vecka, frö {plan.seed}):"
    )
    for w in plan.weeks:
        week = f"v.{w.monday.isocalendar().week}"
        print(f"{w.number:>3}. {week:<5} {w.monday}: {', '.join(c.name for c in w.sites)}")
    if not seed_given:
        print(f"Samma plan igen: --seed {plan.seed}")
    if saved:
        print(
            f"{count(saved, 'planerad trafikkontroll', 'planerade trafikkontroller')} lades in i "
            f"planeringen (frö {plan.seed})."
        )
