"""One compiled Jinja template per source text, for every map the server draws.

branca and folium compile a template from its source text each time an element is made or
rendered (every layer's "add to map" snippet, every tooltip's style). Karta's map has about
30 layers, so each run compiled some 160 templates from the same few texts: 0.4–0.5 s of a
Karta run (cProfile; benchmarks/README.md). A compiled template is immutable and renders the
same for the same source and arguments, so one copy per text serves every map and session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import branca.element
import folium.features
import jinja2
from folium.template import Template as FoliumTemplate

_DONE = "_lofteskartan_templates_once"


def _compiled_once(cls: type[jinja2.Template]) -> Callable[..., jinja2.Template]:
    """`cls(source)`, compiled once per source text (other arguments: compiled each time)."""

    @lru_cache(maxsize=512)
    def compiled(source: str) -> jinja2.Template:
        return cls(source)

    def template(source: Any, *args: Any, **kwargs: Any) -> jinja2.Template:
        if args or kwargs or not isinstance(source, str):
            return cls(source, *args, **kwargs)
        return compiled(source)

    return template


def compile_templates_once() -> None:
    """Make branca's elements and folium's tooltips reuse compiled templates (idempotent)."""
    if getattr(branca.element, _DONE, False):
        return
    # Both modules look the name up when an element is made: only those calls change.
    branca.element.Template = _compiled_once(jinja2.Template)
    folium.features.Template = _compiled_once(FoliumTemplate)
    setattr(branca.element, _DONE, True)
