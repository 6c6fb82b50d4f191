"""PACKAGE008's severities, which the concise fixtures do not show: an error where a packaging step is
silently skipped or breaks, a warning for other unknown keys and for shapes that happen to work."""
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "PACKAGE008"


@pytest.mark.parametrize("case, severities", [
    ("bad-webpack-misspelt-include-modules", ["error", "warning"]),  # includeModule; keepOutputDir
    ("bad-webpack-include-modules-text", ["warning"]),               # 'true' works, by accident
    ("bad-webpack-include-modules-false-text", ["error"]),           # 'false' turns packing on
    ("bad-webpack-packager-options-list", ["error"]),
    ("bad-webpack-shapes", ["error", "error", "warning", "error", "error", "error", "warning"]),
    ("bad-esbuild-unknown-keys", ["warning", "warning", "error", "error", "warning"]),
])
def test_severities(run_lintkit, case, severities):
    _, out, err = run_lintkit("check", ".", "--format", "json", "--as-of", "2026-11-27",
                              "--select", "PACKAGE008", cwd=FIXTURES / case)
    found = json.loads(out)
    diagnostics = found["diagnostics"] if isinstance(found, dict) else found
    assert [d["severity"] for d in sorted(diagnostics, key=lambda d: (d["line"], d["column"]))] == severities, err
