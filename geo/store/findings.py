"""Findings (iakttagelser) from safety walks, with their photos."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, insert, select

from geo.disclosure.access import Operation
from geo.errors import NotFoundError
from geo.files.photos import Photo
from geo.records.models import Finding
from geo.store import schema as t
from geo.store.core import SessionCore, chunked, now
from geo.store.mapping import FINDING_ROWS, HAS_PHOTO, photo_from_row


class Findings(SessionCore):
    """The session's methods for findings and their photos."""

    def add_finding(self, finding: Finding) -> Finding:
        """Record a finding from a safety walk (classified at least as the walk)."""
        finding = self._as_strict_as_walk(finding)
        self._require(Operation.PLAN, finding.classification)
        return self._add_record(finding, t.findings, FINDING_ROWS.values(finding))

    def list_findings(
        self, activity_id: int | None = None, document_id: str | None = None
    ) -> list[Finding]:
        """Findings, oldest first; optionally of one safety walk, or of the walks of one
        promise document."""
        query = select(t.findings, HAS_PHOTO).order_by(t.findings.c.id)
        if activity_id is not None:
            query = query.where(t.findings.c.activity_id == activity_id)
        query = self._hide_secret(self._of_document(query, t.findings, document_id), t.findings)
        return [FINDING_ROWS.from_row(r) for r in self.conn.execute(query)]

    def get_finding(self, finding_id: int) -> Finding:
        """The finding with this id."""
        missing = f"Iakttagelsen {finding_id} finns inte."
        row = self._visible_row(t.findings, finding_id, missing, HAS_PHOTO)
        return FINDING_ROWS.from_row(row)

    def update_finding(self, finding: Finding) -> Finding:
        """Save a finding's new status, action, owner or due date (optimistic version check)."""
        finding = self._as_strict_as_walk(finding)
        self._require(Operation.PLAN, finding.classification)
        unsaved = "Iakttagelsen är inte sparad än."
        return self._save_changes(
            finding, t.findings, FINDING_ROWS.values, self.get_finding, unsaved
        )

    def _photo_row(self, finding_id: int) -> Any:
        """The stored photo row of a finding (no visibility check), or None."""
        return self.conn.execute(
            select(t.finding_photos).where(t.finding_photos.c.finding_id == finding_id)
        ).first()

    def _writable_finding(self, finding: Finding) -> Finding:
        """The stored finding, if the actor may see it (sekretess: "finns inte") and change it."""
        if finding.id is None:
            raise NotFoundError("Iakttagelsen är inte sparad än.")
        stored = self.get_finding(finding.id)
        self._require(Operation.PLAN, stored.classification)
        return stored

    def set_finding_photo(self, finding: Finding, photo: Photo) -> Finding:
        """Attach a cleaned photo to a finding, replacing any photo it had.

        `photo` must come from `geo.files.photos.clean_photo` (metadata already removed). The
        finding's version is checked and bumped like any change; the audit log records that
        a photo was added or replaced (size and SHA-256), never the bytes.
        """
        self._require(Operation.PLAN)
        self._writable_finding(finding)
        assert finding.id is not None
        old = self._photo_row(finding.id)
        self._bump(t.findings, finding.id, finding.version, {})
        self.conn.execute(
            delete(t.finding_photos).where(t.finding_photos.c.finding_id == finding.id)
        )
        self.conn.execute(
            insert(t.finding_photos).values(
                finding_id=finding.id,
                media_type=photo.media_type,
                width=photo.width,
                height=photo.height,
                sha256=photo.sha256,
                data=photo.data,
                thumbnail=photo.thumbnail,
                created_at=now(),
                created_by=self.actor.username,
            )
        )
        before = None if old is None else photo_from_row(old).audit_values()
        action = "photo_added" if old is None else "photo_replaced"
        self._audit(action, "findings", finding.id, before, photo.audit_values())
        return replace(finding, version=finding.version + 1, has_photo=True)

    def remove_finding_photo(self, finding: Finding) -> Finding:
        """Remove a finding's photo (version-checked; the audit log records the removal)."""
        self._require(Operation.PLAN)
        self._writable_finding(finding)
        assert finding.id is not None
        old = self._photo_row(finding.id)
        if old is None:
            raise NotFoundError(f"Iakttagelsen {finding.id} har inget foto.")
        self._bump(t.findings, finding.id, finding.version, {})
        self.conn.execute(
            delete(t.finding_photos).where(t.finding_photos.c.finding_id == finding.id)
        )
        self._audit(
            "photo_removed", "findings", finding.id, photo_from_row(old).audit_values(), None
        )
        return replace(finding, version=finding.version + 1, has_photo=False)

    def finding_photo(self, finding_id: int) -> Photo | None:
        """A finding's photo, or None; a sekretess finding's only for those who may see it."""
        self.get_finding(finding_id)  # NotFoundError for a finding the actor may not see
        row = self._photo_row(finding_id)
        return None if row is None else photo_from_row(row)

    def finding_thumbnails(self, finding_ids: Iterable[int]) -> dict[int, bytes]:
        """Thumbnails (JPEG) of those of these findings that have a photo the actor may see."""
        photos, findings = t.finding_photos, t.findings
        thumbnails: dict[int, bytes] = {}
        for chunk in chunked(finding_ids):
            query = (
                select(photos.c.finding_id, photos.c.thumbnail)
                .join(findings, findings.c.id == photos.c.finding_id)
                .where(photos.c.finding_id.in_(chunk))
            )
            for finding_id, thumbnail in self.conn.execute(self._hide_secret(query, findings)):
                thumbnails[finding_id] = bytes(thumbnail)
        return thumbnails
