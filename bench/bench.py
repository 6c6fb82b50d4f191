#!/usr/bin/env python3
"""Times lintkit, and checkov when it is installed, on the same inputs, in one run.

    python bench/bench.py                       # 5 runs of each, lintkit and checkov interleaved
    python bench/bench.py --checkov /path/to/checkov --runs 7
    python bench/bench.py --variant "one=lintkit -- --jobs 1"   # another lintkit alongside
    python bench/bench.py --runs 1 --quick --no-checkov   # a smoke run (what the test does)
    python bench/bench.py --scale --runs 3                # also the 30× corpus and 1,000 functions
    python bench/bench.py --floor                         # also the floor: imports and parsing only

checkov is never a dependency of lintkit: install it in a venv of its own (`python3 -m venv
../bench-venv && ../bench-venv/bin/pip install checkov`). The script takes --checkov PATH, else
$LINTKIT_BENCH_CHECKOV, else checkov on PATH, else ../bench-venv/bin/checkov; without one it times
lintkit alone.

Inputs:
- seed: the seed project (../shared/seed/project beside the repository);
- corpus: every file of ../shared/corpus/serverless laid out as a service folder of its own
  (<tmp>/<file name>/serverless.yml), linted in one process: `lintkit check <tmp>`,
  `checkov -d <tmp> --framework serverless --skip-download`;
- corpus-30x (with --scale): the corpus laid out 30 times over, linted in one process: how time and
  memory grow with a monorepo's size (issue 15's target: at most 30 times the corpus's time, 80 MB);
- functions-1000 (with --scale): one service of 1,000 functions with a handler file each, generated
  by bench/scale.py (`--shape own`);
- corpus-warm: the same `lintkit check <tmp>` with lintkit's result cache filled by an untimed run
  before (LINTKIT_CACHE_DIR in a temporary folder, one per lintkit command), against checkov's
  corpus time (checkov keeps nothing between runs). Every other input runs with LINTKIT_NO_CACHE=1:
  what they time is linting;
- editor: one handler file of the seed checked on save: `lintkit check --stdin-filename FILE` with
  the file on standard input (`lintkit check FILE`, single-file mode, where --stdin-filename is not
  available). checkov has nothing comparable: it is timed against the 120 ms target only.

Each run is one whole process: wall time, CPU time (user + system) and peak resident memory come from
`os.wait4`, the per-child rusage (what `/usr/bin/time -v` reports; a process's rusage includes the
workers it waited for, its peak memory is that of its largest process). Numbers are medians over the
runs; lintkit and checkov alternate run by run, and which goes first alternates too, so that machine
noise falls on both. One untimed warm-up run of each command comes first.

lintkit runs from a bytecode cache (PYTHONPYCACHEPREFIX in a temporary folder, filled by the warm-up
run), as an installed wheel does: an editable install under PYTHONDONTWRITEBYTECODE=1 would compile
every module on every run. `--cold-bytecode` keeps the environment as it is.

The standard library only: the script must run in any Python 3.10+ (checkov lives in a venv of its
own, never in lintkit's dependencies).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_SEED = SHARED / "seed" / "project"
DEFAULT_CORPUS = SHARED / "corpus" / "serverless"
QUICK_CORPUS_FILES = 12
CONFIG_SUFFIXES = (".yml", ".yaml")
HANDLER_SUFFIXES = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".mts", ".cts")

# The targets of issue 15 ("Speed close to the floor"), as ratios measured in the same run.
RATIO_TARGET = {"seed": 1 / 25, "corpus": 1 / 12, "functions-1000": 1 / 6,
                "corpus-warm": 1 / 40}  # lintkit / checkov wall
EDITOR_TARGET_MS = 60.0
CHECKOV_INPUT = {"corpus-warm": "corpus"}  # the checkov run a lintkit input is compared with
CORPUS_MEMORY_TARGET_MB = 100.0
SCALE_COPIES = 30  # corpus-30x
SCALE_MEMORY_TARGET_MB = 80.0
SCALE_FUNCTIONS = 1000  # functions-1000
FLOOR = Path(__file__).resolve().parent / "floor.py"


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + system, of the process and the workers it waited for
    rss: float  # MB, peak resident set of the largest process
    exit_code: int


@dataclass
class Case:
    input: str  # seed | corpus | corpus-warm | corpus-30x | functions-1000 | editor
    tool: str  # lintkit | checkov
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    stdin: Path | None = None
    note: str = ""
    prime: bool = False  # run once untimed first, even without a warm-up (fills the result cache)
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(sample, attribute) for sample in self.samples)


def run_once(case: Case) -> Sample:
    """One whole process, measured with wait4: its own rusage, not the cumulative RUSAGE_CHILDREN."""
    stdin = open(case.stdin, "rb") if case.stdin else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        process = subprocess.Popen(case.argv, cwd=case.cwd, env=case.env, stdin=stdin,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # stderr is read after the exit: a benchmarked process writes little there (when it writes
        # more than a pipe holds, the run below is slower, never wrong: we read it before waiting).
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if case.stdin:
            stdin.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"bench: {case.tool} on {case.input} exited {process.returncode}:\n"
                         f"{' '.join(case.argv)}\n{errors.decode('utf-8', 'replace')[-2000:]}")
    rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, process.returncode)


def lintkit_command(option: str | None) -> list[str]:
    if option:
        return option.split()
    script = Path(sys.executable).with_name("lintkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lintkit"]


def find_checkov(option: str | None, disabled: bool) -> str | None:
    """--checkov, else $LINTKIT_BENCH_CHECKOV, else checkov on PATH, else ../bench-venv/bin/checkov
    (the README's venv beside the repository); None when there is none."""
    if disabled:
        return None
    given = option or os.environ.get("LINTKIT_BENCH_CHECKOV")
    if given:
        found = given if Path(given).is_file() else shutil.which(given)
        if not found:
            raise SystemExit(f"bench: checkov {given}: not found")
        return found
    beside = REPO.parent / "bench-venv" / "bin" / "checkov"
    return shutil.which("checkov") or (str(beside) if beside.is_file() else None)


def lay_out_corpus(corpus: Path, into: Path, limit: int | None) -> int:
    """Each corpus file becomes <into>/<file name>/serverless.yml (the file name, extension included,
    keeps `x.yml` and `x.yaml` apart)."""
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix in CONFIG_SUFFIXES)
    if limit is not None:
        files = files[:limit]
    for file in files:
        folder = into / file.name
        folder.mkdir(parents=True)
        shutil.copyfile(file, folder / "serverless.yml")
    return len(files)


def find_handler(seed: Path, option: str | None) -> Path | None:
    if option:
        path = Path(option)
        return path if path.is_absolute() else seed / path
    preferred = seed / "src" / "handlers" / "users.ts"
    if preferred.is_file():
        return preferred
    candidates = sorted(p for p in seed.rglob("*") if p.suffix in HANDLER_SUFFIXES
                        and "node_modules" not in p.parts and p.is_file())
    return candidates[0] if candidates else None


def supports_stdin_filename(lintkit: list[str], env: dict[str, str], cwd: Path) -> bool:
    help_text = subprocess.run([*lintkit, "check", "--help"], capture_output=True, text=True, env=env,
                               cwd=cwd)
    return "--stdin-filename" in help_text.stdout


def machine_facts(lintkit: list[str], checkov: str | None, env: dict[str, str]) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError):
        pass

    def version(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
            return (out.stdout.strip() or out.stderr.strip()).splitlines()[-1]
        except (OSError, subprocess.SubprocessError, IndexError):
            return "?"

    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load average before": load_average(),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "lintkit": version([*lintkit, "--version"]),
        "checkov": version([checkov, "--version"]) if checkov else "not installed",
    }


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows every run (the cores are shared)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "?"


def build_cases(args, work: Path) -> tuple[list[Case], dict[str, str]]:
    lintkit_args = args.lintkit_args.split() if args.lintkit_args else []
    lintkits = [("lintkit", lintkit_command(args.lintkit), lintkit_args)]
    for variant in args.variant:
        label, _, command = variant.partition("=")
        command, _, extra = command.partition(" -- ")
        if not label or not command.strip():
            raise SystemExit(f"bench: --variant {variant!r}: expected LABEL=COMMAND [-- CHECK ARGS]")
        lintkits.append((label, command.split(), extra.split()))
    checkov = find_checkov(args.checkov, args.no_checkov)
    base_env = dict(os.environ)
    lintkit_env = dict(base_env)
    lintkit_env.setdefault("NO_COLOR", "1")
    if not args.cold_bytecode:
        lintkit_env.pop("PYTHONDONTWRITEBYTECODE", None)
        lintkit_env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    lintkit_env.pop("LINTKIT_CACHE_DIR", None)
    warm_env = dict(lintkit_env)
    warm_env.pop("LINTKIT_NO_CACHE", None)
    lintkit_env["LINTKIT_NO_CACHE"] = "1"  # what lintkit does, not what it kept from another run
    notes = {f"{label} command": " ".join([*command, "check", *extra])
             for label, command, extra in lintkits}
    notes["checkov command"] = (f"{checkov} -d DIR --framework serverless --skip-download"
                                if checkov else "")

    cases: list[Case] = []
    seed = Path(args.seed).resolve()
    if not (seed / "serverless.yml").is_file() and not (seed / "serverless.yaml").is_file():
        raise SystemExit(f"bench: {seed}: no serverless.yml (give --seed DIR)")
    for label, lintkit, extra in lintkits:
        argv = [*lintkit, "check", *extra, str(seed)]
        cases.append(Case("seed", label, argv, seed, lintkit_env))
    if checkov:
        cases.append(Case("seed", "checkov", [checkov, "-d", str(seed), "--framework", "serverless",
                                              "--skip-download"], seed, base_env))

    corpus = Path(args.corpus).resolve()
    if corpus.is_dir():
        tree = work / "corpus"
        count = lay_out_corpus(corpus, tree, QUICK_CORPUS_FILES if args.quick else None)
        notes["corpus"] = f"{count} services, one folder each, linted in one process"
        for label, lintkit, extra in lintkits:
            argv = [*lintkit, "check", *extra, str(tree)]
            cases.append(Case("corpus", label, argv, work, lintkit_env))
        for index, (label, lintkit, extra) in enumerate(lintkits):
            argv = [*lintkit, "check", *extra, str(tree)]
            env = {**warm_env, "LINTKIT_CACHE_DIR": str(work / f"result-cache-{index}")}
            cases.append(Case("corpus-warm", label, argv, work, env, prime=True,
                              note="result cache filled by an untimed run"))
        if checkov:
            cases.append(Case("corpus", "checkov", [checkov, "-d", str(tree), "--framework",
                                                    "serverless", "--skip-download"], work, base_env))
    else:
        notes["corpus"] = f"skipped: {corpus} is not a folder"
    if args.scale:
        cases += scale_cases(args, work, lintkits, checkov, lintkit_env, base_env, notes)

    handler = find_handler(seed, args.handler)
    if handler is not None and handler.is_file():
        relative = handler.relative_to(seed) if handler.is_relative_to(seed) else handler
        for label, lintkit, _ in lintkits:
            if supports_stdin_filename(lintkit, lintkit_env, seed):
                argv = [*lintkit, "check", "--format", "json", "--stdin-filename", str(relative)]
                note = f"`--stdin-filename {relative}` (file on stdin), --format json"
                cases.append(Case("editor", label, argv, seed, lintkit_env, stdin=handler, note=note))
            else:
                argv = [*lintkit, "check", "--format", "json", str(relative)]
                note = f"`check {relative}`, single-file mode (no --stdin-filename), --format json"
                cases.append(Case("editor", label, argv, seed, lintkit_env, note=note))
            notes[f"editor ({label})"] = note
    else:
        notes["editor"] = "skipped: no handler file in the seed project"
    if args.floor:
        cases += floor_cases(cases, lintkit_env, notes)
    return cases, notes


def scale_cases(args, work: Path, lintkits, checkov: str | None, lintkit_env, base_env,
                notes: dict[str, str]) -> list[Case]:
    """corpus-30x and functions-1000 (`--scale`); with --quick, 2 copies and 50 functions."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scale

    cases: list[Case] = []
    inputs = []
    corpus = Path(args.corpus).resolve()
    if corpus.is_dir():
        copies = 2 if args.quick else SCALE_COPIES
        tree = work / "corpus-copies"
        count = sum(lay_out_corpus(corpus, tree / f"copy{n}", QUICK_CORPUS_FILES if args.quick else None)
                    for n in range(copies))
        notes["corpus-30x"] = f"{count} services: the corpus {copies} times over, in one process"
        inputs.append(("corpus-30x", tree))
    functions = 50 if args.quick else SCALE_FUNCTIONS
    service = work / "functions"
    scale.generate(service, functions, shape="own")
    notes["functions-1000"] = f"one service, {functions} functions, a handler file each (scale.py --shape own)"
    inputs.append(("functions-1000", service))
    for name, folder in inputs:
        for label, lintkit, extra in lintkits:
            cases.append(Case(name, label, [*lintkit, "check", *extra, str(folder)], work, lintkit_env))
        if checkov:
            cases.append(Case(name, "checkov", [checkov, "-d", str(folder), "--framework",
                                                "serverless", "--skip-download"], work, base_env))
    return cases


def floor_cases(cases: list[Case], env, notes: dict[str, str]) -> list[Case]:
    """The floor (bench/floor.py) for each input: this Python starts, imports PyYAML and tree-sitter,
    parses the input's serverless.yml files and handler sources, and stops."""
    floors = []
    for case in cases:
        if case.tool != "lintkit" or case.input == "corpus-warm":  # the corpus's floor is the same
            continue
        folder = case.cwd if case.input == "editor" else Path(case.argv[-1])
        floors.append(Case(case.input, "floor", [sys.executable, str(FLOOR), str(folder)], case.cwd, env))
    notes["floor"] = f"{sys.executable} bench/floor.py: Python, PyYAML, tree-sitter, parsing only"
    return floors


def measure(cases: list[Case], runs: int, warmup: bool, progress) -> None:
    for case in cases:
        if warmup or case.prime:
            run_once(case)
    by_input: dict[str, list[Case]] = {}
    for case in cases:
        by_input.setdefault(case.input, []).append(case)
    for index in range(runs):
        for group in by_input.values():
            # lintkit and checkov alternate; which goes first alternates run by run
            for case in (group if index % 2 == 0 else list(reversed(group))):
                case.samples.append(run_once(case))
        progress(f"run {index + 1}/{runs} done")


def verdicts(case: Case, checkov_wall: dict[str, float],
             corpus_wall: dict[str, float]) -> tuple[str, str]:
    """(lintkit/checkov wall ratio, the targets met or missed) for a lintkit case."""
    wall, rss = case.median("wall"), case.median("rss")
    ratio, found = "", []
    against = CHECKOV_INPUT.get(case.input, case.input)
    if against in checkov_wall:
        value = wall / checkov_wall[against]
        ratio = f"1/{1 / value:.1f}" if value else "0"
        target = RATIO_TARGET.get(case.input)
        if target is not None:
            met = value <= target
            found.append(f"{'met' if met else 'MISSED'}: wall ≤ 1/{round(1 / target)} of checkov's")
    if case.input == "editor":
        met = wall * 1000 <= EDITOR_TARGET_MS
        found.append(f"{'met' if met else 'MISSED'}: wall ≤ {EDITOR_TARGET_MS:.0f} ms")
    if case.input == "corpus":
        met = rss < CORPUS_MEMORY_TARGET_MB
        found.append(f"{'met' if met else 'MISSED'}: peak memory < {CORPUS_MEMORY_TARGET_MB:.0f} MB")
    if case.input == "corpus-30x":
        met = rss <= SCALE_MEMORY_TARGET_MB
        found.append(f"{'met' if met else 'MISSED'}: peak memory ≤ {SCALE_MEMORY_TARGET_MB:.0f} MB")
        if case.tool in corpus_wall:
            growth = wall / corpus_wall[case.tool]
            met = growth <= SCALE_COPIES
            found.append(f"{'met' if met else 'MISSED'}: {growth:.1f}× the corpus's time "
                         f"(≤ {SCALE_COPIES}×)")
    return ratio, "; ".join(found)


def report(cases: list[Case], facts: dict[str, str], notes: dict[str, str],
           runs: int) -> tuple[str, dict]:
    rows = ["| input | tool | wall (ms) | CPU (ms) | peak RSS (MB) | lintkit/checkov wall | targets |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    data: dict = {"machine": facts, "runs": runs, "notes": notes, "results": []}
    checkov_wall = {case.input: case.median("wall") for case in cases if case.tool == "checkov"}
    corpus_wall = {case.tool: case.median("wall") for case in cases if case.input == "corpus"}
    for case in cases:
        wall, cpu, rss = case.median("wall"), case.median("cpu"), case.median("rss")
        ratio, verdict = (verdicts(case, checkov_wall, corpus_wall)
                          if case.tool not in ("checkov", "floor") else ("", ""))
        rows.append(f"| {case.input} | {case.tool} | {wall * 1000:.0f} | {cpu * 1000:.0f} | {rss:.1f} | "
                    f"{ratio} | {verdict} |")
        data["results"].append({
            "input": case.input, "tool": case.tool, "command": case.argv, "note": case.note,
            "wall_ms": round(wall * 1000, 1), "cpu_ms": round(cpu * 1000, 1),
            "peak_rss_mb": round(rss, 1), "ratio": ratio, "targets": verdict,
            "wall_ms_all": [round(sample.wall * 1000, 1) for sample in case.samples],
            "exit_codes": sorted({sample.exit_code for sample in case.samples}),
        })
    lines = [f"lintkit benchmark, {runs} run{'s' if runs != 1 else ''} of each (medians)", ""]
    lines += [f"- {key}: {value}" for key, value in {**facts, **notes}.items() if value]
    lines += ["", *rows]
    return "\n".join(lines) + "\n", data


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default: 5)")
    parser.add_argument("--quick", action="store_true",
                        help=f"only the first {QUICK_CORPUS_FILES} corpus files and no warm-up run")
    parser.add_argument("--checkov", metavar="PATH", default=None,
                        help="checkov executable (default: $LINTKIT_BENCH_CHECKOV, else checkov on "
                             "PATH, else ../bench-venv/bin/checkov)")
    parser.add_argument("--no-checkov", action="store_true", help="time lintkit only")
    parser.add_argument("--floor", action="store_true",
                        help="also time the floor (bench/floor.py: start, imports, parsing only)")
    parser.add_argument("--scale", action="store_true",
                        help=f"also corpus-30x (the corpus {SCALE_COPIES} times) and functions-1000")
    parser.add_argument("--lintkit", metavar="CMD", default=None,
                        help="lintkit command (default: the lintkit script beside this Python)")
    parser.add_argument("--variant", metavar="LABEL=CMD", action="append", default=[],
                        help="another lintkit timed alongside (repeatable), with `check` arguments "
                             "for seed and corpus after ` -- `: before='env PYTHONPATH=/tmp/old "
                             "python -m lintkit', one='lintkit -- --jobs 1'")
    parser.add_argument("--lintkit-args", metavar="ARGS", default="",
                        help="more `lintkit check` arguments for seed and corpus, e.g. '--jobs 1'")
    parser.add_argument("--seed", metavar="DIR", default=str(DEFAULT_SEED), help="the seed project")
    parser.add_argument("--corpus", metavar="DIR", default=str(DEFAULT_CORPUS),
                        help="folder of serverless.yml files, one service each")
    parser.add_argument("--handler", metavar="FILE", default=None,
                        help="handler file for the editor case (default: the seed's "
                             "src/handlers/users.ts)")
    parser.add_argument("--cold-bytecode", action="store_true",
                        help="no bytecode cache for lintkit: keep PYTHONDONTWRITEBYTECODE as it is")
    parser.add_argument("--json", metavar="FILE", default=None, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lintkit-bench-") as tmp:
        work = Path(tmp)
        cases, notes = build_cases(args, work)
        checkov = next((case.argv[0] for case in cases if case.tool == "checkov"), None)
        facts = machine_facts(lintkit_command(args.lintkit), checkov, cases[0].env)

        def progress(message: str) -> None:
            print(f"bench: {message}", file=sys.stderr, flush=True)

        measure(cases, args.runs, warmup=not args.quick, progress=progress)
        facts["load average after"] = load_average()
        text, data = report(cases, facts, notes, args.runs)
    print(text, end="", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
