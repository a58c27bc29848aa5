"""What every part of the `lofteskartan` command shares.

The command line is `geo.cli` (main, the parser, exit codes) plus one module per group of
commands (`geo.cli.admin`, `geo.cli.status`, `geo.cli.sites`, `geo.cli.imports`,
`geo.cli.export`). They all import from here, never from `geo.cli`, which imports them.
"""

from __future__ import annotations

import argparse
import getpass
import inspect
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from geo.errors import LofteskartanError, ValidationError
from geo.files.limits import MAX_WEEKS_AHEAD, check_date

# `lofteskartan --help` and a usage error need none of these: the records pull in shapely and
# the store SQLAlchemy (0.3 s of imports), so a command imports them when it runs.
if TYPE_CHECKING:
    from geo.records.models import Actor
    from geo.records.promise import PromiseDocument
    from geo.store import Store

REPO_ROOT = Path(__file__).resolve().parents[2]
PROMISE_DIR = REPO_ROOT / "data" / "promises"

# A command's handler runs it and returns the exit code; a registrar adds commands to a
# parser's subcommands (`sub.add_parser(...)` with `set_defaults(handler=...)`).
Handler = Callable[[argparse.Namespace, "Store"], int]
Registrar = Callable[[argparse._SubParsersAction], None]


class UsageError(LofteskartanError):
    """The command line itself is wrong."""


_ARGPARSE_SV = (
    ("the following arguments are required", "de här argumenten saknas"),
    ("unrecognized arguments", "okända argument"),
    ("invalid choice", "ogiltigt val"),
    ("choose from", "välj bland"),
    ("expected one argument", "väntade ett värde"),
    ("invalid int value", "inget heltal"),
    ("not allowed with argument", "går inte att ange tillsammans med"),
    ("argument", "argument"),
)


class _SwedishHelp(argparse.HelpFormatter):
    """argparse's help layout with a Swedish "användning:" for "usage:"."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "användning: " if prefix is None else prefix)


class SwedishParser(argparse.ArgumentParser):
    """argparse, but in Swedish: the help's headings and `-h`, and usage errors, which raise
    instead of exiting."""

    def __init__(self, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _SwedishHelp)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="visa den här hjälpen och avsluta",
            )

    def error(self, message: str) -> NoReturn:
        for english, swedish in _ARGPARSE_SV:
            message = message.replace(english, swedish)
        raise UsageError(f"{message}\nSe `{self.prog} --help`.")


def subcommands(
    parser: argparse.ArgumentParser, dest: str, metavar: str
) -> argparse._SubParsersAction:
    """The required subcommands of `parser` (`lofteskartan KOMMANDO`, `users ÅTGÄRD`), whose
    usage errors are Swedish too (`SwedishParser`)."""
    sub = parser.add_subparsers(dest=dest, metavar=metavar, parser_class=SwedishParser)
    sub.required = True
    return sub


def cli_actor() -> Actor:
    """Who runs the command: the operating-system user, as an administrator of the police.

    Whoever can run the command line on the database's machine is its operator and can read
    the database file anyway, so the command line has every right, sekretess included.
    """
    from geo.records.models import Actor

    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "okänd"
    return Actor(f"cli:{user}", role="admin", organisation="polis")


def iso_date(text: str) -> date:
    """A date option (--from, --to, --start, --today ...): ÅÅÅÅ-MM-DD, within the supported
    range (`geo.files.limits.check_date`): `--to 9999-12-31` overflowed deep inside the exports."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" är inget datum (skriv t.ex. 2024-03-05)'
        ) from None
    try:
        return check_date(day)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def weeks_ahead(text: str) -> int:
    """A number of weeks (--weeks): a whole number from 1 to `geo.files.limits.MAX_WEEKS_AHEAD`."""
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_WEEKS_AHEAD:
        raise argparse.ArgumentTypeError(
            f'"{text}" ska vara ett antal veckor från 1 till {MAX_WEEKS_AHEAD}'
        )
    return int(text)


DOCUMENT_HELP = "medborgarlöftets id (standard: det enda, eller det som gäller i dag)"


def add_document_option(p: argparse._ActionsContainer, help_text: str = DOCUMENT_HELP) -> None:
    """--document ID: which medborgarlöfte a command works on."""
    p.add_argument("--document", metavar="ID", help=help_text)


def chosen_document(
    store: Store, document_id: str | None, today: date | None = None, say: bool = True
) -> PromiseDocument:
    """The promise a command works on (`--document`, or geo's rule without it).

    The rule and its refusals (exit 2, listing the stored promises) are
    `geo.records.promise_choice.choose_document`. With `say`, the choice is said at once
    (`say_document`); a command that uses the promise only later says it then.
    """
    store.require_schema()
    with store.session(cli_actor()) as s:
        doc = s.promise_document(document_id, today)
    if say:
        say_document(doc)
    return doc


def say_document(doc: PromiseDocument) -> None:
    """Tell the user which promise the command used, on stderr (`--json` keeps stdout clean)."""
    from geo.records.promise_choice import document_label

    print(f"Medborgarlöfte: {document_label(doc)}", file=sys.stderr)


def add_command(
    group: argparse._SubParsersAction,
    name: str,
    handler: Handler,
    help_text: str | None = None,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add the command `name` to `group`, run by `handler`; the caller adds its arguments.

    Without `help_text` the help is the handler's docstring, in Swedish since the user reads
    it: its first paragraph is the line in the command list, the rest the command's own
    `--help` description. The text a user is shown then stands at the code it describes.
    """
    if help_text is None:
        first, _, rest = inspect.cleandoc(handler.__doc__ or "").partition("\n\n")
        help_text, description = " ".join(first.split()), " ".join(rest.split()) or None
    p: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=description)
    p.set_defaults(handler=handler)
    return p


PLACES_DOCUMENT_HELP = (
    "löftet vars kommuns platser kommandot gäller (behövs när databasen har löften för flera "
    "kommuner); en ny plats inom en lagrad kommungräns hör till den kommunen"
)


def places_kommun(store: Store, document_id: str | None) -> str | None:
    """The kommun a places command works on: `--document`'s, or None with one kommun stored.

    With promises of several kommuner and no `--document` the promise is chosen as for any
    command (`chosen_document`: the one in force today, else exit 2 listing them).
    """
    store.require_schema()
    with store.session(cli_actor()) as s:
        several = len({d.kommunkod for d in s.promise_documents()}) > 1
    if document_id is None and not several:
        return None
    return chosen_document(store, document_id).kommunkod
