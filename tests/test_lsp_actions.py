"""The language server's code actions (lintkit/lsp_actions.py), driven by pygls' client over stdio:
a finding's fix as a quick fix, "Suppress CODE on this line" and `source.fixAll.lintkit`, each
WorkspaceEdit applied to the buffer and the result checked (also against `check --fix`)."""
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls: pip install -e '.[test]'")

from lsprotocol import types  # noqa: E402

from test_cli import DEPRECATED_SERVICE, make_service  # noqa: E402
from test_lsp import TIMEOUT, run, start, stop  # noqa: E402

import asyncio  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Applies LSP TextEdits (UTF-16 positions) to `text`, as an editor does."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(position: types.Position) -> int:
        before = sum(len(line) for line in lines[:position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units, index = 0, 0
        while index < len(line.rstrip("\r\n")) and units < position.character:
            units += 2 if ord(line[index]) > 0xFFFF else 1
            index += 1
        return before + index

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def actions(client, uri: str, range_: types.Range, only=None) -> list[types.CodeAction]:
    return await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=range_,
        context=types.CodeActionContext(diagnostics=[], only=only))), TIMEOUT)


def test_quick_fix_suppress_and_fix_all(tmp_path, run_lintkit):
    make_service(tmp_path / "svc", DEPRECATED_SERVICE)
    config = (tmp_path / "svc" / "serverless.yml").resolve()
    ssm = tmp_path / "ssm"
    shutil.copytree(REPO / "fixtures" / "SECRET006" / "bad-v3-suffixes", ssm,
                    ignore=shutil.ignore_patterns("expected"))
    ssm_config = (ssm / "serverless.yml").resolve()
    original = ssm_config.read_text()

    async def session(track):
        client, result = await start(options={"asOf": "2026-11-27", "select": ["RUNTIME001", "SECRET006"]})
        track(client)
        assert FIX_ALL in result.capabilities.code_action_provider.code_action_kinds

        uri = client.open(config, "yaml")
        (finding,) = await client.published(uri)
        assert finding.code == "RUNTIME001"
        found = await actions(client, uri, finding.range, [types.CodeActionKind.QuickFix])
        titles = [action.title for action in found]
        assert titles == ["Set `runtime` to nodejs24.x (unsafe)", "Suppress RUNTIME001 on this line"]
        fix, suppress = found
        assert not fix.is_preferred and fix.diagnostics[0].code == "RUNTIME001"
        text = config.read_text()
        fixed = apply_edits(text, fix.edit.changes[uri])
        assert fixed == text.replace("nodejs18.x", "nodejs24.x")
        suppressed = apply_edits(text, suppress.edit.changes[uri])
        assert suppressed == text.replace("nodejs18.x", "nodejs18.x  # lintkit: ignore[RUNTIME001]")
        # no unsafe fix in "fix all"
        assert not await actions(client, uri, finding.range, [FIX_ALL])
        # the suppressed buffer has no finding left
        client.change(uri, 2, suppressed)
        assert list(await client.published(uri, 2)) == []

        ssm_uri = client.open(ssm_config, "yaml")
        findings = await client.published(ssm_uri)
        assert len(findings) == 4
        whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=99, character=0))
        (fix_all,) = await actions(client, ssm_uri, whole, [FIX_ALL])
        assert fix_all.kind == FIX_ALL
        client.change(ssm_uri, 2, apply_edits(original, fix_all.edit.changes[ssm_uri]))
        assert list(await client.published(ssm_uri, 2)) == []
        await stop(client)
        return apply_edits(original, fix_all.edit.changes[ssm_uri])

    outcome = {}

    async def keep(track):
        outcome["fixed"] = await session(track)

    run(keep)
    # the same edits as the command line's --fix
    run_lintkit("check", ".", "--as-of", "2026-11-27", "--select", "SECRET006", "--fix", cwd=ssm)
    assert ssm_config.read_text() == outcome["fixed"] != original


FIX_ALL = "source.fixAll.lintkit"


INLINE_CODE = """Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        ZipFile: |
          const aws = require('aws-sdk')
          exports.handler = async () => {}
      Runtime: nodejs20.x
        # a comment
    Folded: >-
      text
"""


@pytest.mark.parametrize("line, inside", [(5, False), (6, True), (7, True), (8, False), (10, False),
                                          (11, True), (0, False)])
def test_no_suppression_is_offered_inside_inline_code(line, inside):
    """A `# lintkit: ignore[...]` appended to a line of a block scalar (inline `ZipFile` code) would
    become part of the code, so no "Suppress" action is offered there."""
    from lintkit.lsp_actions import _inside_block_scalar, _suppression

    assert _inside_block_scalar(INLINE_CODE, line) is inside
    diagnostic = types.Diagnostic(range=types.Range(start=types.Position(line=line, character=0),
                                                    end=types.Position(line=line, character=1)),
                                  message="m", code="CFN005")
    edit = _suppression(diagnostic, Path("serverless.yml"), INLINE_CODE, 10)
    assert (edit is None) is inside
