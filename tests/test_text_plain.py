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
