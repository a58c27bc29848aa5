"""Löfteskartan's domain: medborgarlöften, places, activities and their follow-up.

Pure Python: nothing in this package imports streamlit or folium.
"""

from __future__ import annotations

__version__ = "0.1.0"
