"""Handler code writes files outside /tmp, where Lambda's filesystem is read-only.

What: in a handler graph (or inline `Code.ZipFile` code), a call of `fs`, `fs/promises`,
`fs-extra` or `graceful-fs` that creates or writes a file or folder (`writeFile(Sync)`,
`fs.promises.writeFile`, `appendFile(Sync)`, `mkdir(Sync)`, `createWriteStream`, the target of
`copyFile(Sync)`/`cp`/`rename`, `outputFile`, `ensureDir`, ...) whose path is known to lie outside
/tmp: a relative path (Lambda runs in /var/task), an absolute path elsewhere, or one built from
`__dirname` or `process.cwd()`. Also GraphQL schema options that write a file when the schema is
built: type-graphql `emitSchemaFile: true | path | { path }` and NestJS `autoSchemaFile: path`.
Not flagged: paths under `/tmp` or built from `os.tmpdir()`/`tmpdir()`, paths known only at run
time (parameters, environment variables), `autoSchemaFile: true` (kept in memory), conditional
values, writes guarded by a local-run check (`if (process.env.IS_OFFLINE)`, `IS_LOCAL`),
relative paths after `process.chdir(...)`, and code outside handler graphs (build scripts, tests).

Why: everything outside /tmp is read-only on Lambda, so the call throws `EROFS: read-only file
system` (or `ENOENT` for folders that were not packaged) on the first invocation, although it
worked on a developer's machine.

Example:
    const schema = await buildSchema({ resolvers, emitSchemaFile: 'schema.graphql' })
    fs.writeFileSync(path.join(__dirname, 'report.csv'), csv)

Use instead:
    const schema = await buildSchema({ resolvers, emitSchemaFile: false })  // emit at build time
    fs.writeFileSync(path.join(os.tmpdir(), 'report.csv'), csv)

References: AWS Lambda, "Lambda execution environment" and "Configuring ephemeral storage" (/tmp);
type-graphql, "Emitting the schema SDL"; NestJS, "GraphQL code first" (autoSchemaFile).
"""
from lintkit.analysis.execcalls import local_assignment, local_only, module_of, root_object
from lintkit.model.diagnostics import Finding
from lintkit.read.sources import callee_name, named_children, string_value, unwrap

CODE = "RUNTIME005"
NAME = "write-outside-tmp"
SEVERITY = "error"
SUMMARY = "Handler code writes a file outside /tmp, where Lambda's filesystem is read-only."

FS_MODULES = ("fs", "fs/promises", "fs-extra", "graceful-fs")
# Writing functions → the index of the argument naming what they create.
WRITE_TARGET = {
    **dict.fromkeys(("writeFile", "writeFileSync", "appendFile", "appendFileSync", "mkdir",
                     "mkdirSync", "createWriteStream", "outputFile", "outputFileSync", "outputJson",
                     "outputJsonSync", "writeJson", "writeJsonSync", "ensureDir", "ensureDirSync",
                     "ensureFile", "ensureFileSync", "mkdirp", "mkdirpSync", "mkdirs"), 0),
    **dict.fromkeys(("copyFile", "copyFileSync", "cp", "cpSync", "rename", "renameSync", "copy",
                     "copySync", "move", "moveSync", "symlink", "symlinkSync"), 1),
}
SCHEMA_FILE_OPTIONS = ("emitSchemaFile", "autoSchemaFile")
MAX_DEPTH = 8


def check(service, context):
    scanned = set()  # a module shared by several handlers is reported once
    for function in service.functions:
        graph = service.graph(function)
        for source in graph.files if graph is not None else []:
            if id(source) in scanned:
                continue
            scanned.add(id(source))
            for node, message in _writes_outside_tmp(source):
                yield Finding.at(source.span(node), message, function=function.name)


def _writes_outside_tmp(source) -> list:
    """(node, message) of each write outside /tmp in the file, worked out from the file alone:
    kept on it (the language server's store keeps a file while its bytes are the same)."""
    found = getattr(source, "_lintkit_writes_outside_tmp", None)
    if found is None:
        found = source._lintkit_writes_outside_tmp = [
            (node, message) for node, message in [*_fs_writes(source), *_schema_files(source)]
            if not local_only(source, node)]
    return found


def _fs_writes(source):
    for call in source.nodes_of({"call_expression"}):
        index = WRITE_TARGET.get(_fs_method(source, call))
        if index is None:
            continue
        arguments = named_children(call.child_by_field_name("arguments"))
        target = arguments[index] if index < len(arguments) else None
        if target is not None and _outside_tmp(source, _location(source, target)):
            yield target, (f"`{callee_name(call)}` writes to {_shown(source, target)}, outside "
                           "/tmp (relative paths resolve in /var/task): Lambda's filesystem is "
                           "read-only there (EROFS). Build the path from `os.tmpdir()` instead, "
                           "e.g. `path.join(os.tmpdir(), 'name')`.")


def _fs_method(source, call) -> str | None:
    """The fs function a call invokes (`fs.promises.writeFile` → "writeFile"), else None."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is not None and callee.type == "identifier":
        imp = source.bindings.get(source.node_text(callee))
        is_fs = imp is not None and imp.module.removeprefix("node:") in FS_MODULES
        return imp.bindings[source.node_text(callee)] if is_fs else None
    if callee is None or callee.type != "member_expression":
        return None
    if module_of(source, root_object(callee)) not in FS_MODULES:
        return None
    return source.node_text(callee.child_by_field_name("property"))


def _schema_files(source):
    for pair in source.nodes_of({"pair"}):
        key = source.node_text(pair.child_by_field_name("key")).strip("'\"")
        value = unwrap(pair.child_by_field_name("value"))
        if key not in SCHEMA_FILE_OPTIONS or value is None:
            continue
        path = _property(source, value, "path") if value.type == "object" else value
        # type-graphql writes `schema.graphql` in the working folder for `true` or `{}` without a
        # path; NestJS keeps the schema in memory for `autoSchemaFile: true`.
        default = "relative" if key == "emitSchemaFile" else None
        where = default if path is None or path.type == "true" else _location(source, path)
        if _outside_tmp(source, where):
            memory = " (`true` keeps it in memory)" if key == "autoSchemaFile" else ""
            yield value, (f"`{key}` writes the GraphQL schema file outside /tmp when the schema is "
                          "built, but Lambda's filesystem is read-only there (EROFS): generate it "
                          f"at build time and set `{key}: false` in Lambda{memory}, or point it "
                          "under `os.tmpdir()`.")


def _outside_tmp(source, where) -> bool:
    """Relative paths resolve in /var/task, unless the code changes its working folder."""
    return where == "outside" or (where == "relative" and not _changes_directory(source))


def _location(source, node, depth=0) -> str | None:
    """"tmp", "outside", "relative" (to the working folder) or None (known only at run time)."""
    node = unwrap(node)
    if node is None or depth > MAX_DEPTH:
        return None
    kind = node.type
    if kind == "string":
        return _of_text(string_value(source, node) or "")
    if kind == "template_string":
        first = next(iter(named_children(node)), None)
        if first is not None and first.type == "template_substitution":
            return _location(source, next(iter(named_children(first)), None), depth + 1)
        return _of_text(source.node_text(first) if first is not None else "")
    operator = node.child_by_field_name("operator") if kind == "binary_expression" else None
    if operator is not None and operator.type == "+":
        return _location(source, node.child_by_field_name("left"), depth + 1)
    if kind == "identifier":
        if source.node_text(node) in ("__dirname", "__filename"):
            return "outside"
        value = local_assignment(source, node)
        return _location(source, value, depth + 1) if value is not None else None
    return _call_location(source, node, depth) if kind == "call_expression" else None


def _call_location(source, call, depth) -> str | None:
    name = callee_name(call)
    arguments = named_children(call.child_by_field_name("arguments"))
    if name == "tmpdir" or name.endswith(".tmpdir"):
        return "tmp"
    if name == "process.cwd":
        return "relative"
    function = _path_function(source, call)
    if function == "join" and arguments:  # the first segment decides
        return _location(source, arguments[0], depth + 1)
    if function == "resolve" and arguments and _all_relative(source, arguments[1:]):
        return _location(source, arguments[0], depth + 1)
    return None


def _path_function(source, call) -> str | None:
    """"join" / "resolve" for `path.join(...)`, `join(...)` imported from path, ..."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None:
        return None
    if callee.type == "member_expression":
        name = source.node_text(callee.child_by_field_name("property"))
        callee = root_object(callee)
    else:
        name = source.node_text(callee)
    is_path = module_of(source, callee) in ("path", "path/posix")
    return name if is_path and name in ("join", "resolve") else None


def _all_relative(source, arguments) -> bool:
    values = [string_value(source, argument) for argument in arguments]
    return all(value is not None and not value.startswith("/") for value in values)


def _of_text(text: str) -> str | None:
    if text == "/tmp" or text.startswith("/tmp/"):
        return "tmp"
    return "outside" if text.startswith("/") else "relative" if text else None


def _changes_directory(source) -> bool:
    cached = getattr(source, "_lintkit_changes_directory", None)
    if cached is None:
        cached = any(callee_name(call) == "process.chdir"
                     for call in source.nodes_of({"call_expression"}))
        source._lintkit_changes_directory = cached
    return cached


def _property(source, obj, name):
    for member in named_children(obj):
        if member.type == "pair" and source.node_text(member.child_by_field_name("key")) == name:
            return member.child_by_field_name("value")
    return None


def _shown(source, node) -> str:
    """`'out.json'`, or `LOG_FILE` (`'app.log'`) for a local constant."""
    text = _short(source.node_text(node))
    value = local_assignment(source, node) if node.type == "identifier" else None
    return f"`{text}` (`{_short(source.node_text(value))}`)" if value is not None else f"`{text}`"


def _short(text: str) -> str:
    text = " ".join(text.split()).strip("`")
    return text if len(text) <= 50 else text[:47] + "..."
