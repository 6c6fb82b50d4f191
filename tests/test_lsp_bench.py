"""bench/lsp_bench.py --quick drives a real `lintkit lsp` through initialize, opens and edits:
every step gets its response or publish (no timings asserted)."""
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "lsp_bench.py"


def test_quick_run_reaches_every_publish():
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    names = [line.split(":")[0] for line in done.stdout.splitlines()]
    assert names == ["initialize", "first diagnostics (20 functions)", "edit handler (20 functions)",
                     "edit serverless.yml (20 functions)", "load average"]
