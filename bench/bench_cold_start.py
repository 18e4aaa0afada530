"""Cold-start import cost of every function module (`functions.<dir>.app`), each in a fresh interpreter.

For each function, `python -X importtime -c "import functions.<dir>.app"` runs `--runs` times; the table shows
the median cumulative import time of the module (from `-X importtime`), the median wall time of the whole
interpreter (start-up included), the number of modules imported, and whether `openai` was imported — it must
not be: only the code path that calls OpenAI imports it (`bidcraft.ai.openai_engine`). The `openai` SDK's own
import cost is shown last, as the price the first OpenAI call pays.

The floor (`bench.cold_start_floor`: `import boto3, pydantic` and Powertools' `APIGatewayHttpResolver`,
which every function pays) is measured by the same method in the same run, interleaved with the functions:
each round measures the floor, then a few functions, then the floor again, and so on, so that load on a
shared machine hits both alike. "× floor" is a function's median import time over the floor's median import
time (issue 10's goal: ≤ 1.25 for every function). On a loaded machine wall-clock import times swing by
±30 % between runs, so each run also records the CPU time the import used (`time.process_time()` around the
import, same interpreter): "cpu ms" and "× floor (cpu)" are much less sensitive to other processes.

`--instructions` counts instead the machine instructions each import executes (valgrind's `lackey` tool, once
per module, in parallel; the interpreter's own start-up, `python -c pass`, is subtracted). The count is the
same on every run whatever the machine's load, so it is the figure to compare against the 1.25× goal on a
shared machine; it needs `valgrind` on PATH and takes a few minutes.

Usage: `python -m bench.bench_cold_start [--runs 9] [--json] [--instructions]` (numbers, not assertions; exit
1 only when a module fails to import or imports `openai` eagerly).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")
HEAVY = ("openai",)
# The import's CPU time, printed last; `time` is built into the interpreter (not an import worth counting).
_PROBE = "import time; _c = time.process_time(); import {module}; print(1000 * (time.process_time() - _c))"
FLOOR = "bench.cold_start_floor"
FLOOR_EVERY = 3  # functions measured between two floor measurements in a round
GOAL = 1.25  # × floor, issue 10


@dataclass
class Sample:
    target: str
    import_ms: float
    wall_ms: float
    cpu_ms: float
    modules: int
    heavy: list[str]
    error: str = ""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT), str(ROOT / "layers" / "common")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(module: str) -> Sample:
    """One fresh interpreter importing `module` with `-X importtime`."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter, a module name from our tree
        [sys.executable, "-X", "importtime", "-c", _PROBE.format(module=module)],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = (time.perf_counter() - started) * 1000
    cumulative = 0.0
    imported: list[str] = []
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        name = match.group(4)
        imported.append(name)
        if name == module:
            cumulative = int(match.group(2)) / 1000
    heavy = sorted({name.split(".")[0] for name in imported if name.split(".")[0] in HEAVY})
    error = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1][:120]
    cpu = float(done.stdout.split()[-1]) if not error and done.stdout.split() else 0.0
    return Sample(module, cumulative, wall, cpu, len(imported), heavy, error)


def function_modules() -> list[str]:
    return [f"functions.{path.parent.name}.app" for path in sorted((ROOT / "functions").glob("*/app.py"))]


def median_of(module: str, samples: list[Sample]) -> Sample:
    failed = next((s for s in samples if s.error), None)
    if failed:
        return failed
    return Sample(
        module,
        round(statistics.median(s.import_ms for s in samples), 1),
        round(statistics.median(s.wall_ms for s in samples), 1),
        round(statistics.median(s.cpu_ms for s in samples), 1),
        samples[-1].modules,
        samples[-1].heavy,
    )


def median_sample(module: str, runs: int) -> Sample:
    return median_of(module, [measure(module) for _ in range(runs)])


def interleaved(modules: list[str], runs: int) -> tuple[Sample, list[Sample]]:
    """`runs` rounds, each: the floor, `FLOOR_EVERY` modules, the floor again, … (medians of all samples)."""
    floor: list[Sample] = []
    samples: dict[str, list[Sample]] = {module: [] for module in modules}
    for round_ in range(runs):
        # Rotate the order each round so no function always follows the floor or always runs last.
        shift = round_ % len(modules) if modules else 0
        order = modules[shift:] + modules[:shift]
        for index, module in enumerate(order):
            if index % FLOOR_EVERY == 0:
                floor.append(measure(FLOOR))
            samples[module].append(measure(module))
        floor.append(measure(FLOOR))
    return median_of(FLOOR, floor), [median_of(module, samples[module]) for module in modules]


def times_floor(sample: Sample, floor: Sample) -> float:
    return round(sample.import_ms / floor.import_ms, 2) if floor.import_ms else 0.0


def times_floor_cpu(sample: Sample, floor: Sample) -> float:
    return round(sample.cpu_ms / floor.cpu_ms, 2) if floor.cpu_ms else 0.0


_INSTRUCTIONS = re.compile(r"guest instrs:\s+([\d,]+)")


def instructions(code: str) -> int:
    """Machine instructions `python -c code` executes (valgrind lackey), start-up included."""
    done = subprocess.run(  # noqa: S603 - valgrind running our own interpreter on our own module
        ["valgrind", "--tool=lackey", "--basic-counts=yes", sys.executable, "-c", code],  # noqa: S607
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    match = _INSTRUCTIONS.search(done.stderr)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"{code}: {(done.stderr.strip().splitlines() or ['failed'])[-1][:120]}")
    return int(match.group(1).replace(",", ""))


def instruction_table(modules: list[str]) -> int:
    """Each import's instruction count and its multiple of the floor's (deterministic: one run each)."""
    codes = ["pass", f"import {FLOOR}", *(f"import {module}" for module in modules)]
    print(f"counting instructions of {len(codes)} interpreters with valgrind (a few minutes)…", flush=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        counts = list(pool.map(instructions, codes))
    start_up, floor = counts[0], counts[1] - counts[0]
    print(f"{'module':32} {'M instructions':>15} {'× floor':>8}")
    print(f"{'(floor) boto3+pydantic+resolver':32} {floor / 1e6:15.1f} {1.0:8.2f}")
    for module, count in zip(modules, counts[2:], strict=True):
        ratio = (count - start_up) / floor
        note = f"over {GOAL}× floor" if ratio > GOAL else ""
        print(f"{module:32} {(count - start_up) / 1e6:15.1f} {ratio:8.2f}  {note}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--instructions", action="store_true", help="count instructions (valgrind) instead")
    args = parser.parse_args(argv)
    if args.instructions:
        if shutil.which("valgrind") is None:
            parser.error("--instructions needs valgrind on PATH")
        return instruction_table(function_modules())

    measure("json")  # warm the OS file cache and byte-code so the first function is not penalised
    floor, results = interleaved(function_modules(), args.runs)
    reference = median_sample("openai", args.runs)
    if args.json:
        rows = [
            {**asdict(r), "times_floor": times_floor(r, floor), "times_floor_cpu": times_floor_cpu(r, floor)}
            for r in [floor, *results]
        ]
        print(json.dumps([*rows, asdict(reference)], indent=2))
        return 1 if floor.error or any(r.error or r.heavy for r in results) else 0

    print(
        f"{'module':32} {'import ms':>10} {'× floor':>8} {'cpu ms':>8} {'× floor (cpu)':>14} {'wall ms':>9} "
        f"{'modules':>8}"
    )

    def row(label: str, r: Sample, note: str) -> None:
        numbers = (
            f"{r.import_ms:10.1f} {times_floor(r, floor):8.2f} "
            f"{r.cpu_ms:8.1f} {times_floor_cpu(r, floor):14.2f} {r.wall_ms:9.1f} {r.modules:8d}"
        )
        print(f"{label:32} {numbers}  {note}")

    row("(floor) boto3+pydantic+resolver", floor, "")
    for r in results:
        if r.error:
            print(f"{r.target:32} IMPORT FAILED: {r.error}")
            continue
        over = max(times_floor(r, floor), times_floor_cpu(r, floor)) > GOAL
        notes = ["openai IMPORTED (should be lazy)" if r.heavy else "", f"over {GOAL}× floor" if over else ""]
        row(r.target, r, "  ".join(n for n in notes if n))
    row("(reference) import openai", reference, "paid by the first OpenAI call only")
    return 1 if floor.error or any(r.error or r.heavy for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
