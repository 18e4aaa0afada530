"""Build check: what a Lambda artifact ships must be what the tests ran (issue 10 item 13).

The layer and the functions' extra dependencies are downloaded for the runtime's platform (python3.13 on
Amazon Linux 2023, `manylinux_2_28_x86_64`), constrained to the versions installed in the virtualenv that runs
the tests (`constraints` writes them). This check then compares every distribution the artifact holds with the
one the virtualenv has: a different version — or a distribution the tests never installed — fails the build,
instead of a deploy shipping a package the tests never ran (Pillow 12.2 in the layer, 13.0 in the tests).

    python pins.py constraints > venv-constraints.txt      (run with the virtualenv's python)
    python pins.py check ARTIFACT_DIR                      (after `pip install --target ARTIFACT_DIR ...`)

Not part of the `bidcraft` package and not shipped: the build runs it with the virtualenv's interpreter.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata

# The Lambda runtime provides these (the build removes them from the artifacts): never compared.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(paths: Iterable[str] | None = None) -> dict[str, str]:
    """{canonical name: version} of the distributions on `paths` (default: this interpreter's sys.path)."""
    found: dict[str, str] = {}
    dists = metadata.distributions() if paths is None else metadata.distributions(path=list(paths))
    for dist in dists:
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonical(name), dist.version)
    return found


def mismatches(artifact: Mapping[str, str], tested: Mapping[str, str]) -> list[str]:
    """One line per shipped distribution whose version differs from the tested one, or that was not tested."""
    problems = []
    for name, version in sorted(artifact.items()):
        if name in RUNTIME_PROVIDED or name == "bidcraft":
            continue
        if name not in tested:
            problems.append(f"{name}=={version} is shipped but not installed where the tests run")
        elif tested[name] != version:
            problems.append(f"{name}=={version} is shipped but the tests run {name}=={tested[name]}")
    return problems


def constraints(tested: Mapping[str, str]) -> str:
    return "".join(f"{name}=={version}\n" for name, version in sorted(tested.items()) if name != "bidcraft")


def main(argv: list[str]) -> int:
    if argv[:1] == ["constraints"]:
        sys.stdout.write(constraints(installed()))
        return 0
    if argv[:1] == ["check"] and len(argv) == 2:
        problems = mismatches(installed([argv[1]]), installed())
        for line in problems:
            print(f"pins: {line}", file=sys.stderr)
        if problems:
            print(
                "pins: rebuild the virtualenv (make venv) or align pyproject.toml, then build again",
                file=sys.stderr,
            )
            return 1
        print(f"pins: every distribution in {argv[1]} is the version the tests run")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
