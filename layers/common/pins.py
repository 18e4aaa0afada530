"""The lock's one checker: the tests run, and the Lambda artifacts ship, what requirements.lock pins.

`requirements.lock` (written by `make lock`: `uv pip compile --universal --all-extras --generate-hashes`) pins
every distribution of the project — runtime, the functions' extras and the dev tools — once for every
environment, with the hash of each file; environment markers keep the few platform-only entries apart. Both
sides install from it: `make venv` syncs the virtualenv (CPython 3.11 here and in CI), and the layer and the
functions' extras are installed for the Lambda runtime (CPython 3.13 on Amazon Linux 2023, manylinux_2_28
x86_64) with the lock as hash-checked constraints. This module checks the three joints:

    python pins.py check ARTIFACT_DIR   every distribution the artifact ships is the version the lock pins
                                        for the Lambda runtime (one the lock lacks fails too: it had no hash)
    python pins.py stamp                record in the lock which pyproject.toml declarations it was made from
    python pins.py verify               the lock matches pyproject.toml (tests/unit/template/test_lock.py too)

Not part of the `bidcraft` package and not shipped: the build runs it with the virtualenv's interpreter.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"

# The Lambda runtime provides these (the build removes them from the artifacts): never compared.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})

# PEP 508 marker environment of the python3.13 runtime (Amazon Linux 2023, x86_64).
LAMBDA_ENVIRONMENT = {
    "implementation_name": "cpython",
    "implementation_version": "3.13.0",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.13.0",
    "python_version": "3.13",
    "sys_platform": "linux",
}

STAMP_PREFIX = "# pyproject.toml dependencies sha256: "
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)\s*(?:;(?P<marker>.*))?$")


@dataclass(frozen=True)
class Pin:
    """One entry of the lock: `name==version ; marker` with its file hashes."""

    name: str
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]

    def applies(self, environment: Mapping[str, str] | None = None) -> bool:
        """Whether the entry is installed in `environment` (default: this interpreter's)."""
        return self.marker is None or self.marker.evaluate(dict(environment) if environment else None)


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(text: str) -> list[Pin]:
    """The entries of a hashed requirements file (continuation lines joined, comments dropped)."""
    pins = []
    for line in re.sub(r"\\\n", " ", text).splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        hashes = tuple(re.findall(r"--hash=(\S+)", line))
        requirement = re.sub(r"\s*--hash=\S+", "", line).strip()
        match = _PIN.match(requirement)
        if match is None:
            raise ValueError(f"not an exact pin: {requirement!r}")
        marker = match["marker"]
        pins.append(
            Pin(
                canonical(match["name"]), match["version"], Marker(marker.strip()) if marker else None, hashes
            )
        )
    return pins


def pinned_for(pins: Iterable[Pin], environment: Mapping[str, str] | None = None) -> dict[str, str]:
    """{canonical name: version} of the entries that apply in `environment` (default: this interpreter's)."""
    chosen: dict[str, str] = {}
    for pin in pins:
        if pin.applies(environment):
            if pin.name in chosen and chosen[pin.name] != pin.version:
                raise ValueError(f"{pin.name} is pinned twice for one environment")
            chosen[pin.name] = pin.version
    return chosen


def installed(paths: Iterable[str] | None = None) -> dict[str, str]:
    """{canonical name: version} of the distributions on `paths` (default: this interpreter's sys.path)."""
    found: dict[str, str] = {}
    dists = metadata.distributions() if paths is None else metadata.distributions(path=list(paths))
    for dist in dists:
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonical(name), dist.version)
    return found


def mismatches(artifact: Mapping[str, str], locked: Mapping[str, str]) -> list[str]:
    """One line per shipped distribution whose version is not the locked one, or that the lock lacks."""
    problems = []
    for name, version in sorted(artifact.items()):
        if name in RUNTIME_PROVIDED or name == "bidcraft":
            continue
        if name not in locked:
            problems.append(f"{name}=={version} is shipped but requirements.lock does not pin it")
        elif locked[name] != version:
            problems.append(f"{name}=={version} is shipped but requirements.lock pins {name}=={locked[name]}")
    return problems


def declarations(pyproject: Mapping[str, Any]) -> dict[str, Any]:
    """What the lock is resolved from: the interpreter range and every dependency list of the project."""
    project = pyproject["project"]
    return {
        "requires-python": project.get("requires-python", ""),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }


def digest(pyproject: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(declarations(pyproject), sort_keys=True).encode()).hexdigest()


def stamp(lock_text: str, pyproject: Mapping[str, Any]) -> str:
    """The lock with its stamp line (after uv's header comment) set to `pyproject`'s declarations."""
    lines = [line for line in lock_text.splitlines() if not line.startswith(STAMP_PREFIX)]
    header = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    lines.insert(header, STAMP_PREFIX + digest(pyproject))
    return "\n".join(lines) + "\n"


def lock_problems(pyproject: Mapping[str, Any], lock_text: str) -> list[str]:
    """Why the lock does not match pyproject.toml (empty when it does)."""
    problems = []
    pins = read_lock(lock_text)
    versions: dict[str, list[str]] = {}
    for pin in pins:
        versions.setdefault(pin.name, []).append(pin.version)
        if not pin.hashes:
            problems.append(f"{pin.name}=={pin.version} has no hash in requirements.lock")
    declared = declarations(pyproject)
    every = [
        *declared["dependencies"],
        *(r for group in declared["optional-dependencies"].values() for r in group),
    ]
    for spec in every:
        requirement = Requirement(spec)
        name = canonical(requirement.name)
        if name == "bidcraft":  # an extra that includes another extra of the project itself
            continue
        if name not in versions:
            problems.append(f"{spec!r} is declared in pyproject.toml but requirements.lock does not pin it")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in versions[name]):
            problems.append(f"{spec!r} is declared but requirements.lock pins {name}=={versions[name][0]}")
    stamped = [line for line in lock_text.splitlines() if line.startswith(STAMP_PREFIX)]
    if stamped != [STAMP_PREFIX + digest(pyproject)]:
        problems.append("pyproject.toml's dependency lists changed since requirements.lock was made")
    return problems


def _load_pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"] and len(argv) == 2:
        locked = pinned_for(read_lock(LOCK.read_text(encoding="utf-8")), LAMBDA_ENVIRONMENT)
        problems = mismatches(installed([argv[1]]), locked)
        for line in problems:
            print(f"pins: {line}", file=sys.stderr)
        if problems:
            print(
                "pins: the artifact must be built from requirements.lock (make lock, then build)",
                file=sys.stderr,
            )
            return 1
        print(f"pins: every distribution in {argv[1]} is the version requirements.lock pins")
        return 0
    if argv == ["stamp"]:
        LOCK.write_text(stamp(LOCK.read_text(encoding="utf-8"), _load_pyproject()), encoding="utf-8")
        return 0
    if argv == ["verify"]:
        problems = lock_problems(_load_pyproject(), LOCK.read_text(encoding="utf-8"))
        for line in problems:
            print(f"pins: {line}", file=sys.stderr)
        if problems:
            print("pins: run `make lock` and commit requirements.lock with pyproject.toml", file=sys.stderr)
            return 1
        print("pins: requirements.lock matches pyproject.toml")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
