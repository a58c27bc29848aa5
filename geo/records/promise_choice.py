"""Which medborgarlöfte a command works on when the user does not name one.

One database may hold many promises (several kommuner, one per year or two). A command that
acts on one promise must never guess silently: with one promise stored it is that one; with
several, the one whose period contains today if exactly one does; otherwise the user names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from geo.errors import AmbiguousChoiceError, NotFoundError
from geo.records.promise import PromiseDocument


def document_label(doc: PromiseDocument) -> str:
    """How a promise is named: `aneby-2023-2024 (Aneby kommun, 2023-05-30–2024-05-29)`."""
    return f"{doc.id} ({doc.kommun_name}, {doc.period_start}–{doc.period_end})"


def choose_document(
    docs: Sequence[PromiseDocument], document_id: str | None, today: date
) -> PromiseDocument:
    """The promise a command works on: the one named, else the only one, else today's.

    Parameters
    ----------
    docs : every stored promise document.
    document_id : the id the user gave (`--document`), or None.
    today : the day whose promise is meant when several are stored and none is named.

    Raises
    ------
    NotFoundError
        No promise is stored, or none has `document_id`; the message lists the stored ones.
    AmbiguousChoiceError
        No id was given, several promises are stored, and not exactly one of them has a
        period containing `today`; the message lists them and asks for `--document ID`.
    """
    if not docs:
        raise NotFoundError("Inget medborgarlöfte är inläst. Kör `lofteskartan init`.")
    if document_id is not None:
        for doc in docs:
            if doc.id == document_id:
                return doc
        raise NotFoundError(f'Inget medborgarlöfte har id "{document_id}". ' + _stored_list(docs))
    if len(docs) == 1:
        return docs[0]
    current = [d for d in docs if d.period_start <= today <= d.period_end]
    if len(current) == 1:
        return current[0]
    if current:
        why = f"{len(current)} av dem gäller i dag ({today})"
    else:
        why = f"inget av dem gäller i dag ({today})"
    raise AmbiguousChoiceError(
        f"Databasen har {len(docs)} medborgarlöften och {why}, så det går inte att veta "
        "vilket som menas. " + _stored_list(docs)
    )


def _stored_list(docs: Sequence[PromiseDocument]) -> str:
    """The stored promises, one a line, and how to name one."""
    lines = "\n".join(f"  {document_label(d)}" for d in docs)
    return f"Ange ett av dem med --document ID:\n{lines}"
