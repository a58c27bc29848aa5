"""`lofteskartan check FIL`: validate a promise file and print what it says, storing nothing."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `--help` must not import the store (issue 16)
    from geo.store import Store


def register_check(sub: argparse._SubParsersAction) -> None:
    """Add `check`."""
    p = sub.add_parser(
        "check",
        help="kontrollera en löftesfil och visa vad den säger (sparar inget)",
    )
    p.add_argument("file", metavar="FIL", help="löftesfilen (YAML, format 1 eller 2)")
    p.set_defaults(handler=_cmd_check)


def _cmd_check(args: argparse.Namespace, store: Store) -> int:
    # A PromiseFileError (every problem with its line and key) leaves through `main`: exit 2.
    from geo.records.promise_file import load_promise_file
    from geo.records.promise_summary import summary_lines

    doc = load_promise_file(args.file)
    print(f"Löftesfilen {args.file} är giltig.")
    print("\n".join(summary_lines(doc)))
    return 0
