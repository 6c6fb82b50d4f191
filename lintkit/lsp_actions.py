"""Code actions of the language server (issue 16): each finding's fix as a quick fix, "Suppress CODE
on this line", and "Fix all safe fixes in this file" (`source.fixAll.lintkit`), with the edits the
command line's `--fix` makes.

Kept apart from lintkit/lsp.py, which hooks it in twice: `to_lsp` puts `fix_data` under each LSP
diagnostic's `data["fix"]`, and `create_server` calls `register_code_actions`; lsp.py hands over
its position helpers, so that this module does not import it back. The actions are
built from the diagnostics the server last published for the document (never from what a client
sends back), so an action edits only what lintkit reported.
"""
from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from .engine import comment_prefixes

FIX_ALL_KIND = "source.fixAll.lintkit"
# lintkit.lsp_handshake answers `initialize` with these before pygls loads (its CODE_ACTION_KINDS;
# tests/test_lsp_handshake.py keeps the two answers equal).
CODE_ACTION_KINDS = (types.CodeActionKind.QuickFix, FIX_ALL_KIND)
SUPPRESS_TITLE = "Suppress {code} on this line"


def fix_data(d, lines: list[str] | None, encoding: str, redactor, lsp_range) -> dict | None:
    """A diagnostic's fix for the client: title, applicability and its edits as LSP ranges in the
    negotiated encoding (`lsp_range(lines, span, encoding)`); None without one, or when an edit
    would write what the redactor masks."""
    fix = d.fix
    if fix is None or not fix.edits or fix.applicability == "display":
        return None
    if any(redactor(edit.replacement) != edit.replacement or edit.span.path != d.path for edit in fix.edits):
        return None
    edits = [{"range": _range_dict(lsp_range(lines, edit.span, encoding)), "newText": edit.replacement}
             for edit in fix.edits]
    return {"title": fix.title, "applicability": fix.applicability, "edits": edits}


def register_code_actions(server, fs_path, code_units) -> None:
    """Serves textDocument/codeAction; `fs_path(uri)` and `code_units(text, encoding)` are
    lintkit.lsp's."""
    options = types.CodeActionOptions(code_action_kinds=list(CODE_ACTION_KINDS))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def code_action(ls, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params, fs_path, code_units)


def code_actions(ls, params: types.CodeActionParams, fs_path, code_units) -> list[types.CodeAction]:
    uri = params.text_document.uri
    path = fs_path(uri)
    if path is None:
        return []
    published = [d for outcome in ls.reports.values() for d in outcome.diagnostics.get(path, [])]
    text = ls.text_of(path) or ""
    encoding = ls.workspace.position_encoding or types.PositionEncodingKind.Utf16
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wants(only, types.CodeActionKind.QuickFix):
        for d in published:
            if not _overlaps(d.range, params.range):
                continue
            fix = (d.data or {}).get("fix")
            if fix:
                actions.append(types.CodeAction(
                    title=fix["title"] + (" (unsafe)" if fix["applicability"] == "unsafe" else ""),
                    kind=types.CodeActionKind.QuickFix, diagnostics=[d],
                    is_preferred=fix["applicability"] == "safe",
                    edit=_workspace_edit(uri, fix["edits"], text)))
            suppression = _suppression(d, path, text, code_units(_line(text, d.range.start.line), encoding))
            if suppression is not None:
                actions.append(types.CodeAction(
                    title=SUPPRESS_TITLE.format(code=d.code), kind=types.CodeActionKind.QuickFix,
                    diagnostics=[d], edit=types.WorkspaceEdit(changes={uri: [suppression]})))
    if _wants(only, FIX_ALL_KIND):
        edits = _safe_edits(published)
        if edits:
            actions.append(types.CodeAction(title="Fix all safe fixes in this file", kind=FIX_ALL_KIND,
                                            edit=_workspace_edit(uri, edits, text)))
    return actions


def _wants(only: list[str] | None, kind: str) -> bool:
    """Whether the client asked for actions of `kind` (`only` lists kinds or their parents)."""
    return not only or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _safe_edits(published) -> list[dict]:
    """The edits of every safe fix, in document order, a fix whose edits overlap one taken left out
    (as `--fix` leaves it for its next round)."""
    taken: list[dict] = []
    fixes = [d.data["fix"] for d in published if (d.data or {}).get("fix")
             and d.data["fix"]["applicability"] == "safe"]
    for fix in sorted(fixes, key=lambda fix: _start(fix["edits"][0])):
        if any(_edits_overlap(edit, other) for edit in fix["edits"] for other in taken):
            continue
        taken.extend(fix["edits"])
    return taken


def _start(edit: dict) -> tuple[int, int]:
    start = edit["range"]["start"]
    return start["line"], start["character"]


def _edits_overlap(a: dict, b: dict) -> bool:
    a_start, a_end = _start(a), (a["range"]["end"]["line"], a["range"]["end"]["character"])
    b_start, b_end = _start(b), (b["range"]["end"]["line"], b["range"]["end"]["character"])
    return a_start == b_start or (a_start < b_end and b_start < a_end)


def _workspace_edit(uri: str, edits: list[dict], text: str) -> types.WorkspaceEdit:
    """The edits as a WorkspaceEdit, `\\n` in new text written as the document writes its lines."""
    newline = "\r\n" if "\r\n" in text else "\n"
    return types.WorkspaceEdit(changes={uri: [types.TextEdit(
        range=types.Range(start=types.Position(**edit["range"]["start"]),
                          end=types.Position(**edit["range"]["end"])),
        new_text=edit["newText"].replace("\n", newline)) for edit in edits]})


def _line(text: str, number: int) -> str:
    from .read.lines import split_lines

    lines = split_lines(text) if text else []
    return lines[number] if number < len(lines) else ""


def _suppression(d: types.Diagnostic, path: Path, text: str, line_end: int) -> types.TextEdit | None:
    """`  # lintkit: ignore[CODE]` (`//` in sources and schema.prisma) at the end of the
    diagnostic's first line (`line_end` code units long); None for a SUPPRESS finding
    (suppressing one is removing it)."""
    code = str(d.code or "")
    if not code or code.startswith("SUPPRESS"):
        return None
    if path.suffix in (".yml", ".yaml") and _inside_block_scalar(text, d.range.start.line):
        return None  # inline code (`ZipFile: |`): a `#` comment there would become part of the code
    end = types.Position(line=d.range.start.line, character=line_end)
    marker = comment_prefixes(path)[0]
    return types.TextEdit(range=types.Range(start=end, end=end), new_text=f"  {marker} lintkit: ignore[{code}]")


def _inside_block_scalar(text: str, line: int) -> bool:
    """Whether 0-based `line` lies inside a `|` or `>` block scalar's content (not its header)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.ScalarEvent) and event.style in ("|", ">"):
                end = event.end_mark  # at the next line's start when the content ends with a break
                if event.start_mark.line < line and (line < end.line or (line == end.line and end.column)):
                    return True
    except yaml.YAMLError:
        return False
    return False


def _range_dict(range_: types.Range) -> dict:
    return {"start": {"line": range_.start.line, "character": range_.start.character},
            "end": {"line": range_.end.line, "character": range_.end.character}}
