"""The text report without colour is written without Rich: it must be what Rich prints uncoloured,
character for character, whatever the messages, paths and source lines hold."""
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.model.diagnostics import Diagnostic
from lintkit.reporters import ReportContext
from lintkit.reporters import text as text_reporter

# tabs, line breaks, control codes Rich drops or keeps, wide and zero-width characters, combining marks
ALPHABET = st.sampled_from(list("ab ~^|\t\t\n\r\x00\x07\x08\x0b\x0c\x1b\x7f\x85\x9b日本\u0301\u200b\ufeff"
                                "\U0001F600é\uff21\u3000\u2028"))
TEXT = st.text(ALPHABET, max_size=40)


def rich_uncoloured(diagnostics, report) -> str:
    from rich.console import Console
    from rich.text import Text

    stream = io.StringIO()
    console = Console(file=stream, force_terminal=False, no_color=True, color_system=None,
                      highlight=False, markup=False, emoji=False, soft_wrap=True)
    for line in text_reporter.report_lines(diagnostics, report):
        console.print(Text.assemble(*line))
    return stream.getvalue()


@settings(max_examples=300, deadline=None)
@given(messages=st.lists(TEXT, min_size=1, max_size=3), names=st.lists(TEXT, min_size=3, max_size=3),
       source=st.lists(TEXT, min_size=1, max_size=4), columns=st.lists(st.integers(0, 50), min_size=3,
                                                                      max_size=3))
def test_plain_text_is_what_rich_prints_without_colour(messages, names, source, columns):
    diagnostics = [
        Diagnostic("X001", f"x-{names[i % 3]}", ("error", "warning", "info")[i % 3], message,
                   Path(f"/p/{names[(i + 1) % 3].replace('/', '')}"), 1 + i % len(source), columns[i % 3],
                   1 + i % len(source), columns[i % 3] + i * 3, function=names[(i + 2) % 3] or None)
        for i, message in enumerate(messages)
    ]
    report = ReportContext(cwd=Path("/p"), files_checked=2, read_source=lambda path: source, color=False,
                           services=1, redact=lambda text: text.replace("a", "****"))
    plain = io.StringIO()
    text_reporter.render(diagnostics, report, plain)
    assert plain.getvalue() == rich_uncoloured(diagnostics, report)


# -- terminals (issue 12, item 7) ---------------------------------------------------------------------
def _report(diagnostics, width=None, lines=None):
    import io

    from lintkit.reporters import ReportContext, render

    stream = io.StringIO()
    render("text", diagnostics, ReportContext(cwd=Path("/p"), width=width, color=False,
                                              read_source=lambda path: lines), stream)
    return stream.getvalue()


def _diagnostic(column=3, end=8, code="RUNTIME001", message="word " * 40):
    from lintkit.model.diagnostics import Diagnostic

    return Diagnostic(code=code, name="deprecated-runtime", severity="error", message=message.strip(),
                      path=Path("/p/serverless.yml"), line=1, column=column, end_line=1, end_column=end)


def test_messages_wrap_at_words_with_a_hanging_indent_at_the_terminal_width():
    text = _report([_diagnostic()], width=80)
    message = text.splitlines()[1:6]
    assert message[0].startswith("error RUNTIME001 [deprecated-runtime]: word")
    assert all(len(line) <= 80 for line in message) and message[1].startswith("    word")
    assert " ".join(" ".join(message).split()).count("word") == 40  # nothing lost
    assert all("word" not in line for line in _report([_diagnostic()]).splitlines()[2:])  # a pipe: one line


def test_findings_on_one_line_share_one_code_frame():
    lines = ["runtime: nodejs16.x  timeout: 900"]
    text = _report([_diagnostic(1, 8, message="first"), _diagnostic(22, 29, "RUNTIME003", "second")],
                   lines=lines)
    assert text.count("runtime: nodejs16.x") == 1
    assert text.count("^~~~~~") == 2


def test_term_dumb_means_no_colour(monkeypatch):
    import io

    from lintkit.reporters.text import use_color

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_color(None, Terminal())
    monkeypatch.setenv("TERM", "dumb")
    assert not use_color(None, Terminal())


def test_rules_and_rule_fit_an_80_column_terminal(monkeypatch, capsys):
    import sys

    from lintkit import cli

    monkeypatch.setattr(cli, "terminal_width", lambda stream: 80)
    cli.list_rules()
    listing = capsys.readouterr().out.splitlines()
    assert listing and all(len(line) <= 80 for line in listing)
    cli.show_rule("VPC001")
    doc = capsys.readouterr().out.splitlines()
    prose = [line for line in doc if line and not line[0].isspace()]
    assert all(len(line) <= 80 for line in prose)


def test_the_progress_bar_cuts_the_path_first():
    from lintkit.cli import shorten_left

    assert shorten_left("services/orders/api", 40) == "services/orders/api"
    assert shorten_left("services/orders/api", 12) == "...rders/api"
    assert shorten_left("services/orders/api", 2) == ""
