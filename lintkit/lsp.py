"""`lintkit lsp`: a language server over stdio (pygls 2) that shows lintkit's findings while the user
edits.

- Documents: every `file:` document the client opens inside a service (serverless.yml, handler
  sources, schema.prisma, .env, package.json, included YAML). Its whole service is linted, with the
  unsaved text of every open document standing in for its file (`Options.overlays`): at once on open
  and save, after a pause in typing on change (`--debounce`, 300 ms).
- Publishing: after a lint of a service, each open document of that service gets its full list,
  an empty one when its findings are gone. A document's list joins the lints of every service that
  reports into it (a YAML file that two services include).
- Diagnostics: severity, code, `codeDescription.href` (`lintkit-rule:CODE` unless the `ruleUrl`
  option gives a template), source `lintkit`, `relatedInformation` from `Diagnostic.related`.
  lintkit's 1-based code-point columns become the negotiated position encoding (UTF-16 unless the
  client offers UTF-32 or UTF-8). Hovering a finding shows its rule's documentation.
- A half-typed file is a PARSE diagnostic, as on the command line. Anything unexpected is logged
  with `window/logMessage` and the server carries on.

Lints run one at a time on a worker thread: the overlay buffers are process-wide, and the event loop
stays free to read the next keystrokes. Each service has a store of parsed files
(lintkit.read.sourcestore) that its lints share: a lint after an edit parses only the files whose
bytes changed, and builds again only the handler graphs whose files or module resolutions changed
(lintkit.read.keptgraphs). `initialize` is answered by lintkit.lsp_handshake before this module is imported.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .discovery import owning_service, service_target
from .formats import is_config
from .formats.sam import SAMCONFIG
from .model.fieldclasses import field, fieldclass, replace
from .read.files import read_bytes
from .read.lines import LINE_BREAK
from .read.sourcestore import SourceStore

DEFAULT_DEBOUNCE_MS = 300
DEFAULT_RULE_URL = "lintkit-rule:{code}"
SOURCE = "lintkit"
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
# What lintkit may read for a service: a change to one of these re-lints it.
LINTED_SUFFIXES = frozenset({".yml", ".yaml", ".json", ".prisma", ".ts", ".tsx", ".mts", ".cts",
                             ".js", ".jsx", ".mjs", ".cjs"})
RELATED_TEXT_WIDTH = 100

logger = logging.getLogger(__name__)


class SettingsError(ValueError):
    pass


@fieldclass
class Settings:
    """What the server lints with: the command line's options, then `initializationOptions`
    (`asOf`, `opt`, `select`, `ignore`, `noIgnores`, `debounce`, `ruleUrl`), which win."""

    as_of: date | None = None
    opt: dict[str, str] = field(default_factory=dict)
    select: list[str] | None = None
    ignore: list[str] | None = None
    no_ignores: bool = False
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    rule_url: str = DEFAULT_RULE_URL

    @classmethod
    def from_args(cls, args) -> "Settings":
        debounce = getattr(args, "debounce", None)
        from .formats.sam import with_environment

        opt = with_environment(dict(args.opt), getattr(args, "sam_env", None))
        return cls(as_of=args.as_of, opt=opt, select=args.select, ignore=args.ignore,
                   no_ignores=args.no_ignores,
                   debounce_ms=DEFAULT_DEBOUNCE_MS if debounce is None else debounce)

    def updated(self, options) -> tuple["Settings", list[str]]:
        """These settings with a client's `initializationOptions` applied, and a problem per value
        that was left out."""
        settings, problems = replace(self), []
        if not isinstance(options, dict):
            return settings, ([] if options is None else ["initializationOptions must be an object"])
        for key, value in options.items():
            try:
                _apply(settings, key, value)
            except SettingsError as error:
                problems.append(f"initializationOptions.{key}: {error}")
        return settings, problems


def _apply(settings: Settings, key: str, value) -> None:
    if key == "asOf":
        try:
            settings.as_of = None if value is None else date.fromisoformat(value)
        except (TypeError, ValueError):
            raise SettingsError(f"expected a date as YYYY-MM-DD, got {value!r}")
    elif key == "opt":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise SettingsError("expected an object of strings, e.g. {\"stage\": \"prod\"}")
        settings.opt = {**settings.opt, **{str(k): v for k, v in value.items()}}
    elif key in ("select", "ignore"):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError("expected a list of codes, code prefixes or rule names")
        from .registry import selector_problem

        problems = [problem for problem in map(selector_problem, value) if problem]
        if problems:
            raise SettingsError("; ".join(problems))
        setattr(settings, key, value)
    elif key == "samEnv":
        if not isinstance(value, str) or not value:
            raise SettingsError("expected the name of a samconfig.toml environment, e.g. \"prod\"")
        from .formats.sam import with_environment

        settings.opt = with_environment(settings.opt, value)
    elif key == "noIgnores":
        if not isinstance(value, bool):
            raise SettingsError("expected true or false")
        settings.no_ignores = value
    elif key == "debounce":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SettingsError("expected milliseconds, 0 or more")
        settings.debounce_ms = value
    elif key == "ruleUrl":
        if not isinstance(value, str) or "{code}" not in value:
            raise SettingsError("expected a URL template with {code}, e.g. \"lintkit-rule:{code}\"")
        settings.rule_url = value
    else:
        raise SettingsError("unknown option")


# -- positions -------------------------------------------------------------------------------------

def code_units(text: str, encoding: str) -> int:
    """The length of `text` in the position encoding's code units."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def lsp_position(lines: list[str] | None, line: int, column: int, encoding: str) -> types.Position:
    """lintkit's 1-based line and 1-based code-point column as a 0-based LSP position in `encoding`
    code units, measured on the line's text (a column past the end of the line is its end)."""
    index, offset = max(line - 1, 0), max(column - 1, 0)
    if lines is None:
        return types.Position(line=index, character=offset)  # no text: assume one unit a character
    if index >= len(lines):
        return types.Position(line=len(lines), character=0)
    return types.Position(line=index, character=code_units(lines[index][:offset], encoding))


def lsp_range(lines: list[str] | None, span, encoding: str) -> types.Range:
    start = lsp_position(lines, span.line, span.column, encoding)
    end = lsp_position(lines, span.end_line, span.end_column, encoding)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start=start, end=end)


# -- one lint of a service -------------------------------------------------------------------------

@fieldclass
class Outcome:
    """What one lint of a service gives the server: LSP diagnostics per file, the files it read,
    and errors to log."""

    diagnostics: dict[Path, list[types.Diagnostic]] = field(default_factory=dict)
    files: set[Path] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    ok: bool = True


def lint_service(config: Path, texts: dict[Path, str], settings: Settings, encoding: str,
                 uris: dict[Path, str] | None = None, store=None) -> Outcome:
    """Lints the service of `config` with `texts` (path -> unsaved text) standing in for files, and
    converts its findings for the client. `store`: the service's SourceStore, whose parsed files
    of unchanged content the lint reuses. Never raises: failures are in `errors`, with ok False."""
    from .config import CONFIG_NAMES as LINTKIT_CONFIG_NAMES, ConfigError
    from .engine import Engine, Options
    from .read.overlay import buffers

    options = Options(as_of=settings.as_of or date.today(), opt=dict(settings.opt),
                      select=settings.select, ignore=settings.ignore, no_ignores=settings.no_ignores,
                      overlays=dict(texts), source_store=store)
    uris = uris or {}
    try:
        engine = Engine(options)
        with buffers(options.overlays):  # positions are measured on the text that was linted
            target = service_target(config)
            result = engine.run([target])
            outcome = Outcome(files=set(result.files), errors=list(result.internal_errors))
            lines = _LineReader(texts, target.project_root)
            for d in result.diagnostics:
                if d.path.name in LINTKIT_CONFIG_NAMES:  # shown on the config only when it is open
                    outcome.errors.append(f"{d.path}:{d.line}:{d.column}: {d.message}")
                outcome.files.add(d.path)
                outcome.diagnostics.setdefault(d.path, []).append(
                    to_lsp(d, lines, encoding, settings.rule_url, engine.redactor, uris))
        return outcome
    except ConfigError as error:
        return Outcome(errors=[f"{config}: {error}"], ok=False)
    except Exception:  # a bug must cost one lint, never the server
        return Outcome(errors=[f"internal error linting {config}:\n{traceback.format_exc()}"], ok=False)
    finally:
        if store is not None:
            store.sweep()


class _LineReader:
    """Lines of the files diagnostics point into: the unsaved text when there is one, else disk
    (inside the project only)."""

    def __init__(self, texts: dict[Path, str], project_root: Path):
        self._texts = texts
        self._root = os.path.realpath(project_root)
        self._cache: dict[Path, list[str] | None] = {}

    def __call__(self, path: Path) -> list[str] | None:
        if path not in self._cache:
            text = self._texts.get(path)
            if text is None:
                try:
                    text = read_bytes(path, root=self._root).decode("utf-8", errors="replace")
                except OSError:
                    text = None
            self._cache[path] = None if text is None else LINE_BREAK.split(text)  # the last line too
        return self._cache[path]


def rule_href(template: str, code: str) -> str:
    return template.replace("{code}", code)


def to_lsp(d, lines: _LineReader, encoding: str, rule_url: str, redactor, uris: dict[Path, str]
           ) -> types.Diagnostic:
    """A lintkit Diagnostic as an LSP one (its text valid Unicode, as in every report)."""
    from .redact import redact_source_line
    from .read.surrogates import replace_lone_surrogates

    related = []
    for span in d.related:
        text_lines = lines(span.path)
        snippet = ""
        if text_lines and 0 < span.line <= len(text_lines):
            snippet = replace_lone_surrogates(" ".join(
                redact_source_line(redactor, span.path, text_lines, span.line).split()))
            if len(snippet) > RELATED_TEXT_WIDTH:
                snippet = snippet[:RELATED_TEXT_WIDTH - 3] + "..."
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=uris.get(span.path) or from_fs_path(str(span.path)),
                                    range=lsp_range(text_lines, span, encoding)),
            message=snippet or f"related to {d.code}"))
    return types.Diagnostic(
        range=lsp_range(lines(d.path), d, encoding),
        severity=SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.code,
        code_description=types.CodeDescription(href=rule_href(rule_url, d.code)),
        source=SOURCE,
        message=replace_lone_surrogates(d.message),
        related_information=related or None,
        data=_with_fix({"name": d.name, "function": d.function and replace_lone_surrogates(d.function)},
                       d, lines, encoding, redactor),
    )


def _with_fix(data: dict, d, lines, encoding: str, redactor) -> dict:
    """The hook of lintkit/lsp_actions.py: a fix rides in the diagnostic's data, for code actions."""
    from .lsp_actions import fix_data

    fix = fix_data(d, lines(d.path), encoding, redactor, lsp_range)
    if fix is not None:
        data["fix"] = fix
    return data


def is_linted_file(path: Path) -> bool:
    name = path.name
    return (path.suffix in LINTED_SUFFIXES or name == ".env" or name.startswith(".env.")
            or name == SAMCONFIG)


def service_of(path: Path) -> Path | None:
    """The serverless.yml whose service `path` belongs to: itself, for a serverless.yml, unless
    an enclosing service includes it (`${file(./resources/serverless.yml)}`)."""
    if not is_config(path):
        return owning_service(path)
    owner = owning_service(path) if path.is_file() else None  # an unsaved one is its own
    return owner if owner is not None and owner.parent != path.parent else path


def fs_path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    local = to_fs_path(uri)
    return Path(local).resolve() if local else None


# -- the server ------------------------------------------------------------------------------------

class LintkitServer(LanguageServer):
    def __init__(self, settings: Settings):
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = settings
        self.documents: dict[Path, str] = {}             # open document path -> its URI
        self.reports: dict[Path, Outcome] = {}           # service config -> its last lint
        self.pending: dict[Path, asyncio.Task] = {}      # service config -> scheduled lint
        self.stores: dict[Path, SourceStore] = {}        # service config -> its parsed sources
        self.shutdown_requested = False
        self.lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lintkit-lint")

    # logging -----------------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """Every message the server logs, redacted: errors may quote the project's files."""
        from .redact import redact

        message = redact(message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # no client to tell (it left): stderr is all there is
            print(f"lintkit: {message}", file=sys.stderr)

    def report_server_error(self, error: Exception, source) -> None:
        self.log(f"internal error: {error!r}", types.MessageType.Error)

    # documents ---------------------------------------------------------------------------------
    def text_of(self, path: Path) -> str | None:
        uri = self.documents.get(path)
        if uri is None:
            return None
        return self.workspace.get_text_document(uri).source

    def services_for(self, path: Path) -> set[Path]:
        """Services that read `path`: the one it lies in, and those that included it last time."""
        found = {config for config, outcome in self.reports.items() if path in outcome.files}
        own = service_of(path)
        if own is not None and (is_linted_file(path) or found):
            found.add(own)
        return found

    def watched_services(self, path: Path) -> set[Path]:
        """Services that read `path` and have a document open: the ones worth linting again."""
        return {config for config in self.services_for(path)
                if self.open_paths_of(config, self.reports[config].files if config in self.reports else set())}

    def open_paths_of(self, config: Path, files: set[Path]) -> list[Path]:
        """The open documents a lint of `config` speaks for: the files it read, and the files of
        its folder that lintkit reads (a handler no function names yet still gets its list)."""
        return [path for path in self.documents
                if path in files or (is_linted_file(path) and service_of(path) == config)]

    # linting -----------------------------------------------------------------------------------
    def schedule(self, configs: set[Path], delay_ms: int) -> None:
        """Lint each service after `delay_ms`, replacing a lint of it that is still waiting (the
        debounce); one already running finishes and publishes, and this one follows it."""
        for config in configs:
            waiting = self.pending.pop(config, None)
            if waiting is not None:
                waiting.cancel()
            self.pending[config] = asyncio.ensure_future(self._lint_later(config, delay_ms / 1000))

    async def _lint_later(self, config: Path, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
        finally:
            if self.pending.get(config) is asyncio.current_task():
                del self.pending[config]
        try:
            await self.lint(config)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log(f"internal error:\n{traceback.format_exc()}", types.MessageType.Error)

    async def lint(self, config: Path) -> None:
        texts = {path: self.text_of(path) for path in self.documents}
        texts = {path: text for path, text in texts.items() if text is not None}
        versions = {path: self.workspace.get_text_document(uri).version
                    for path, uri in self.documents.items()}
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        loop = asyncio.get_running_loop()
        store = self.stores.setdefault(config, SourceStore())
        outcome = await loop.run_in_executor(self.lint_thread, lint_service, config, texts,
                                             self.settings, encoding, dict(self.documents), store)
        for error in outcome.errors:
            self.log(error, types.MessageType.Error)
        if not outcome.ok:
            return  # keep what is shown; the log says why there is nothing new
        before = self.reports.get(config)
        self.reports[config] = outcome
        touched = outcome.files | (before.files if before else set())
        for path in self.open_paths_of(config, touched):
            self.publish(path, versions.get(path))

    def publish(self, path: Path, version: int | None = None) -> None:
        uri = self.documents.get(path)
        if uri is None:
            return
        diagnostics = [d for outcome in self.reports.values() for d in outcome.diagnostics.get(path, [])]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=version))

    def forget_unused_reports(self) -> None:
        for config in list(self.reports):
            if not self.open_paths_of(config, self.reports[config].files):
                del self.reports[config]
                self.stores.pop(config, None)


def create_server(settings: Settings) -> LintkitServer:
    from .lsp_actions import register_code_actions

    server = LintkitServer(settings)
    register_code_actions(server, fs_path, code_units)

    @server.feature(types.INITIALIZE)
    def initialize(ls: LintkitServer, params: types.InitializeParams) -> None:
        ls.settings, problems = ls.settings.updated(params.initialization_options)
        for problem in problems:
            ls.log(f"ignored {problem}", types.MessageType.Warning)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LintkitServer, params: types.DidOpenTextDocumentParams) -> None:
        path = fs_path(params.text_document.uri)
        if path is None:
            return
        ls.documents[path] = params.text_document.uri
        configs = ls.services_for(path)
        if configs:
            ls.schedule(configs, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LintkitServer, params: types.DidChangeTextDocumentParams) -> None:
        path = fs_path(params.text_document.uri)
        if path is not None and path in ls.documents:
            ls.schedule(ls.services_for(path), ls.settings.debounce_ms)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LintkitServer, params: types.DidSaveTextDocumentParams) -> None:
        path = fs_path(params.text_document.uri)
        if path is not None and path in ls.documents:
            ls.schedule(ls.services_for(path), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LintkitServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = fs_path(uri)
        if path is None or ls.documents.pop(path, None) is None:
            return
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        # Unsaved changes were dropped: the service's other open documents see the disk again.
        configs = ls.watched_services(path)
        ls.forget_unused_reports()
        if configs:
            ls.schedule(configs, 0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: LintkitServer, params: types.DidChangeWatchedFilesParams) -> None:
        configs = set()
        for change in params.changes:
            path = fs_path(change.uri)
            if path is not None and path not in ls.documents:  # open ones speak for themselves
                configs |= ls.watched_services(path)
        if configs:
            ls.schedule(configs, 0)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LintkitServer, params: types.HoverParams) -> types.Hover | None:
        return rule_hover(ls, params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LintkitServer, *args) -> None:
        ls.shutdown_requested = True
        for task in ls.pending.values():
            task.cancel()
        ls.pending.clear()

    return server


def rule_hover(ls: LintkitServer, params: types.HoverParams) -> types.Hover | None:
    """The documentation of the rules whose findings are under the cursor."""
    from .registry import find_rule

    path = fs_path(params.text_document.uri)
    if path is None:
        return None
    here = (params.position.line, params.position.character)
    shown, parts = set(), []
    for outcome in ls.reports.values():
        for d in outcome.diagnostics.get(path, []):
            start, end = d.range.start, d.range.end
            if not (start.line, start.character) <= here <= (end.line, end.character) or d.code in shown:
                continue
            shown.add(d.code)
            rule = find_rule(str(d.code))
            if rule is not None:
                parts.append(f"**{rule.code}** `{rule.name}` ({rule.severity})\n\n```text\n{rule.doc}\n```")
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(parts)))


def serve(args, stdin=None, stdout=None) -> int:
    """Runs the server on stdin/stdout (binary streams; the process's by default) until the client
    says exit; 0 after a shutdown request, 1 otherwise (the LSP convention)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="lintkit lsp: %(levelname)s %(name)s: %(message)s")
    server = create_server(Settings.from_args(args))
    stdin, stdout = stdin or sys.stdin.buffer, stdout or sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol stream
    try:
        server.start_io(stdin, stdout)
    finally:
        server.lint_thread.shutdown(wait=False, cancel_futures=True)
    return 0 if server.shutdown_requested else 1

