"""`python -m devserver.invoke FUNCTION EVENT.json` (`make invoke`): a no-Docker `sam local invoke`.

FUNCTION is a logical id (`AuthFunction`) or a code directory (`auth`); EVENT is a JSON file (`-` = stdin).
AWS is emulated as for `make dev` (or AWS_ENDPOINT_URL is used) and the Upwork sandbox is served on a free
port for the duration. The handler's result is printed to stdout as JSON; its logs go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from devserver.stack import start_stack
from devserver.template import load_template


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devserver.invoke", description=__doc__)
    parser.add_argument("function", help="logical id (AuthFunction) or code directory (auth)")
    parser.add_argument("event", help="event JSON file, or - for stdin")
    parser.add_argument("--template", default="template.yaml")
    return parser.parse_args(argv)


def read_event(source: str) -> Any:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    return json.loads(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        function = load_template(args.template).function(args.function)
    except KeyError as exc:
        print(f"devserver.invoke: {exc.args[0]}", file=sys.stderr)
        return 2
    event = read_event(args.event)
    stack = start_stack(args.template, port=0, quiet=True, in_process=True)
    stack.server.start_in_thread()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            try:
                result = stack.invoker.invoke(function.logical_id, event)
                failed = False
            except Exception as exc:
                result = {
                    "errorMessage": str(exc),
                    "errorType": type(exc).__name__,
                    "stackTrace": traceback.format_tb(exc.__traceback__),
                }
                failed = True
        print(json.dumps(result, indent=2, default=str))
        return 1 if failed else 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
