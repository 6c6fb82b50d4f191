"""Calls that wipe a database, as a function's handler makes them on each invocation.

A *wipe* is one of:
- `x.model.deleteMany()` on a Prisma client with no `where`, or with an empty one:
  `deleteMany()`, `deleteMany({})`, `deleteMany({ where: {} })`, `deleteMany({ limit: 100 })`. A
  `where` with any content, arguments that are not an object literal (a variable, a spread), and
  objects with keys Prisma's `deleteMany` does not take (a project's own repository method) count
  as scoped.
- `$executeRaw`, `$executeRawUnsafe`, `$queryRaw` or `$queryRawUnsafe` whose SQL (a string, a
  template, a `Prisma.sql` template, a local constant holding one) has a `TRUNCATE`, a `DROP
  TABLE|SCHEMA|DATABASE` or a `DELETE FROM` without `WHERE` (a `DELETE` whose text is partly known
  only at run time is not judged).
- the Prisma CLI running `migrate reset` or `db push --force-reset` (`lintkit.analysis.migrations`).

Only what runs on each invocation counts (`HandlerGraph.per_invocation`; for the CLI, a run the
function reaches), and not what sits behind a test of the stage, the environment or a credential
the request carries: a condition around the call, or an earlier `if (...) return`/`throw` in a
block around it, whose text reads `process.env`, a stage, headers, a token, a secret, an API key or
a password. Whether such a check holds is not for a linter to know.
"""
from __future__ import annotations

import re
import weakref

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..read.sources import SourceFile, named_children, unwrap
from .clients import generated_client_dirs
from .execcalls import pieces
from .migrations import prisma_runs

RAW_METHODS = frozenset({"$executeRaw", "$executeRawUnsafe", "$queryRaw", "$queryRawUnsafe"})
_MENTIONED = lazy_compile(rb"deleteMany|\$executeRaw|\$queryRaw")
GUARD = lazy_compile(r"process\.env|\bstage\b|header|authori[sz]|token|secret|api_?key|password",
                   re.IGNORECASE)
_UNKNOWN = "\x00"  # stands for the parts of an SQL text known only at run time
_SQL_COMMENT = lazy_compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_WIPING_SQL = [
    (re.compile(r"TRUNCATE\b", re.IGNORECASE), "`TRUNCATE`"),
    (re.compile(r"DROP\s+(?:TABLE|SCHEMA|DATABASE)\b", re.IGNORECASE), "`DROP`"),
]
_DELETE = lazy_compile(r"DELETE\s+FROM\b", re.IGNORECASE)
_NAME = r"((?:[\w$]+|\"[^\"]+\"|`[^`]+`)(?:\.(?:[\w$]+|\"[^\"]+\"|`[^`]+`))?)"
_TARGET = lazy_compile(r"(?:TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?"
                     r"|DELETE\s+FROM)\s+"
                     + _NAME + r"\s*(?:$|[\s,;])", re.IGNORECASE)
_CREATE = lazy_compile(r"CREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY)\s+|UNLOGGED\s+)?TABLE\s+"
                     r"(?:IF\s+NOT\s+EXISTS\s+)?" + _NAME, re.IGNORECASE)
_WHERE = lazy_compile(r"\bWHERE\b", re.IGNORECASE)
MAX_LABEL = 60  # longer calls are named by their receiver
_EXITS = frozenset({"return_statement", "throw_statement"})


@fieldclass(frozen=True, eq=False)
class Wipe:
    """One call that wipes data: `label` names it as written (`prisma.user.deleteMany()`),
    `what` says what it runs (`deleteMany() with no where`, `TRUNCATE`)."""

    file: SourceFile
    node: object
    kind: str  # "delete-many" | "sql" | "cli"
    label: str
    what: str

    @property
    def span(self):
        return self.file.span(self.node)


_WIPES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def invocation_wipes(service, function) -> list[Wipe]:
    """The wipes a function runs on each invocation, shortest call chains first."""
    graph = service.graph(function)
    if graph is None:
        return []
    if graph not in _WIPES:  # functions that share a handler share its graph
        _WIPES[graph] = _code_wipes(graph, generated_client_dirs(service))
    return _WIPES[graph] + _cli_wipes(service, function)


def _code_wipes(graph, generated_dirs) -> list[Wipe]:
    if not any(_mentions_wipes(file) for file in graph.files):
        return []  # walking what runs per invocation costs more than reading the bytes
    if not graph.imports_prisma_client(generated_dirs):
        return []
    found = []
    for file, node, chain in graph.per_invocation():
        if node.type != "call_expression":
            continue
        wipe = _delete_many(file, node) or _raw_sql(file, node)
        if wipe is not None and not guarded(file, node, chain):
            found.append(wipe)
    return found


def _mentions_wipes(file) -> bool:
    """Whether the file's bytes name a wipe at all; kept on the file, which handlers share (and
    the language server's store keeps while its bytes are the same)."""
    mentions = getattr(file, "_lintkit_mentions_wipes", None)
    if mentions is None:
        mentions = file._lintkit_mentions_wipes = _MENTIONED.search(file.text) is not None
    return mentions


def _cli_wipes(service, function) -> list[Wipe]:
    found = []
    for run in _runs_by_function(service).get(id(function), ()):
        command = run.command
        if not run.reached or guarded(run.source, run.call, run.chain):
            continue
        names = command.names[:2]
        force_reset = names == ("db", "push") and "--force-reset" in command.flags
        if names == ("migrate", "reset") or force_reset:
            label = command.label + (" --force-reset" if force_reset else "")
            found.append(Wipe(run.source, run.call, "cli", label, f"`{label}`"))
    return found


def _runs_by_function(service) -> dict[int, list]:
    """The Prisma CLI runs of each function (by id), grouped once per service."""
    grouped = getattr(service, "_lintkit_runs_by_function", None)
    if grouped is None:
        grouped = {}
        for run in prisma_runs(service):
            grouped.setdefault(id(run.function), []).append(run)
        service._lintkit_runs_by_function = grouped
    return grouped


def _method(call) -> tuple[object, str] | None:
    """(receiver, method name) of `receiver.method(...)`."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return None
    prop = callee.child_by_field_name("property")
    obj = callee.child_by_field_name("object")
    if prop is None or obj is None:
        return None
    return unwrap(obj), (prop.text or b"").decode("utf-8", "replace")


def _delete_many(file: SourceFile, call) -> Wipe | None:
    method = _method(call)
    if method is None or method[1] != "deleteMany" or method[0].type != "member_expression":
        return None  # a model delegate is `client.model`: `prisma.user`, `tx.post`, `this.db.user`
    args = named_children(call.child_by_field_name("arguments"))
    if args and not (len(args) == 1 and _unscoped(unwrap(args[0]))):
        return None
    written = file.node_text(call)
    if len(written) > MAX_LABEL or "\n" in written:
        written = f"{file.node_text(method[0])}.deleteMany(...)"
    return Wipe(file, call, "delete-many", written, "no `where`")


def _unscoped(args) -> bool:
    """`{}`, `{ where: {} }`, `{ limit: n }`: Prisma's deleteMany takes only `where` and `limit`,
    so an object with other keys (or a spread, or a `where` with content) is not this call unscoped."""
    if args is None or args.type != "object":
        return False
    for member in named_children(args):
        if member.type == "pair" and _key(member) == "where":
            where = unwrap(member.child_by_field_name("value"))
            if where is None or where.type != "object" or named_children(where):
                return False
        elif not (member.type == "pair" and _key(member) == "limit") and member.type != "comment":
            return False
    return True


def _key(pair) -> str:
    key = pair.child_by_field_name("key")
    return (key.text or b"").decode("utf-8", "replace").strip("'\"") if key is not None else ""


def _raw_sql(file: SourceFile, call) -> Wipe | None:
    method = _method(call)
    if method is None or method[1] not in RAW_METHODS:
        return None
    sql = _sql_text(file, call)
    what = wiping_statement(sql) if sql is not None else None
    if what is not None:  # the file's own scratch tables are looked for only then
        what = wiping_statement(sql, _created_tables(file))
    if what is None:
        return None
    receiver = file.node_text(method[0])
    return Wipe(file, call, "sql", f"{receiver}.{method[1]}()", what)


def _sql_text(file: SourceFile, call) -> str | None:
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    if args.type == "template_string":  # prisma.$executeRaw`TRUNCATE ...`
        source = args
    else:
        source = next(iter(named_children(args)), None)
        inner = unwrap(source)
        if inner is not None and inner.type == "call_expression":  # Prisma.sql`...`
            template = inner.child_by_field_name("arguments")
            if template is not None and template.type == "template_string":
                source = template
    if source is None:
        return None
    return "".join(piece.text if piece.literal else _UNKNOWN for piece in pieces(file, source))


def wiping_statement(sql: str, scratch: frozenset[str] = frozenset()) -> str | None:
    """What wipes a table in `sql` (`TRUNCATE`, `DROP`, a `DELETE` with no `WHERE`), or None.
    Statements on `scratch` tables (the code creates them itself) do not count."""
    for statement in _SQL_COMMENT.sub(" ", sql).split(";"):
        statement = statement.strip()
        target = _TARGET.match(statement)
        if target is not None and _table_name(target.group(1)) in scratch:
            continue
        for pattern, name in _WIPING_SQL:
            if pattern.match(statement):
                return name
        if _DELETE.match(statement) and _UNKNOWN not in statement and not _WHERE.search(statement):
            return "a `DELETE` with no `WHERE`"
    return None


_CREATED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _created_tables(file: SourceFile) -> frozenset[str]:
    """Tables the file's own SQL creates (`CREATE TEMP TABLE staging ...`): its scratch tables."""
    if file not in _CREATED:
        text = file.text.decode("utf-8", "replace")
        _CREATED[file] = frozenset(_table_name(name) for name in _CREATE.findall(text))
    return _CREATED[file]


def _table_name(written: str) -> str:
    """`"public"."User"` → `user`: the last part, unquoted, lowercase."""
    return written.rsplit(".", 1)[-1].strip('"`[]').lower()


# -- guards ---------------------------------------------------------------------------------------
def guarded(file: SourceFile, node, chain=()) -> bool:
    """Does a test of the stage, the environment or a credential decide whether `node` runs, in
    its function or around one of the calls that lead to it (`chain`: HandlerGraph CallSteps)?"""
    return _guarded_here(file, node) or any(_guarded_here(step.file, step.call) for step in chain or ())


def _guarded_here(file: SourceFile, node) -> bool:
    ancestors = [*file.ancestors(node), node]
    for ancestor, child in zip(ancestors, ancestors[1:]):
        kind = ancestor.type
        if kind in ("if_statement", "ternary_expression"):
            condition = ancestor.child_by_field_name("condition")
            if condition is not None and child != condition and GUARD.search(file.node_text(condition)):
                return True
        elif kind == "binary_expression" and child == ancestor.child_by_field_name("right"):
            left = ancestor.child_by_field_name("left")
            if left is not None and GUARD.search(file.node_text(left)):
                return True
        elif kind in ("statement_block", "program"):
            if any(_exits_early(file, before) for before in _statements_before(ancestor, child)):
                return True
    return False


def _statements_before(block, child) -> list:
    before = []
    for statement in named_children(block):
        if statement == child:
            break
        before.append(statement)
    return before


def _exits_early(file: SourceFile, statement) -> bool:
    """`if (<guard>) return ...` / `throw ...` (or a block ending so)."""
    if statement.type != "if_statement":
        return False
    condition = statement.child_by_field_name("condition")
    if condition is None or not GUARD.search(file.node_text(condition)):
        return False
    consequence = statement.child_by_field_name("consequence")
    if consequence is None:
        return False
    if consequence.type in _EXITS:
        return True
    return consequence.type == "statement_block" and any(
        part.type in _EXITS for part in named_children(consequence))
