"""bench/bench.py runs end to end (one quick run on a tiny seed and corpus, without checkov), so that
the benchmark cannot rot."""
import json
import subprocess
import sys
from pathlib import Path

from test_cli import GOOD_SERVICE, HANDLER, make_service

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench.py"


def test_benchmark_runs_on_a_tiny_input(tmp_path):
    seed = make_service(tmp_path / "seed")
    (seed / "src" / "handlers").mkdir()
    (seed / "src" / "handlers" / "users.ts").write_text(HANDLER)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a__serverless.yml").write_text(GOOD_SERVICE)
    (corpus / "a__serverless.yaml").write_text(GOOD_SERVICE.replace("nodejs24.x", "nodejs18.x"))
    (corpus / "notes.txt").write_text("not a service")
    report = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1", "--quick", "--no-checkov", "--seed", str(seed),
         "--corpus", str(corpus), "--json", str(report)],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "| seed | lintkit |" in done.stdout and "| editor | lintkit |" in done.stdout
    data = json.loads(report.read_text())
    assert {r["tool"] for r in data["results"]} == {"lintkit"}
    results = {r["input"]: r for r in data["results"]}
    assert set(results) == {"seed", "corpus", "editor"}
    assert data["notes"]["corpus"].startswith("2 services")
    assert "--stdin-filename" in results["editor"]["command"]
    assert results["corpus"]["exit_codes"] == [1]  # nodejs18.x is deprecated: a finding
    assert all(r["wall_ms"] > 0 and r["peak_rss_mb"] > 0 for r in results.values())
