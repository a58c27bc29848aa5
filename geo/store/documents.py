"""Medborgarlöften in the store: the signed documents, their commitments and source files."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, insert, select

from geo.disclosure import access
from geo.disclosure.access import Operation
from geo.errors import NotFoundError, PromiseFileError
from geo.records.promise import PromiseDocument
from geo.records.promise_choice import choose_document
from geo.store import schema as t
from geo.store.core import SessionCore, assign_unassigned, now
from geo.store.places import adopt_places
from geo.swedish import count


class PromiseDocuments(SessionCore):
    """The session's methods for promise documents (medborgarlöften) and their commitments."""

    def save_promise_document(
        self, doc: PromiseDocument, source_name: str, source_text: str
    ) -> bool:
        """Store (or replace) a promise document from its file. Returns True if anything changed.

        Administrators, and planners of a signing organisation (`access.may_edit_promise`).
        """
        self._require(Operation.PLAN)  # at least a planner; which ones, the line below says
        access.require_edit_promise(self.actor, doc)
        self._promise_being_saved = doc
        try:
            return self._save_promise_document(doc, source_name, source_text)
        finally:
            self._promise_being_saved = None

    def _save_promise_document(
        self, doc: PromiseDocument, source_name: str, source_text: str
    ) -> bool:
        """`save_promise_document` once the actor may store `doc`."""
        row = self.conn.execute(
            select(t.promise_documents).where(t.promise_documents.c.id == doc.id)
        ).first()
        if row is not None and row.source_text == source_text:
            return False
        if row is not None:
            self._refuse_dropping_used_commitments(doc)
        values = {
            "title": doc.title,
            "kommunkod": doc.kommunkod,
            "kommun_name": doc.kommun_name,
            "signed_on": doc.signed_on,
            "period_start": doc.period_start,
            "period_end": doc.period_end,
            "source_name": source_name,
            "source_text": source_text,
        }
        if row is None:
            self.conn.execute(
                insert(t.promise_documents).values(id=doc.id, **values, **self._stamp(True))
            )
            self._audit("create", "promise_documents", doc.id, None, values)
            # Records logged before any promise was stored are this one's when it is the only.
            assigned = assign_unassigned(self.conn)
            if assigned:
                self._audit(
                    "assign", "activities", None, None, {"document_id": doc.id, "rows": assigned}
                )
        else:
            self._bump(t.promise_documents, doc.id, row.version, values)  # type: ignore[arg-type]
            self._audit(
                "update", "promise_documents", doc.id, {"source_text": row.source_text}, values
            )
        self.conn.execute(delete(t.commitments).where(t.commitments.c.document_id == doc.id))
        for position, c in enumerate(doc.commitments):
            self.conn.execute(
                insert(t.commitments).values(
                    document_id=doc.id,
                    id=c.id,
                    promise_id=c.promise_id,
                    kind=c.kind.value,
                    responsible=c.responsible.value,
                    text=c.text,
                    position=position,
                    target_rule=c.target.rule.value if c.target else None,
                    target_count=c.target.count if c.target else None,
                )
            )
        # Places made before any promise was stored now get a kommun.
        adopt_places(self.conn)
        return True

    def _refuse_dropping_used_commitments(self, doc: PromiseDocument) -> None:
        """A new version of a document may not lose a commitment that work is recorded against.

        Activities, plans and rules count toward the commitment they name, or, naming none,
        toward the document's single commitment of their kind (geo/records/progress.py). A new
        version without that commitment would make them vanish from the follow-up.
        """
        old = self.promise_document(doc.id)
        kept = {c.id for c in doc.commitments}
        for commitment in old.commitments:
            if commitment.id in kept:
                continue
            counts = self._recorded_against(doc.id, commitment.id)
            if counts:
                raise PromiseFileError(
                    f'Den nya versionen av {doc.id} saknar aktiviteten "{commitment.id}", som '
                    f"har {counts}. Behåll aktiviteten med samma id i filen, så går inget "
                    "förlorat. Inget sparades."
                )
        for kind in {c.kind for c in old.commitments}:
            before = [c for c in old.commitments if c.kind == kind]
            after = [c for c in doc.commitments if c.kind == kind]
            if len(before) != 1 or len(after) == 1:
                continue
            counts = self._recorded_against(doc.id, None, kind.value)
            if counts:
                raise PromiseFileError(
                    f"{counts} av typen {kind.value} räknas i dag till aktiviteten "
                    f'"{before[0].id}" utan att ange den. Den nya versionen av {doc.id} har '
                    f"{count(len(after), 'aktivitet', 'aktiviteter')} av den typen, så de "
                    f"skulle inte räknas längre. "
                    "Behåll en aktivitet av typen med samma id. Inget sparades."
                )

    def _recorded_against(
        self, document_id: str, commitment_id: str | None, kind: str | None = None
    ) -> str:
        """ "3 genomförda, 1 planerad"-style counts of rows for one commitment (or kind)."""
        parts = []
        for one, many, table in (
            ("genomförd", "genomförda", t.activities),
            ("planerad", "planerade", t.planned_activities),
            ("återkommande regel", "återkommande regler", t.recurrence_rules),
        ):
            query = (
                select(func.count()).select_from(table).where(table.c.document_id == document_id)
            )
            if commitment_id is None:
                query = query.where(table.c.commitment_id.is_(None)).where(table.c.kind == kind)
            else:
                query = query.where(table.c.commitment_id == commitment_id)
            n = int(self.conn.scalar(query) or 0)
            if n:
                parts.append(count(n, one, many))
        return ", ".join(parts)

    def promise_documents(self) -> list[PromiseDocument]:
        """The documents the actor may work on (`access.may_work_on`), newest signing first.

        A bare organisation `kommun` is refused once two kommuner are stored.
        """
        return self._documents_to_work_on()

    def require_named_organisation(self) -> None:
        """Refuse a signed-in user whose organisation is a bare `kommun` or `polis` once
        promises of two kommuner are stored (`access.require_named_organisation`)."""
        access.require_named_organisation(
            self.actor, self._stored_documents(), set(access.OrganisationKind)
        )

    def promise_source(self, document_id: str) -> tuple[str, str]:
        """The file name and text a document was read from (to download, edit, upload again)."""
        row = self.conn.execute(
            select(t.promise_documents.c.source_name, t.promise_documents.c.source_text).where(
                t.promise_documents.c.id == document_id
            )
        ).first()
        if row is None:
            raise NotFoundError(f'Inget medborgarlöfte har id "{document_id}".')
        return str(row.source_name), str(row.source_text)

    def promise_document(
        self, document_id: str | None = None, today: date | None = None
    ) -> PromiseDocument:
        """One document by id; without one, the only one or the one in force `today`.

        The rule (and its Swedish refusals) is `geo.records.promise_choice.choose_document`,
        among the documents the actor may work on; `today` defaults to today in Stockholm.

        Raises
        ------
        PermissionDenied
            `document_id` is a promise of a kommun or police area the actor does not work on
            (`access.require_work_on`), or the actor's organisation is a bare `kommun` and two
            kommuner are stored.
        """
        day = today if today is not None else now().date()
        return choose_document(self._documents_to_work_on(document_id), document_id, day)
