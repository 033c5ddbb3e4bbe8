"""How fast `leaflet serve` answers the kiosk, against `python -m http.server` in the same run.

A workspace copy (the repository's leaflet.toml, templates and translations, [build]
languages cut to en, ti, ar, zh-Hans) is built once in a temporary folder (not timed); then
`leaflet -w WS serve --db DB` (waitress, its default 8 threads, a new SQLite log) and, as the
anchor, `python -m http.server --directory` over the built edition's folder run side by side
on free localhost ports. A load generator in a separate process (its GIL is not the server's)
runs --clients concurrent clients for --seconds per phase:

  (a) kiosk pages   /kiosk/, /kiosk/ti/, /kiosk/ar/, /kiosk/en/officer, /kiosk/ti/fonts.css
                    in turn, on keep-alive HTTP/1.1 connections, as a browser asks for them;
  (b) station PDF   /pdf/ti/leaflet.pdf from `leaflet serve`;
  (c) static PDF    the same file (checked byte for byte) from `python -m http.server`.

http.server speaks HTTP/1.0 and closes every connection, so (b) and (c) are measured the same
way: a new TCP connection per request, latency from connect to the last byte of the body.
(b) and (c) each get --seconds, in two halves run (b) (c) (c) (b), so that a noisy neighbour
on a shared machine hits both. http.server listens with a backlog of 5 (socketserver's
request_queue_size; waitress: 1024), so with 20 clients connecting at once the kernel may drop
a SYN, which the client retries after 1 s: such requests are counted (≥ 1 s) and show in the
anchor's p99. So the anchor serves fewer clients at once than the station does, and its
latency percentiles are not of the same load: with every client busy, latency is clients over
throughput (Little's law). The PDF ratio is therefore taken on the time per request at
saturation (1 / req/s, station over anchor); the p95 and p50 ratios are printed beside it.
Before measuring, every URL is asked once (the first request
of a language renders its page and subsets its fonts) and then the whole mix is run for
WARMUP_S unmeasured. No cookie is kept: each /kiosk/ request is a new visitor.

Printed per phase (and per page in (a)): requests, req/s, p50/p95/p99 latency, errors (a
non-200 answer, a short or wrong body, an exception or a 10 s timeout; any error is printed
loudly and the figures of that run are not evidence). Goals:
- page p95 ≤ 50 ms, judged on the worst page of (a), not only on the mix;
- PDF ratio = time per request of (b) / that of (c) ≤ 2 (see above for why not p95).
The p95 and p50 ratios are printed for context, and so is the CPU each server and the client
used per phase (from /proc): a server near 100 % of one core is bound by its GIL, and a
client near 100 % would mean the client, not the server, limits the figures.

The client is asyncio over raw sockets (asyncio streams and a minimal HTTP/1.x reader), not
threads with http.client: one thread means no GIL hand-over between 20 client threads (a
thread whose answer has arrived can wait up to 5 ms for the GIL, which would count as server
latency), and it costs less CPU per request on a 2-core machine the server also needs.

    python benchmarks/serve.py [--seconds 20] [--clients 20] [--check]

--check exits 1 when a goal is missed or any request failed. About 75 s with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections import Counter
from pathlib import Path

from common import leaflet_command

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["en", "ti", "ar", "zh-Hans"]
PAGES = ["/kiosk/", "/kiosk/ti/", "/kiosk/ar/", "/kiosk/en/officer", "/kiosk/ti/fonts.css"]
STATION_PDF = "/pdf/ti/leaflet.pdf"
PAGE_GOAL_MS = 50.0
PDF_RATIO_GOAL = 2.0
WARMUP_S = 2.0
TIMEOUT_S = 10.0
HOST = "127.0.0.1"


# --- the load generator (runs in its own process: `serve.py --load-generator`) -------------

async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body length, server closes) of one HTTP/1.x response, body read in full."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    closes = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    if headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if chunk == 0:
                await reader.readuntil(b"\r\n")  # no trailers expected
                break
            size += len(await reader.readexactly(chunk))
            await reader.readexactly(2)
        return int(status), size, closes
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return int(status), len(body), closes
    return int(status), len(await reader.read()), True  # HTTP/1.0: the body ends at EOF


class _Connection:
    def __init__(self, port: int, keepalive: bool):
        self.port, self.keepalive = port, keepalive
        self.reader = self.writer = None
        self.connects = 0

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            self.connects += 1
        close = "" if self.keepalive else "Connection: close\r\n"
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
                          f"Accept-Encoding: identity\r\n{close}\r\n".encode())
        status, size, closes = await _read_response(self.reader)
        if closes or not self.keepalive:
            self.close()
        return status, size

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _phase(phase: dict, clients: int) -> dict:
    urls = phase["urls"]
    sizes = phase.get("sizes", {})
    latencies: list[list[float]] = [[] for _ in urls]
    errors: Counter = Counter()
    connects = 0
    deadline = time.perf_counter() + phase["seconds"]

    async def client(number: int):
        nonlocal connects
        conn = _Connection(phase["port"], phase["keepalive"])
        turn = number  # clients start at different pages of the mix
        while time.perf_counter() < deadline:
            index = turn % len(urls)
            turn += 1
            path = urls[index]
            start = time.perf_counter()
            try:
                status, size = await asyncio.wait_for(conn.get(path), TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 -- every failure is counted and shown
                conn.close()
                errors[f"{path}: {type(error).__name__} {error}"[:160]] += 1
                await asyncio.sleep(0.01)
                continue
            elapsed = time.perf_counter() - start
            if status != 200:
                errors[f"{path}: HTTP {status}"] += 1
            elif path in sizes and size != sizes[path]:
                errors[f"{path}: {size} bytes, expected {sizes[path]}"] += 1
            else:
                latencies[index].append(elapsed * 1000)
        conn.close()
        connects += conn.connects

    cpu = os.times()
    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    wall = time.perf_counter() - started
    used = os.times()
    return {"name": phase["name"], "port": phase["port"], "wall": wall, "urls": urls,
            "latencies": latencies,
            "errors": dict(errors), "connects": connects,
            "cpu": (used.user - cpu.user) + (used.system - cpu.system)}


def load_generator() -> None:
    """Read {"clients", "phases"} as JSON on stdin; write one JSON line per phase."""
    plan = json.load(sys.stdin)
    for phase in plan["phases"]:
        gc.collect()
        gc.disable()  # no collector pause inside a measured request
        result = asyncio.run(_phase(phase, plan["clients"]))
        gc.enable()
        print(json.dumps(result), flush=True)


# --- the benchmark ---------------------------------------------------------------------------

def copy_workspace(dest: Path, languages: list[str]) -> Path:
    """The project's workspace (as tests/conftest.py copies it), [build] languages cut."""
    import re

    dest.mkdir(parents=True)
    for name in ("templates", "translations"):
        shutil.copytree(ROOT / name, dest / name)
    text = (ROOT / "leaflet.toml").read_text(encoding="utf-8")
    listed = ", ".join(f'"{code}"' for code in languages)
    text = re.sub(r"(?ms)^languages = \[.*?\]$", f"languages = [{listed}]", text, count=1)
    (dest / "leaflet.toml").write_text(text, encoding="utf-8")
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=TIMEOUT_S) as answer:
        if answer.status != 200:
            raise SystemExit(f"GET {path} on port {port}: HTTP {answer.status}")
        return answer.read()


def start(command: list[str], log: Path, port: int, probe: str, env: dict) -> subprocess.Popen:
    """Start a server and wait (up to 60 s) until `probe` answers."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT)
    limit = time.monotonic() + 60
    while True:
        try:
            get(port, probe)
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > limit:
                stop(proc)
                raise SystemExit(f"{' '.join(command)} did not answer on port {port}:\n"
                                 + log.read_text(errors="replace")[-2000:])
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid`, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank quantile of a sorted list (NaN when empty)."""
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, max(0, math.ceil(q * len(sorted_ms)) - 1))]


def summary(latencies: list[float], errors: int, wall: float) -> dict:
    ordered = sorted(latencies)
    return {"requests": len(ordered) + errors, "rate": len(ordered) / wall,
            "p50": quantile(ordered, 0.50), "p95": quantile(ordered, 0.95),
            "p99": quantile(ordered, 0.99), "errors": errors}


def row(label: str, s: dict) -> str:
    flag = "  <-- ERRORS" if s["errors"] else ""
    return (f"{label:<34}{s['requests']:>8}{s['rate']:>9.1f}{s['p50']:>9.1f}{s['p95']:>9.1f}"
            f"{s['p99']:>9.1f}{s['errors']:>8}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase (default 20)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--load-generator", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        load_generator()
        return 0

    folder = Path(tempfile.mkdtemp(prefix="leaflet-bench-"))
    procs: list[subprocess.Popen] = []  # the two servers, then the client
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
        ws = copy_workspace(folder / "ws", LANGUAGES)
        subprocess.run(leaflet_command() + ["-w", str(ws), "build"], check=True, cwd=ROOT,
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        edition = tomllib.loads((ws / "leaflet.toml").read_text("utf-8"))["edition"]["id"]
        built = ws / "output" / edition
        manifest = json.loads((built / "manifest.json").read_text("utf-8"))
        pdf_name = manifest["languages"]["ti"]["pdf"]
        pdf = (built / pdf_name).read_bytes()
        static_pdf = f"/{pdf_name}"

        port, static_port = free_port(), free_port()
        procs.append(start([sys.executable, "-m", "leaflet", "-w", str(ws), "serve", "--db",
                              str(folder / "log.sqlite3"), "--port", str(port)],
                             folder / "serve.log", port, "/kiosk/", env))
        procs.append(start([sys.executable, "-m", "http.server", "--bind", HOST,
                              str(static_port), "--directory", str(built)],
                             folder / "http.server.log", static_port, static_pdf, env))
        for path in PAGES:  # the first request of a language renders it and cuts its fonts
            get(port, path)
        if get(port, STATION_PDF) != pdf or get(static_port, static_pdf) != pdf:
            raise SystemExit("the two servers do not send the same PDF as the build wrote")

        half = args.seconds / 2
        station = {"name": "station", "port": port, "urls": [STATION_PDF], "keepalive": False,
                   "sizes": {STATION_PDF: len(pdf)}, "seconds": half}
        static = {"name": "static", "port": static_port, "urls": [static_pdf],
                  "keepalive": False, "sizes": {static_pdf: len(pdf)}, "seconds": half}
        phases = [{"name": "warmup", "port": port, "urls": PAGES + [STATION_PDF],
                   "keepalive": True, "seconds": WARMUP_S},
                  {"name": "pages", "port": port, "urls": PAGES, "keepalive": True,
                   "seconds": args.seconds},
                  station, static, static, station]
        print(f"leaflet serve (waitress, 8 threads) with {', '.join(LANGUAGES)} built, against "
              f"python -m http.server; {args.clients} clients, {args.seconds:g} s per phase, "
              f"{os.cpu_count()} CPUs", flush=True)
        client = subprocess.Popen([sys.executable, __file__, "--load-generator"], cwd=ROOT,
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        procs.append(client)
        client.stdin.write(json.dumps({"clients": args.clients, "phases": phases}))
        client.stdin.close()
        results, before = [], [process_cpu(s.pid) for s in procs[:2]]
        for line in client.stdout:  # one line per phase, as it ends
            results.append(json.loads(line))
            now = [process_cpu(s.pid) for s in procs[:2]]
            results[-1]["server_cpu"] = now[0 if results[-1]["port"] == port else 1] - \
                before[0 if results[-1]["port"] == port else 1]
            before = now
        if client.wait() != 0 or len(results) != len(phases):
            raise SystemExit("the load generator failed")
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(folder, ignore_errors=True)

    merged: dict[str, dict] = {}
    for result in results:
        into = merged.setdefault(result["name"], {"wall": 0.0, "cpu": 0.0, "connects": 0,
                                                  "server_cpu": 0.0,
                                                  "errors": Counter(), "urls": result["urls"],
                                                  "latencies": [[] for _ in result["urls"]]})
        into["wall"] += result["wall"]
        into["cpu"] += result["cpu"]
        into["server_cpu"] += result["server_cpu"]
        into["connects"] += result["connects"]
        into["errors"].update(result["errors"])
        for mine, theirs in zip(into["latencies"], result["latencies"]):
            mine.extend(theirs)

    def errors_of(phase: dict, url: str | None = None) -> int:
        return sum(n for text, n in phase["errors"].items()
                   if url is None or text.startswith(url + ":"))

    pages, b, c = merged["pages"], merged["station"], merged["static"]
    print(f"\n{'phase':<34}{'requests':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}")
    page_rows = {}
    for url, lat in zip(pages["urls"], pages["latencies"]):
        page_rows[url] = summary(lat, errors_of(pages, url), pages["wall"])
    all_pages = summary([x for lat in pages["latencies"] for x in lat], errors_of(pages),
                        pages["wall"])
    print(row("(a) kiosk pages, keep-alive", all_pages))
    for url, s in page_rows.items():
        print(row(f"      {url}", s))
    sb = summary(b["latencies"][0], errors_of(b), b["wall"])
    sc = summary(c["latencies"][0], errors_of(c), c["wall"])
    print(row("(b) station PDF, new connection", sb))
    print(row("(c) http.server PDF, new conn.", sc))
    print(f"CPU, % of one core:  server (a) {pages['server_cpu'] / pages['wall']:.0%}, "
          f"(b) {b['server_cpu'] / b['wall']:.0%}, (c) {c['server_cpu'] / c['wall']:.0%};  "
          f"client (a) {pages['cpu'] / pages['wall']:.0%}, (b) {b['cpu'] / b['wall']:.0%}, "
          f"(c) {c['cpu'] / c['wall']:.0%}")
    slow = {name: sum(x >= 1000 for x in phase["latencies"][0]) for name, phase in
            (("b", b), ("c", c))}
    print(f"(a) opened {pages['connects']} connections for {all_pages['requests']} requests; "
          f"PDF {len(pdf) / 1024:.0f} KB; PDF requests taking ≥ 1 s: (b) {slow['b']}, "
          f"(c) {slow['c']} (a dropped SYN is retried after 1 s)")

    failed = False
    warm_errors = sum(merged["warmup"]["errors"].values())
    for name, phase in merged.items():
        for text, n in sorted(phase["errors"].items(), key=lambda item: -item[1])[:10]:
            print(f"ERROR ({name}) x{n}: {text}")
    if any(phase["errors"] for phase in merged.values()):
        failed = True
        print(f"ERRORS: {sum(errors_of(p) for p in merged.values())} requests failed "
              f"({warm_errors} in the warm-up); these figures are not evidence")

    worst_url, worst = max(page_rows.items(), key=lambda item: item[1]["p95"])
    page_ok = worst["p95"] <= PAGE_GOAL_MS
    # Time per request at saturation (1 / req/s): what each server costs to hand out the PDF.
    ratio = sc["rate"] / sb["rate"]
    ratio_ok = ratio <= PDF_RATIO_GOAL
    print(f"\npage p95:   worst {worst_url} {worst['p95']:.1f} ms, mix {all_pages['p95']:.1f} ms"
          f"   (goal ≤ {PAGE_GOAL_MS:g} ms: {'met' if page_ok else 'MISSED'})")
    print(f"PDF ratio:  time per request station / http.server = {1000 / sb['rate']:.2f} / "
          f"{1000 / sc['rate']:.2f} ms = {ratio:.2f}   (goal ≤ {PDF_RATIO_GOAL:g}: "
          f"{'met' if ratio_ok else 'MISSED'})")
    print(f"context:    p95 ratio {sb['p95'] / sc['p95']:.2f} ({sb['p95']:.1f} / {sc['p95']:.1f} "
          f"ms), p50 ratio {sb['p50'] / sc['p50']:.2f}: http.server sheds load by dropping "
          "connections (backlog 5), so its percentiles are of fewer clients at once")
    if args.check and (failed or not page_ok or not ratio_ok):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
