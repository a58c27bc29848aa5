"""No call site in app.py, pages/ or ui/ can put unescaped text where Streamlit renders Markdown.

Streamlit renders Markdown in most elements that show a string (see `ui/text.py`). This
test reads the source of every page and ui module and checks each argument that Streamlit
renders as Markdown: it must be literal text, or every value put into it must go through
`ui.text.plain()` (or be a number: `len()`, a format spec such as `:%Y-%m-%d`, or
`geo.swedish.number`), or be one of our own words (an UPPER_CASE constant, an enum's
`.label`). Anything else (a name, `str(exc)`, `place.name`, a `describe()`) is reported
with its file and line, so a new call site cannot forget the escape.

It also keeps `st.dataframe` behind `ui.text.show_table`, which neutralises spreadsheet
formulas for Streamlit's own "Download as CSV".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.common import REPO_ROOT

SOURCES = sorted([REPO_ROOT / "app.py", *REPO_ROOT.glob("pages/*.py"), *REPO_ROOT.glob("ui/*.py")])

# Element or widget name -> positions of the arguments it renders as Markdown ("*": all).
_BODY = (0,)
SINKS: dict[str, tuple[int, ...] | str] = {
    **dict.fromkeys(("markdown", "caption", "info", "warning", "success", "error", "toast"), _BODY),
    **dict.fromkeys(("title", "header", "subheader", "expander", "popover", "tabs"), _BODY),
    "write": "*",
    "metric": (0, 1, 2),
    "progress": (1,),
    "image": (),  # its caption= only
    **dict.fromkeys(
        WIDGETS := (
            "button",
            "checkbox",
            "toggle",
            "text_input",
            "number_input",
            "text_area",
            "selectbox",
            "multiselect",
            "radio",
            "date_input",
            "time_input",
            "file_uploader",
            "download_button",
            "form_submit_button",
            "segmented_control",
            "pills",
            "slider",
            "select_slider",
            "camera_input",
            "link_button",
            "color_picker",
        ),
        _BODY,
    ),
}
# Keyword arguments rendered as Markdown, on any of the sinks above.
MARKDOWN_KEYWORDS = {"body", "label", "help", "caption", "text", "value", "delta"}
# `value=` is Markdown only on st.metric; elsewhere it is what a widget holds.
VALUE_KEYWORDS_ONLY_ON = {"value": {"metric"}, "delta": {"metric"}, "text": {"progress"}}
# Widgets whose options are drawn as Markdown, so their format_func must be safe too.
MARKDOWN_OPTIONS = {"radio", "segmented_control", "pills"}
# The escapes: plain() anywhere; plain_label() only as a widget's label, where Streamlit
# escapes block syntax itself (and the label's source becomes the input's aria-label).
BODY_ESCAPES = frozenset({"plain"})
LABEL_ESCAPES = frozenset({"plain", "plain_label"})
# Calls whose result is a number, a date or our own words.
SAFE_CALLS = {
    "len",
    "int",
    "round",
    # Our number and date formatters (geo.swedish, geo.planning.siting,
    # geo.planning.schedule): digits, dates and Swedish words of our own.
    "number",
    "format_number",
    "format_share",
    "week_label",
    "short_when",
    # "1 genomförd", "60 genomförda" (ui.views): a count and our own word.
    "done_text",
}
# Attributes that are our own words (enum labels and values: CommitmentKind.label,
# Period.label, PlanStatus.value ...).
SAFE_ATTRIBUTES = {"label", "value"}


def _is_constant_name(node: ast.expr) -> bool:
    """An UPPER_CASE module constant: our own text (RULE_TEXT, HOW_TO_DRAW)."""
    return isinstance(node, ast.Name) and node.id.isupper()


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


class Names:
    """What each local name in a module is bound to, to follow `label = "..."` to its value.

    A name is safe when every binding of it in the module is a safe expression, or a loop
    over an UPPER_CASE constant (our own texts); a parameter or any other binding is not.
    """

    def __init__(self, tree: ast.AST) -> None:
        self.bindings: dict[str, list[ast.expr | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in self._names(target):
                        self.bindings.setdefault(name, []).append(node.value)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
                for name in self._names(node.target):
                    self.bindings.setdefault(name, []).append(None)
            elif isinstance(node, ast.For | ast.comprehension):
                ours = self._over_constant(node.iter)
                for name in self._names(node.target):
                    self.bindings.setdefault(name, []).append(ast.Constant("") if ours else None)
            elif isinstance(node, ast.arg):
                self.bindings.setdefault(node.arg, []).append(None)
        self._checking: set[str] = set()

    @staticmethod
    def _names(target: ast.AST) -> list[str]:
        return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]

    @staticmethod
    def _over_constant(it: ast.expr) -> bool:
        """A loop over our own constants: UPPER, enumerate(UPPER) or zip(UPPER, UPPER)."""
        if isinstance(it, ast.Call) and _call_name(it) in ("enumerate", "zip") and it.args:
            return all(_is_constant_name(a) for a in it.args)
        return _is_constant_name(it)

    def safe(self, name: str, escapes: frozenset[str]) -> bool:
        values = self.bindings.get(name)
        if not values or name in self._checking:
            return False
        self._checking.add(name)
        try:
            return all(v is not None and is_safe(v, self, escapes) for v in values)
        finally:
            self._checking.discard(name)


def is_safe(
    node: ast.expr | None, names: Names | None = None, escapes: frozenset[str] = BODY_ESCAPES
) -> bool:
    """True when `node` can only produce literal or escaped text (see the module doc)."""
    if names is not None and isinstance(node, ast.Name) and not node.id.isupper():
        if node.id not in escapes and names.safe(node.id, escapes):
            return True
    return _is_safe(node, names, escapes)


def _is_safe(node: ast.expr | None, names: Names | None, escapes: frozenset[str]) -> bool:
    """is_safe for one node; sub-expressions go back through is_safe."""

    def is_safe_(n: ast.expr | None) -> bool:
        return is_safe(n, names, escapes)

    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(is_safe_(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        # A format spec (`:%Y-%m-%d`, `:g`, `:.1f`) is a date or a number, never free text.
        return node.format_spec is not None or is_safe_(node.value)
    if isinstance(node, ast.BinOp):
        return is_safe_(node.left) and is_safe_(node.right)
    if isinstance(node, ast.IfExp):
        return is_safe_(node.body) and is_safe_(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(is_safe_(v) for v in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return all(is_safe_(e) for e in node.elts)
    if isinstance(node, ast.Lambda):
        return is_safe_(node.body)
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return is_safe_(node.elt)
    if isinstance(node, ast.Subscript):
        return _is_constant_name(node.value)
    if isinstance(node, ast.Attribute):
        return node.attr in SAFE_ATTRIBUTES or _is_constant_name(node.value)
    if _is_constant_name(node):
        return True
    if isinstance(node, ast.Name):
        return node.id in escapes  # format_func=plain
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in SAFE_CALLS or name in escapes:
            return True
        if name == "count":
            # geo.swedish.count formats its first argument as a number (text would raise),
            # so only the words need to be ours.
            return all(is_safe_(a) for a in node.args[1:])
        func = node.func
        if isinstance(func, ast.Attribute) and name == "join":
            return is_safe_(func.value) and all(is_safe_(a) for a in node.args)
        if isinstance(func, ast.Attribute) and name == "get" and _is_constant_name(func.value):
            return all(is_safe_(a) for a in node.args[1:])  # the default, when the key is unknown
        if isinstance(func, ast.Attribute) and name in ("lower", "upper", "strip", "replace"):
            return is_safe_(func.value) and all(is_safe_(a) for a in node.args)
    return False


def unsafe_arguments(tree: ast.AST) -> Iterator[tuple[int, str, ast.expr]]:
    """(line, sink, argument) for every Markdown argument that is not safe."""
    names = Names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        sink = node.func.attr
        if sink not in SINKS:
            continue
        positions = SINKS[sink]
        widget = sink in WIDGETS
        for i, arg in enumerate(node.args):
            escapes = LABEL_ESCAPES if widget and i == 0 else BODY_ESCAPES
            if (positions == "*" or i in positions) and not is_safe(arg, names, escapes):
                yield node.lineno, sink, arg
        for kw in node.keywords:
            only_on = VALUE_KEYWORDS_ONLY_ON.get(kw.arg or "")
            markdown = kw.arg in MARKDOWN_KEYWORDS and (only_on is None or sink in only_on)
            options = kw.arg == "format_func" and sink in MARKDOWN_OPTIONS
            escapes = LABEL_ESCAPES if widget and kw.arg == "label" else BODY_ESCAPES
            if (markdown or options) and not is_safe(kw.value, names, escapes):
                yield node.lineno, f"{sink}({kw.arg}=)", kw.value


def _problems(path: Path) -> list[str]:
    source = path.read_text("utf-8")
    return [
        f"{path.relative_to(REPO_ROOT)}:{line} {sink}: {ast.get_source_segment(source, arg)}"
        for line, sink, arg in unsafe_arguments(ast.parse(source))
    ]


# Modules another change owns: their call sites (user name in the sidebar caption and the
# role error, kommun name and police area, a raw exception message) still need plain().
# Strict: the test fails once they are fixed, so this list cannot outlive the holes.
NOT_YET_ESCAPED: set[str] = set()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            marks=pytest.mark.xfail(
                str(path.relative_to(REPO_ROOT)) in NOT_YET_ESCAPED,
                reason="owned by another change; reported",
                strict=True,
            ),
        )
        for path in SOURCES
    ],
    ids=lambda p: str(p.relative_to(REPO_ROOT)),
)
def test_every_value_shown_as_markdown_goes_through_plain(path: Path) -> None:
    assert _problems(path) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_tables_are_shown_through_show_table(path: Path) -> None:
    if path.name == "text.py":
        return  # show_table itself
    tree = ast.parse(path.read_text("utf-8"))
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("dataframe", "table")
    ]
    assert calls == [], "use ui.text.show_table (formulas neutralised for the CSV download)"


def _check(code: str) -> list[str]:
    return [sink for _, sink, _ in unsafe_arguments(ast.parse(code))]


@pytest.mark.parametrize(
    "code",
    [
        'st.markdown(f"- {c.text}")',
        "st.caption(note)",
        "st.error(str(exc))",
        'st.expander(f"{f.category}: {f.description}")',
        'left.markdown("**" + doc.title + "**")',
        'st.info(describe_rule(rule, place) + " **2 tillfällen.**")',
        'st.number_input(f"{layer.name} ({len(layer)} punkter)", 0.0)',
        'st.button("Spara", help=f"Sparar {place.name}")',
        'st.radio("Vy", names, format_func=lambda i: places[i].name)',
        'st.metric(trend.name, "1")',
        'st.expander(f"{CATEGORIES.get(f.category, f.category)}")',
        'st.write(f"{x}", "y")',
        'st.tabs(["Lista", name])',
        "numbers.progress(0.5, text=f\"{r['done']} av\")",
        # plain_label() keeps headings and lists: only a widget's label may use it.
        "st.caption(plain_label(note))",
        "st.expander(plain_label(f.description))",
        'st.button("Spara", help=plain_label(place.name))',
    ],
)
def test_the_check_finds_user_text_that_skips_plain(code: str) -> None:
    assert _check(code) != []


@pytest.mark.parametrize(
    "code",
    [
        'st.markdown("#### Gäller hela löftet")',
        'st.markdown(f"- {plain(c.text)}")',
        'st.caption(f"{len(shown)} planerade aktiviteter visas.")',
        'st.caption(f"Läget den {report.today:%Y-%m-%d}.")',
        'st.subheader(f"Ändra {kind.label.lower()}: {plain(editing.name)}")',
        "st.markdown(RULE_TEXT)",
        "st.info(HOW_TO_DRAW[kind.geometry_type])",
        "st.error(plain(str(exc)))",
        'st.caption(", ".join(plain(n) for n in names))',
        'st.radio("Visa", ["Vecka", "Månad"], horizontal=True)',
        'st.selectbox("Plats", ids, format_func=lambda i: places[i].name)',
        'st.text_input("Namn", value=place.name)',
        "st.text(note)",
        "st.code(hours.text)",
        'st.expander(f":red[{len(conflicts)} krockar] (samma grupp)")',
        'st.number_input(f"{plain_label(layer.name)} ({len(layer)} punkter)", 0.0)',
        "st.text_area(label=plain_label(text.title), value=text.text)",
    ],
)
def test_the_check_lets_constant_and_escaped_text_through(code: str) -> None:
    assert _check(code) == []


# -- folium: HTML, not Markdown ---------------------------------------------------------------

# html.escape, and ui.text.map_html (html.escape with the braces Jinja would run as well)
HTML_ESCAPES = frozenset({"escape", "map_html", "html_table"})  # html_table escapes each cell


def unescaped_map_html(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, what) for folium text that could carry unescaped user HTML.

    A GeoJson layer's data must be `escaped(...)` (its tooltips and popups show the
    features' properties as HTML); a `tooltip=`, `popup=` or layer `name=` string must be
    literal, a number or `html.escape(...)`. GeoJsonTooltip/GeoJsonPopup read the escaped
    properties, so they pass.
    """
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id in ("folium", "plugins")):
            continue
        if node.func.attr == "GeoJson":
            data = node.args[0] if node.args else None
            if not (isinstance(data, ast.Call) and _call_name(data) == "escaped"):
                yield node.lineno, "GeoJson data not escaped()"
        for kw in node.keywords:
            if kw.arg not in ("tooltip", "popup", "name"):
                continue
            value = kw.value
            if isinstance(value, ast.Call) and _call_name(value) in (
                "GeoJsonTooltip",
                "GeoJsonPopup",
            ):
                continue
            if isinstance(value, ast.IfExp) and all(
                isinstance(v, ast.Constant)
                or (isinstance(v, ast.Call) and _call_name(v) == "GeoJsonTooltip")
                for v in (value.body, value.orelse)
            ):
                continue
            if not is_safe(value, None, HTML_ESCAPES):
                yield node.lineno, f"{node.func.attr}({kw.arg}=) not html.escape()d"


def unescaped_st_html(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, what) for an `st.html(...)` whose values are not literal or html.escape()d."""
    names = Names(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "html"
            and node.args
            and not is_safe(node.args[0], names, HTML_ESCAPES)
        ):
            yield node.lineno, "st.html() with a value not html.escape()d"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_folium_and_st_html_text_from_users_is_html_escaped(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    assert [*unescaped_map_html(tree), *unescaped_st_html(tree)] == []


@pytest.mark.parametrize(
    "code",
    [
        "folium.GeoJson(fc, name='Platser')",
        "folium.Marker((1, 2), tooltip=place.name)",
        "folium.GeoJson(escaped(fc), name=layer.title)",
        "folium.Marker((1, 2), popup=f'<b>{note}</b>')",
        "st.html(f'<div>{place.name}</div>')",
        "st.html(f'<div>{plain(place.name)}</div>')",  # Markdown escapes are no HTML escape
    ],
)
def test_the_map_check_finds_unescaped_html(code: str) -> None:
    tree = ast.parse(code)
    assert [*unescaped_map_html(tree), *unescaped_st_html(tree)] != []


@pytest.mark.parametrize(
    "code",
    [
        "folium.GeoJson(escaped(fc), name=html.escape(name))",
        "folium.Marker((1, 2), tooltip=html.escape(f['properties']['label']))",
        "folium.GeoJson(escaped(fc), tooltip=folium.GeoJsonTooltip(fields=['label']))",
        "folium.FeatureGroup(name='Platser')",
        "st.html(f'<div>{html.escape(place.name)} {len(rows)}</div>')",
    ],
)
def test_the_map_check_lets_escaped_html_through(code: str) -> None:
    tree = ast.parse(code)
    assert [*unescaped_map_html(tree), *unescaped_st_html(tree)] == []
