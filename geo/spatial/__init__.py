"""Spatial helpers: coordinate systems, counting in cells, and what the map layers hold.

Metres are computed in SWEREF 99 TM (EPSG:3006) and only the map layer converts to WGS 84
(`crs`, `coords` for telling one from the other in imports). Counting points in squares or
hexagons (`aggregate`), where logged activities were (`locations`, `activity_groups`) and the
GeoJSON layers a map shows (`layers`) live here; the rules for which CRS a measurement uses and
how points are grouped for a map have their home here.
"""
