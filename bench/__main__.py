"""Run every `bench/bench_*.py` script in turn, each in its own interpreter (cold imports stay cold)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    failed = 0
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"\n=== {script.stem} ===", flush=True)
        failed += subprocess.run([sys.executable, str(script)], check=False).returncode != 0  # noqa: S603
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
