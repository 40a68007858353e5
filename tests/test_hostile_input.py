"""Hostile input: any search text and any SVG path data are handled; no SQL is built from
values by string formatting in the storage layer."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggermap import resources
from triggermap.geometry.atlas import view_from_document
from triggermap.geometry.errors import AtlasError
from triggermap.geometry.svg_import import parse_svg
from triggermap.storage import catalogue_search
from triggermap.storage.catalogue_search import MAX_TOKENS, CatalogueSearch, fts_query

STORAGE = Path(catalogue_search.__file__).resolve().parent
FTS_TABLES = ("muscles_fts", "conditions_fts", "trigger_points_fts")

# -- search text --------------------------------------------------------------------------------

#: Pieces of FTS5 query syntax, SQL and awkward text that a user could type or paste.
FTS_SYNTAX = st.sampled_from(
    [
        *'AND OR NOT NEAR NEAR( ) ( " "" \' * ^ : + - ; -- /* */ \\ % _ ? ?1 :name @x $x'.split(),
        *"{name synonyms}: muscles_fts: rank bm25 trapezius headache ñ ß İ ﬁ 日本語 مرحبا".split(),
        "\0",
        "\u200b",
        "\u202e",
        "\ufeff",
        "🦵",
        "💉",
        "\U0001f3fb",
        "\t",
        "\n",
        "\r\n",
        "drop table muscles",
        "' or 1=1 --",
        "upper trap",
    ]
)
#: Any code point, lone surrogates included (they can reach us from pasted text).
ANY_CHARACTER = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))
SEARCH_TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=200),
    st.lists(st.one_of(FTS_SYNTAX, st.text(ANY_CHARACTER, max_size=8)), max_size=30).map("".join),
    st.lists(FTS_SYNTAX, max_size=30).map(" ".join),
    # 10 000 characters and more: a paste of a whole document
    st.tuples(st.text(ANY_CHARACTER, min_size=1, max_size=20), FTS_SYNTAX).map(
        lambda parts: ((parts[0] + " " + parts[1]) * 10_000)[:10_000]
    ),
)


@pytest.fixture(scope="module")
def search():
    engine = CatalogueSearch(resources.catalogue_db())
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def raw_catalogue():
    """The catalogue opened with no error handling of ours in between, so a query that FTS5
    rejects shows up as an exception instead of an empty result."""
    connection = sqlite3.connect(f"{resources.catalogue_db().resolve().as_uri()}?mode=ro", uri=True)
    yield connection
    connection.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SEARCH_TEXT)
def test_any_typed_text_searches_without_error(search, text: str):
    hits = search.search(text)
    assert len(hits) <= 20
    assert all(hit.kind in ("muscle", "condition") and hit.ref_id for hit in hits)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SEARCH_TEXT)
def test_the_query_built_from_any_text_is_valid_fts5(raw_catalogue, text: str):
    # CatalogueSearch swallows FTS syntax errors as "no hits"; this asks SQLite directly, so a
    # quoting mistake in fts_query fails here instead of silently finding nothing
    query = fts_query(text)
    if query is None:
        assert not re.search(r"\w", text)
        return
    assert query.count('"') % 2 == 0
    assert len(re.findall(r'"(?:[^"]|"")*"', query)) <= MAX_TOKENS
    for table in FTS_TABLES:
        raw_catalogue.execute(f"select count(*) from {table} where {table} match ?", [query])


def test_a_typed_word_with_a_nul_inside_still_finds_its_parts(search):
    hits = search.search("trapez\0ius")
    assert isinstance(hits, list)
    assert "upper_trapezius" in {hit.ref_id for hit in search.search("\0trapezius\0")}


# -- SVG path data ------------------------------------------------------------------------------

#: How many numbers each path command takes.
ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}
NUMBER = st.one_of(
    st.integers(0, 100).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda value: f"{value:g}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e999", "-1e999", "1e-400", ".5.5", "-.", "0x10", "١٢", "+-1", ""]),
)


COORDINATE = st.floats(-20, 120, allow_nan=False).map(lambda value: f"{value:.6g}")


@st.composite
def path_data(draw: st.DrawFn, well_formed: bool) -> str:
    """Path data: well-formed (starts with a move, right number count, sane numbers, so it
    reaches the geometry and the id checks) or deliberately not."""
    parts = ["M " + draw(COORDINATE) + "," + draw(COORDINATE)] if well_formed else []
    for _ in range(draw(st.integers(1, 10))):
        command = draw(st.sampled_from(list(ARITY)))
        if draw(st.booleans()):
            command = command.lower()
        count = ARITY[command.upper()]
        if well_formed:
            numbers = [draw(COORDINATE) for _ in range(count)]
            if command.upper() == "A":  # the two arc flags are 0 or 1
                numbers[3:5] = [draw(st.sampled_from("01")), draw(st.sampled_from("01"))]
        else:
            count += draw(st.sampled_from([0, 0, 0, 1, -1]))
            numbers = [draw(NUMBER) for _ in range(max(count, 0))]
        separator = " " if well_formed else draw(st.sampled_from([" ", ",", ""]))
        parts.append(command + " " + separator.join(numbers))
    return " ".join(parts)


# half well-formed, so that whole documents often get past the path parser to the id checks
ANY_PATH_DATA = st.one_of(
    path_data(well_formed=True),
    path_data(well_formed=True),
    path_data(well_formed=False),
    st.text(max_size=60),
)
REGION_ID = st.one_of(
    st.just("muscle.deltoid.right"),
    st.from_regex(r"\Amuscle\.[a-z][a-z_]{0,8}\.(left|right)\Z"),
    st.from_regex(r"\A(muscle|zone|x)\.[a-z_]{0,8}\.(left|right|midline|up)\Z"),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
)


def view_document(muscle_id: str, muscle_d: str, zone_d: str) -> bytes:
    """A minimal built view: an outline, one muscle and one zone."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" data-mirror-axis="50">'
        '<g id="outline"><path id="outline.body" d="M0,0 H100 V100 H0 Z"/></g>'
        f'<g id="muscles.superficial"><path id={quoteattr(muscle_id)} d={quoteattr(muscle_d)}/></g>'
        f'<g id="zones"><path id="zone.temple.right" d={quoteattr(zone_d)}/></g>'
        "</svg>"
    ).encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REGION_ID, ANY_PATH_DATA, ANY_PATH_DATA)
def test_any_path_data_in_a_view_gives_a_view_or_our_error(muscle_id, muscle_d, zone_d):
    document = view_document(muscle_id, muscle_d, zone_d)
    try:
        view = view_from_document("fuzz", parse_svg(document, "fuzz.svg"))
    except AtlasError as error:
        refusal = str(error)
    else:
        refusal = None
    if refusal is not None:
        assert refusal.startswith("fuzz.svg")
        return
    # a view that loads is usable: every region is valid geometry and can be hit-tested
    assert all(region.area.is_valid and not region.area.is_empty for region in view.regions)
    for x, y in ((50, 50), (0, 0), (-1e9, 1e9)):
        view.region_at(x, y, ("superficial", "zones"))


# -- SQL built from values ----------------------------------------------------------------------
#
# A small taint check over the source of triggermap/storage/: wherever text is formatted into an
# SQL argument (f-string, %, +, .format), every value formatted in must be *safe*: literal
# text, a number (int(), len()…), a module constant, or a name that is only ever given safe
# values in its function (loop variables over constants included; `.append` counts as giving).
# Parameters of functions and anything read at run time are not safe. Values that are safe for
# a reason the check cannot see go in SQL_VALUES_ALLOWED, each with that reason.

#: Calls whose first argument (or `sql=` / `where=`) is SQL text.
SQL_CALLS = {
    "execute", "executemany", "executescript", "execute_script", "query",
    "rows_where", "count_where", "delete_where",
}  # fmt: skip

#: Values formatted into SQL that are not user text for a reason the check cannot see, by
#: module and the value's source text.
SQL_VALUES_ALLOWED: dict[tuple[str, str], str] = {
    # PRAGMA key takes no bound parameters; CipherKey.raw is hex digits of a key the program
    # derived from the passphrase (PBKDF2), never text from outside
    ("patient_cipher.py", "key.raw"): "hex digits of a derived key",
    # _guard_signed_visit_part(db, table) is called with VISIT_PART_TABLES' names and one
    # migration's own constant table name, never with outside text
    ("patient_migrations.py", "table"): "a part table's constant name",
}


#: Calls that can only return numbers (or a bool), whatever they are given.
NUMERIC_CALLS = {"int", "float", "len", "bool", "round"}
#: Methods that give a value to the object they are called on.
FILLING_METHODS = {"append", "extend", "insert", "add", "update", "setdefault"}
CONSTANT_NAME = re.compile(r"_?[A-Z][A-Z0-9_]*\Z")


def _bindings(body: list[ast.stmt], nested: bool) -> tuple[dict[str, list[ast.expr]], set[str]]:
    """What each name in a scope is given (None for anything unknowable) and which names are
    parameters. With `nested` False, function bodies are not entered (the module's own scope)."""
    given: dict[str, list[ast.expr | None]] = {}
    parameters: set[str] = set()
    unknown = None

    def bind(target: ast.expr, value: ast.expr | None) -> None:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                given.setdefault(name.id, []).append(value)

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            if not nested:
                if not isinstance(node, ast.Lambda):
                    given.setdefault(node.name, []).append(unknown)
                return
        if isinstance(node, ast.arg):
            parameters.add(node.arg)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            bind(node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bind(node.target, node.iter)  # a loop variable is safe if what it runs over is
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    bind(item.optional_vars, unknown)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                # imported constants are constants; anything else imported is code, not text
                given.setdefault(name, []).append(ast.Constant(name))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            given.setdefault(node.name, []).append(unknown)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in FILLING_METHODS
            and isinstance(node.func.value, ast.Name)
        ):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                given.setdefault(node.func.value.id, []).append(argument)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in body:
        visit(statement)
    return given, parameters


class _Scope:
    """Which names of one function (or the module) hold only safe values."""

    def __init__(self, body: list[ast.stmt], nested: bool, outer: _Scope | None) -> None:
        self.given, self.parameters = _bindings(body, nested)
        self.outer = outer
        self.safe: set[str] = set()
        changed = True
        while changed:  # a name is safe once everything it is given is safe (fixed point)
            changed = False
            for name, values in self.given.items():
                if (
                    name not in self.safe
                    and name not in self.parameters
                    and all(value is not None and self.is_safe(value) for value in values)
                ):
                    self.safe.add(name)
                    changed = True

    def name_is_safe(self, name: str) -> bool:
        if name in self.given or name in self.parameters:
            return name in self.safe
        if self.outer is not None:
            return self.outer.name_is_safe(name)
        return name in NUMERIC_CALLS or name in ("str", "sorted", "tuple", "list", "range")

    def is_safe(self, node: ast.expr) -> bool:
        """True if the expression cannot carry text from outside the program."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return self.name_is_safe(node.id)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in NUMERIC_CALLS
        ):
            return True
        if isinstance(node, (ast.Attribute, ast.Starred, ast.FormattedValue, ast.UnaryOp)):
            return self.is_safe(node.value if not isinstance(node, ast.UnaryOp) else node.operand)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            # comprehension variables were bound to their iterables in this scope
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            parts += [g.iter for g in node.generators]
            parts += [condition for g in node.generators for condition in g.ifs]
            return all(self.is_safe(part) for part in parts)
        if isinstance(
            node,
            (
                ast.Call, ast.JoinedStr, ast.BinOp, ast.BoolOp, ast.Compare, ast.Subscript,
                ast.Tuple, ast.List, ast.Set, ast.Dict, ast.IfExp, ast.Slice,
            ),
        ):  # fmt: skip
            return all(
                self.is_safe(child)
                for child in ast.iter_child_nodes(node)
                if isinstance(child, ast.expr)
            )
        return False


def _formatted_values(node: ast.expr) -> list[ast.expr] | None:
    """The values an expression formats into text, or None if it does not format."""
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        values = []
        for side in (node.left, node.right):
            inner = _formatted_values(side)
            values.extend([side] if inner is None else inner)
        return values
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return [*node.args, *(keyword.value for keyword in node.keywords)]
    return None


def _sql_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg in ("sql", "where"):
            return keyword.value
    return call.args[0] if call.args else None


def _own_nodes(body: list[ast.stmt]):
    """Every node of a scope's body, not entering the functions defined in it."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))


def sql_built_from_values(
    source: str, module: str, allowed: dict[tuple[str, str], str] = SQL_VALUES_ALLOWED
) -> list[str]:
    """Every value formatted into an SQL argument in `source` that is not safe and not
    allowed, as "module:line: value"."""
    tree = ast.parse(source)
    module_scope = _Scope(tree.body, nested=False, outer=None)
    functions = [
        node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    scopes = [(tree.body, module_scope)] + [
        (function.body, _Scope([function], nested=True, outer=module_scope))
        for function in functions
    ]
    problems = set()
    for body, scope in scopes:
        for node in _own_nodes(body):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                continue
            argument = _sql_argument(node)
            values = None if argument is None else _formatted_values(argument)
            if values is None and isinstance(argument, ast.Name):
                # a name given formatted text somewhere in the scope formats just the same
                values = [
                    value
                    for given in scope.given.get(argument.id, ())
                    if given is not None
                    for value in (_formatted_values(given) or ())
                ]
            for value in values or ():
                text = ast.unparse(value)
                if not scope.is_safe(value) and (module, text) not in allowed:
                    problems.add(f"{module}:{node.lineno}: {text}")
    return sorted(problems)


def test_the_storage_layer_builds_no_sql_from_values_by_formatting():
    problems = [
        problem
        for path in sorted(STORAGE.rglob("*.py"))
        for problem in sql_built_from_values(path.read_text(encoding="utf-8"), path.name)
    ]
    assert problems == [], "SQL formatted from values (use ? parameters):\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "planted",
    [
        "db.execute(f\"select * from patients where name = '{name}'\")",
        "db.query(\"select * from patients where name = '%s'\" % name)",
        "db.query(\"select * from patients where name = '%s' and id = %d\" % (name, 1))",
        'db.execute("select * from patients where name = \'" + name + "\'")',
        "db.execute(\"select * from patients where name = '{}'\".format(name))",
        'sql = f"delete from visits where id = {visit_id}"\ndb.executescript(sql)',
        "db['patients'].rows_where(where=f\"name = '{name}'\")",
        'connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")',
        "sql = 'select * from patients'\nsql += \" where name = '\" + name + \"'\"\n"
        "db.execute(sql)",
        "db.execute(f\"select * from patients where name in ({', '.join(names)})\")",
        "def find(db, where):\n    return db.execute('select * from patients ' + where)",
        # a condition list that takes in typed text, joined into the query later
        "def find(db, words):\n    conditions = []\n    for word in words:\n"
        "        conditions.append(f\"name like '{word}%'\")\n"
        "    where = ' and '.join(conditions)\n"
        "    return db.execute(f'select * from patients where {where}')",
        "def count(db, table):\n    return db.execute('select count(*) from %s' % table)",
    ],
)
def test_the_sql_check_catches_a_planted_violation(planted: str):
    # SCHEMA_VERSION is allowed only in the modules that define it, not in this one
    assert sql_built_from_values(planted, "planted.py")


@pytest.mark.parametrize(
    "safe",
    [
        "db.execute('select * from patients where name = ?', [name])",
        "db.query('select * from muscles ' 'order by rowid')",
        "db.execute('select 1' + ' from muscles')",
        "for statement in SCHEMA:\n    db.execute(statement)",
        "sql = 'select * from patients'\nsql += ' where id = ?'\ndb.execute(sql, [x])",
        "db.execute(f\"select * from visits where id in ({', '.join('?' * len(ids))})\", ids)",
        "print(f'{name}')",
        "COLUMNS = ('id', 'name')\nSELECT = f\"select {', '.join(COLUMNS)} from patients\"\n"
        "def find(db, x):\n    return db.execute(SELECT + ' where id = ?', [x])",
        "def bump(db, version):\n    db.execute(f'PRAGMA user_version = {int(version)}')",
        "def find(db, words):\n    conditions = []\n    for word in words:\n"
        "        conditions.append('name like ?')\n"
        "    where = ' and '.join(conditions)\n"
        "    return db.execute(f'select * from patients where {where}', words)",
    ],
)
def test_the_sql_check_passes_parameters_and_constant_text(safe: str):
    assert sql_built_from_values(safe, "planted.py") == []


def test_every_allowed_value_is_still_needed():
    # an entry whose code has gone or become safe must be removed, not kept as a silent hole
    needed = {
        (path.name, problem.split(": ", 1)[1])
        for path in STORAGE.rglob("*.py")
        for problem in sql_built_from_values(path.read_text(encoding="utf-8"), path.name, {})
    }
    assert set(SQL_VALUES_ALLOWED) <= needed


def test_the_sql_check_reads_a_real_module_as_it_is():
    source = (STORAGE / "catalogue_search.py").read_text(encoding="utf-8")
    leak = "\n\ndef leak(db, text):\n    return db.query(f\"select * from muscles where name = '{text}'\")\n"
    assert sql_built_from_values(source, "catalogue_search.py") == []
    assert [p.rsplit(": ", 1)[1] for p in sql_built_from_values(source + leak, "x.py")] == ["text"]
