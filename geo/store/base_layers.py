"""Base layers (bakgrundslager) for the map: replaced whole, read by name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, insert, select

from geo.disclosure.access import Operation
from geo.progress_report import Progress
from geo.records.models import BaseLayer
from geo.store import schema as t
from geo.store.core import SessionCore
from geo.store.mapping import jsonable


class BaseLayers(SessionCore):
    """The session's methods for base layers and their features."""

    def replace_base_layer(
        self,
        layer: BaseLayer,
        features: Iterable[tuple[Mapping[str, Any], BaseGeometry]],
        progress: Progress | None = None,
    ) -> BaseLayer:
        """Store a base layer's features (EPSG:3006), replacing any layer of the same name;
        `progress` is told (written, all) as they are written (`_insert_in_steps`)."""
        self._require(Operation.ADMINISTER)
        old = self.conn.execute(
            select(t.base_layers).where(t.base_layers.c.name == layer.name)
        ).first()
        values = {
            "name": layer.name,
            "title": layer.title,
            "attribution": layer.attribution,
            "source": layer.source,
        }
        if old is not None:
            self.conn.execute(delete(t.base_features).where(t.base_features.c.layer_id == old.id))
            self._bump(t.base_layers, old.id, old.version, values)
            layer_id = old.id
        else:
            layer_id = self.conn.execute(
                insert(t.base_layers)
                .values(**values, **self._stamp(True))
                .returning(t.base_layers.c.id)
            ).scalar_one()
        rows = [
            {"layer_id": layer_id, "properties": jsonable(dict(p)), "geom": g} for p, g in features
        ]
        self._insert_in_steps(t.base_features, rows, progress)
        self._audit(
            "replace" if old else "create",
            "base_layers",
            layer_id,
            None,
            values | {"features": len(rows)},
        )
        return replace(layer, id=layer_id)

    def base_layers(self) -> list[BaseLayer]:
        """All base layers, by name."""
        rows = self.conn.execute(select(t.base_layers).order_by(t.base_layers.c.id))
        return [BaseLayer(r.name, r.title, r.attribution, r.source, r.id) for r in rows]

    def base_feature_count(self, layer_name: str) -> int:
        """How many features one base layer has."""
        query = (
            select(func.count())
            .select_from(t.base_features)
            .join(t.base_layers, t.base_layers.c.id == t.base_features.c.layer_id)
            .where(t.base_layers.c.name == layer_name)
        )
        return int(self.conn.scalar(query) or 0)

    def base_features(self, layer_name: str) -> list[tuple[dict[str, Any], BaseGeometry]]:
        """The features (properties, geometry in EPSG:3006) of one base layer."""
        query = (
            select(t.base_features.c.properties, t.base_features.c.geom)
            .join(t.base_layers, t.base_layers.c.id == t.base_features.c.layer_id)
            .where(t.base_layers.c.name == layer_name)
            .order_by(t.base_features.c.id)
        )
        return [(dict(r.properties), r.geom) for r in self.conn.execute(query)]

    def base_layer_stamp(self) -> tuple[tuple[str, int, int], ...]:
        """(name, id, version) of every base layer, cheap to read.

        It changes whenever a layer is added or replaced, so the app can keep the (large,
        slow to read) layers prepared for the map until then.
        """
        rows = self.conn.execute(
            select(t.base_layers.c.name, t.base_layers.c.id, t.base_layers.c.version).order_by(
                t.base_layers.c.id
            )
        )
        return tuple((r.name, r.id, r.version) for r in rows)
