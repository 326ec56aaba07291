"""``gatewatch box``: add, list, point, backfill, pull and remove boxes of a running receiver.

Talks to the receiver's ``/api/boxes`` (this PC by default, on the port in the
settings); over the network give ``--receiver URL --token TOKEN``. Exit codes:
0 done, 1 the box or the job failed, 2 bad arguments or no receiver.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from gui.cli import SUBCOMMANDS


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Manage the boxes a running Gatewatch talks to: add one by address, point it at "
        "the receiver, fill gaps from its own store, pull its real-time events."
    )
    p.add_argument("--receiver", help="receiver base URL (default: this PC, port from settings)")
    p.add_argument(
        "--token",
        default=os.environ.get("GATEWATCH_API_TOKEN"),
        help="API token for a receiver on another PC (or GATEWATCH_API_TOKEN)",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a box by its address (probes firmware, logs in)")
    add.add_argument("address")
    add.add_argument("--username", default="admin")
    add.add_argument(
        "--password",
        default=None,
        help="default admin; or set GATEWATCH_BOX_PASSWORD (kept out of shell history)",
    )
    add.add_argument("--point", action="store_true", help="point it at the receiver right away")
    sub.add_parser("list", help="the boxes and their state")
    point = sub.add_parser("point", help="set the box's push URLs to this receiver")
    point.add_argument("box", help="box id, address or serial")
    point.add_argument("--to", dest="target", help="receiver base URL the box should use")
    point.add_argument(
        "--replace", action="store_true", help="drop the box's other push URLs (default: keep them)"
    )
    backfill = sub.add_parser("backfill", help="import events from the box's own store")
    backfill.add_argument("box")
    backfill.add_argument(
        "--since",
        help="ms since the epoch, ISO time, or like 2h / 30m / 1d "
        "(default: 5 min before the box's last stored event)",
    )
    backfill.add_argument("--until", help="same forms (default: now)")
    backfill.add_argument("--no-wait", action="store_true", help="start the job and return")
    pull = sub.add_parser("pull", help="pull real-time events over the box's WebSocket")
    pull.add_argument("box")
    pull.add_argument("state", choices=["on", "off"])
    remove = sub.add_parser("remove", help="forget a box")
    remove.add_argument("box")
    remove.add_argument(
        "--restore",
        action="store_true",
        help="put back the push URLs the box had before it was pointed here",
    )


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Api:
    def __init__(self, base: str, token: str | None) -> None:
        self.base = base.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("message") or str(exc)
            except ValueError:
                message = str(exc)
            raise ApiError(exc.code, message) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ApiError(0, f"no Gatewatch receiver at {self.base} ({reason})") from None


def _default_receiver() -> str:
    from gui import settings

    try:
        port = settings.load().port
    except Exception:
        port = 9528
    return f"http://127.0.0.1:{port}"


def parse_time(text: str | None, now_ms: int) -> int | None:
    """ms since the epoch, an ISO date/time (local), or an age like ``90m``, ``2h``, ``1d``."""
    if text is None:
        return None
    text = text.strip()
    units = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    if text[-1:] in units and text[:-1].replace(".", "", 1).isdigit():
        return now_ms - int(float(text[:-1]) * units[text[-1]])
    if text.isdigit():
        return int(text)
    try:
        return int(datetime.fromisoformat(text).timestamp() * 1000)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r}") from None


def _when(ms: int | None) -> str:
    if not ms:
        return "never"
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _find(api: Api, key: str) -> dict[str, Any]:
    boxes = api.call("GET", "/api/boxes")["boxes"]
    for box in boxes:
        if key in (box["id"], box["address"], box.get("serial")):
            return box
    raise ApiError(
        404, f"no box {key!r}; known: {', '.join(b['address'] for b in boxes) or 'none'}"
    )


def _describe(box: dict[str, Any]) -> str:
    st = box["state"]
    pull = st["pulling"]
    lines = [
        f"{box['id']}  {box['address']}  {box['family']} {box['firmware'] or '?'}  "
        f"serial {box['serial'] or '?'}  {len(box['cameras'])} camera(s)",
        f"    pointed at us: {'yes' if st['pointed'] else 'no'}"
        + (f" ({box['receiver']})" if box.get("receiver") else "")
        + f"; connected: {'yes' if st['connected'] else 'waiting' if st['pointed'] else 'no'}",
        f"    last event {_when(st['last_event_at'])}; last report {_when(st['last_report_at'])}",
        f"    real-time pull: {pull['state']}"
        + (f" ({pull['error']})" if pull.get("error") else ""),
    ]
    if st.get("gap"):
        lines.append(f"    gap: {st['gap']}")
    job = box.get("job")
    if job:
        lines.append(
            f"    backfill {job['id']}: {job['state']} {job['done']}/{job['total']} "
            f"({job['new']} new, {job['duplicates']} already stored) {job['message']}"
        )
    return "\n".join(lines)


def _progress(api: Api, job_id: str) -> int:
    tty = sys.stdout.isatty()
    last = ""
    try:
        while True:
            job = api.call("GET", f"/api/jobs/{job_id}")
            total = job["total"] or 0
            line = (
                f"backfill {job_id}: {job['done']}/{total} ({job['new']} new, "
                f"{job['duplicates']} already stored) {job['message']}"
            ).rstrip()
            if tty:
                bar = ""
                if total:
                    filled = int(30 * job["done"] / total)
                    bar = "[" + "#" * filled + "." * (30 - filled) + "] "
                print("\r" + bar + line[:100].ljust(100), end="", flush=True)
            elif line != last:
                print(line, flush=True)
            last = line
            if job["state"] != "running":
                if tty:
                    print()
                print(f"backfill {job['state']}: {job['message']}")
                return 0 if job["state"] == "done" else 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        api.call("DELETE", f"/api/jobs/{job_id}")
        print("\nbackfill cancelled")
        return 1


def run(args: argparse.Namespace) -> int:
    api = Api(args.receiver or _default_receiver(), args.token)
    try:
        return _run(api, args)
    except ApiError as exc:
        print(f"gatewatch box {args.action}: {exc.message}", file=sys.stderr)
        return 2 if exc.status in (0, 400, 403, 404) else 1
    except argparse.ArgumentTypeError as exc:
        print(f"gatewatch box {args.action}: {exc}", file=sys.stderr)
        return 2


def _run(api: Api, args: argparse.Namespace) -> int:
    if args.action == "add":
        password = args.password or os.environ.get("GATEWATCH_BOX_PASSWORD") or "admin"
        box = api.call(
            "POST",
            "/api/boxes",
            {"address": args.address, "username": args.username, "password": password},
        )
        print(_describe(box))
        print("    push URLs now: " + json.dumps(box["push"], ensure_ascii=False))
        if args.point:
            reply = api.call("POST", f"/api/boxes/{box['id']}/point", {})
            print("pointed; the box now pushes to: " + ", ".join(reply["push"].get("history", [])))
        return 0
    if args.action == "list":
        boxes = api.call("GET", "/api/boxes")["boxes"]
        if not boxes:
            print("no boxes yet: gatewatch box add ADDRESS")
        for box in boxes:
            print(_describe(box))
        return 0
    box = _find(api, args.box)
    if args.action == "point":
        body: dict[str, Any] = {"keep_others": not args.replace}
        if args.target:
            body["receiver"] = args.target
        reply = api.call("POST", f"/api/boxes/{box['id']}/point", body)
        for key, urls in reply["push"].items():
            print(f"{key:9} {', '.join(urls) or '-'}")
        print(
            "waiting for the first event or report to say connected (gatewatch box list shows it)"
        )
        return 0
    if args.action == "backfill":
        now = int(time.time() * 1000)
        body = {}
        since, until = parse_time(args.since, now), parse_time(args.until, now)
        if since is not None:
            body["since"] = since
        if until is not None:
            body["until"] = until
        try:
            job_id = api.call("POST", f"/api/boxes/{box['id']}/backfill", body)["job"]
        except ApiError as exc:
            if exc.status != 409:
                raise
            job_id = box["job"]["id"]
            print(f"a backfill of this box is already running ({job_id}); following it")
        if args.no_wait:
            print(job_id)
            return 0
        return _progress(api, job_id)
    if args.action == "pull":
        reply = api.call("PATCH", f"/api/boxes/{box['id']}", {"pull_realtime": args.state == "on"})
        print(f"real-time pull {args.state}: {reply['state']['pulling']['state']}")
        return 0
    if args.action == "remove":
        if not args.restore and box.get("restore_available"):
            print("(the box still pushes here; --restore puts back its previous URLs)")
        reply = api.call(
            "DELETE", f"/api/boxes/{box['id']}" + ("?restore=1" if args.restore else "")
        )
        print(
            f"removed {box['address']}"
            + (f"; push URLs restored: {reply['restored']}" if reply.get("restored") else "")
        )
        return 0
    return 2


SUBCOMMANDS["box"] = (configure, run)
