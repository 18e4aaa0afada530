"""`python -m devserver` (`make dev`): the whole API on http://127.0.0.1:$PORT, AWS emulated in-process."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from devserver.cfn import TemplateError
from devserver.schedule import fire_schedule
from devserver.stack import RunningStack, start_stack


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devserver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT") or 3000), help="port (default $PORT or 3000)"
    )
    parser.add_argument("--template", default="template.yaml", help="SAM template (default template.yaml)")
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        type=_key_value,
        metavar="KEY=VALUE",
        help="template parameter override (repeatable)",
    )
    parser.add_argument(
        "--fire",
        action="append",
        default=[],
        metavar="FUNCTION",
        help="fire FUNCTION's schedule once at start",
    )
    parser.add_argument(
        "--retry-delay",
        type=int,
        default=1,
        help="seconds before a failed queue message is retried (default 1)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log lines")
    parser.add_argument("--no-warm-up", action="store_true", help="do not import the functions at start")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run every function in this process, one HTTP request at a time (for a debugger)",
    )
    return parser.parse_args(argv)


def banner(stack: RunningStack, startup_seconds: float) -> str:
    base = stack.base_url
    resources = stack.resources
    lines = [
        "",
        f"Bidcraft local stack ready in {startup_seconds:.2f}s",
        f"  API       {base}",
        f"  Docs      {base}/docs",
        f"  OpenAPI   {base}/openapi.json",
        f"  Webhooks  POST {base}/webhooks/upwork  (Standard Webhooks)",
        f"  Status    GET {base}/_local/status",
    ]
    schedules = [name for name, fn in stack.template.functions.items() if fn.schedules]
    for name in schedules:
        lines.append(f"  Schedule  POST {base}/_local/schedule/{name}")
    if stack.sandbox_url:
        lines += [
            f"  Upwork    sandbox at {stack.sandbox_url}/",
            f"            sign in: POST {base}/auth/upwork/init "
            '{"redirect_uri": "http://localhost:5173/callback"}, open authorization_url',
            "            (add &sandbox_user=<id>&sandbox_proposals=<n> to pick the account), then",
            f"            GET {base}/auth/upwork/callback?code=...&state=... with what it redirects to",
        ]
    elif stack.upwork_base_url:
        lines.append(f"  Upwork    {stack.upwork_base_url} (UPWORK_BASE_URL)")
    else:
        lines.append("  Upwork    sandbox unavailable (devserver.sandbox failed to import)")
    emulator = "moto, in-process" if stack.emulator.emulated_in_process else "external endpoint"
    lines.append(f"  AWS       {stack.emulator.endpoint_url} ({emulator}, {resources.region})")
    for title, group in (
        ("tables", stack.template.tables),
        ("queues", stack.template.queues),
        ("buckets", stack.template.buckets),
        ("keys", {**stack.template.keys, **stack.template.aliases}),
        ("secrets", stack.template.secrets),
    ):
        if group:
            lines.append(f"            {title}: {', '.join(group)}")
    for poller in stack.pollers:
        source = poller.source
        queue = source.queue_url.rsplit("/", 1)[-1]
        partial = ", partial failures" if source.report_batch_item_failures else ""
        batch = f"batch {source.batch_size}{partial}, up to {stack.invoker.concurrency} at once"
        lines.append(f"  Worker    {source.function} <- {queue} ({batch})")
    webhook_secret = resources.secret("webhook")
    if webhook_secret:
        lines.append(f"  Webhook secret (sign events with it): {webhook_secret}")
    lines.append("Ctrl-C stops.")
    return "\n".join(lines) + "\n"


def _fire(stack: RunningStack, names: list[str]) -> None:
    """Fire schedules from a thread: the worker may call the sandbox on this very server."""
    for name in names:
        try:
            results = fire_schedule(stack.invoker, name)
        except Exception:
            logging.getLogger("devserver").exception("firing %s's schedule failed", name)
        else:
            print(f"fired {name}: {json.dumps(results, default=str)}", file=sys.stderr, flush=True)


def _terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    started = time.perf_counter()
    overrides = dict(args.parameter)
    try:
        stack = start_stack(
            args.template,
            host=args.host,
            port=args.port,
            quiet=args.quiet,
            parameter_overrides=overrides,
            in_process=args.in_process,
        )
    except (FileNotFoundError, TemplateError) as exc:
        print(f"devserver: cannot read {args.template}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"devserver: cannot start on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _terminate)
    try:
        if not args.no_warm_up:
            stack.warm_up()
        stack.start_pollers(retry_delay=args.retry_delay)
        print(banner(stack, time.perf_counter() - started), flush=True)
        if args.fire:
            threading.Thread(
                target=_fire, args=(stack, args.fire), name="devserver-fire", daemon=True
            ).start()
        stack.server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopping ...", file=sys.stderr)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
