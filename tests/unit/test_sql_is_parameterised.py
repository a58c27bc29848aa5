"""No string-built SQL in geo/: values always travel as bound parameters.

The scan looks at every call that sends SQL text (`text(`, `exec_driver_sql(`, `execute(`,
`executemany(`, `executescript(`) and at every f-string that starts like SQL, and fails on
text built with an f-string, `%`, `+` or `.format()` from anything but literals. Names of
tables and columns go through SQLAlchemy (`select(table)`, `insert(table)`), which quotes
them; values go as parameters.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.common import REPO_ROOT

GEO = REPO_ROOT / "geo"
SQL_CALLS = {"text", "exec_driver_sql", "execute", "executemany", "executescript"}
SQL_START = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|GRANT|TRUNCATE)\b", re.I
)


def _built(node: ast.AST) -> bool:
    """True for text put together at run time from something that is not a literal."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        literal = all(isinstance(s, ast.Constant) for s in (node.left, node.right))
        return not literal
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format"
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def string_built_sql(source: str, filename: str = "<källa>") -> list[str]:
    """Every place in `source` where SQL text is built from values: "file:line: code"."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in SQL_CALLS and node.args:
            # sqlalchemy's text() takes the SQL alone; matplotlib's ax.text(x, y, s) does not.
            if _name(node.func) == "text" and len(node.args) != 1:
                continue
            if _built(node.args[0]):
                found.append(node)
        elif isinstance(node, ast.JoinedStr) and _built(node):
            first = node.values[0]
            if isinstance(first, ast.Constant) and SQL_START.match(str(first.value)):
                found.append(node)
    lines = source.splitlines()
    return sorted(
        {f"{filename}:{n.lineno}: {lines[n.lineno - 1].strip()}" for n in found}  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize(
    "code",
    [
        "conn.execute(text(f\"SELECT * FROM places WHERE name = '{name}'\"))",
        'conn.exec_driver_sql("DELETE FROM places WHERE id = %s" % place_id)',
        'cursor.execute("UPDATE places SET name = \'" + name + "\'")',
        'conn.execute(text("SELECT * FROM {}".format(table)))',
        'query = f"SELECT id FROM {table}"',
        'conn.executescript(f"DROP TABLE {name}")',
    ],
)
def test_the_scan_finds_string_built_sql(code: str) -> None:
    assert len(string_built_sql(code)) == 1


@pytest.mark.parametrize(
    "code",
    [
        'conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")',
        'conn.execute(text("SELECT * FROM places WHERE name = :name"), {"name": name})',
        'conn.exec_driver_sql("INSERT INTO t VALUES (?, ?)", (a, b))',
        "conn.execute(select(t.places).where(t.places.c.name == name))",
        'message = f"Platsen {name} finns inte."',
        'url = f"sqlite:///{path}"',
    ],
)
def test_the_scan_lets_parameterised_sql_and_plain_text_pass(code: str) -> None:
    assert string_built_sql(code) == []


def test_no_module_in_geo_builds_sql_from_strings() -> None:
    files = sorted(GEO.rglob("*.py"))
    assert len(files) > 10
    found = [
        hit
        for path in files
        for hit in string_built_sql(path.read_text(encoding="utf-8"), str(path.relative_to(GEO)))
    ]
    assert found == []
