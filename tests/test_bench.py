"""bench/bench.py runs end to end (one quick run on a tiny seed and corpus, without checkov), so that
the benchmark cannot rot."""
import json
import subprocess
import sys
from pathlib import Path

from test_cli import GOOD_SERVICE, HANDLER, make_service

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench.py"


def tiny_inputs(tmp_path):
    seed = make_service(tmp_path / "seed")
    (seed / "src" / "handlers").mkdir()
    (seed / "src" / "handlers" / "users.ts").write_text(HANDLER)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a__serverless.yml").write_text(GOOD_SERVICE)
    (corpus / "a__serverless.yaml").write_text(GOOD_SERVICE.replace("nodejs24.x", "nodejs18.x"))
    (corpus / "notes.txt").write_text("not a service")
    return seed, corpus


def test_benchmark_runs_on_a_tiny_input(tmp_path):
    seed, corpus = tiny_inputs(tmp_path)
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
    assert set(results) == {"seed", "corpus", "corpus-warm", "editor"}
    assert data["notes"]["corpus"].startswith("2 services")
    assert "--stdin-filename" in results["editor"]["command"]
    assert results["corpus"]["exit_codes"] == [1]  # nodejs18.x is deprecated: a finding
    assert all(r["wall_ms"] > 0 and r["peak_rss_mb"] > 0 for r in results.values())


def quick_results(tmp_path, flag: str) -> list[dict]:
    """The results of one quick run without checkov on the tiny inputs, with `flag`."""
    seed, corpus = tiny_inputs(tmp_path)
    report = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1", "--quick", flag, "--no-checkov", "--seed",
         str(seed), "--corpus", str(corpus), "--json", str(report)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(report.read_text())["results"]


def test_the_scale_workloads_run_and_judge_growth_against_the_corpus(tmp_path):
    results = {r["input"]: r for r in quick_results(tmp_path, "--scale")}
    assert set(results) == {"seed", "corpus", "corpus-warm", "corpus-30x", "functions-1000", "editor"}
    assert results["corpus-30x"]["exit_codes"] == [1]  # two copies of the deprecated runtime
    assert "the corpus's time" in results["corpus-30x"]["targets"]
    assert "peak memory" in results["corpus-30x"]["targets"]
    assert results["functions-1000"]["wall_ms"] > 0


def test_the_floor_is_timed_for_each_input_without_verdicts(tmp_path):
    floors = [r for r in quick_results(tmp_path, "--floor") if r["tool"] == "floor"]
    assert {r["input"] for r in floors} == {"seed", "corpus", "editor"}
    assert all(r["targets"] == "" and r["exit_codes"] == [0] and r["wall_ms"] > 0 for r in floors)
