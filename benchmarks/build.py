"""Benchmark of `leaflet build`, measured side by side with its anchor in one run.

Prints:
- cold build of every configured language (a fresh output/, `leaflet build` as a user runs it)
  against the anchor: a naive loop that calls WeasyPrint once per language, sequentially, in
  one process, over the same HTML. Ratio = build / naive (goal <= 0.5 on 2 cores);
- the no-op rebuild wall time (goal <= 1 s);
- the largest PDF (goal <= 120 KB);
- the build's peak RSS, summed over the process tree (goal <= 400 MB).
A second anchor is printed for context: the `weasyprint` command run once per language
(a new interpreter each time), as a shell loop over the HTML files would do it.
With --site (default on): the cold `leaflet build --site` (PDFs, then the audio of every
language with a voice, then the static site) against the cold PDF build alone, in the same
round (ratio), the no-op `build --site`, and the site's total size.

Each timing is the median of --rounds runs, build and anchor alternating, so that a noisy
neighbour on a shared machine hits both. Usage: .venv/bin/python benchmarks/build.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = [sys.executable, "-m", "leaflet"]

NAIVE = r"""
import json, sys, weasyprint
jobs = json.load(open(sys.argv[1]))
for job in jobs:
    weasyprint.HTML(string=job["html"], base_url=job["base_url"]).write_pdf(job["dest"])
"""


def copy_workspace(dest: Path, languages: list[str] | None) -> Path:
    import re

    dest.mkdir(parents=True)
    for name in ("templates", "translations"):
        shutil.copytree(ROOT / name, dest / name)
    text = (ROOT / "leaflet.toml").read_text(encoding="utf-8")
    if languages:
        listed = ", ".join(f'"{code}"' for code in languages)
        text = re.sub(r"(?ms)^languages = \[.*?\]$", f"languages = [{listed}]", text, count=1)
    (dest / "leaflet.toml").write_text(text, encoding="utf-8")
    return dest


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of `pid` and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time and peak tree RSS of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()}")
    return elapsed, peak


def naive_jobs(ws: Path, out: Path) -> Path:
    """The HTML our build renders, written out for the naive anchor loop."""
    sys.path.insert(0, str(ROOT))
    from leaflet.edition import plan
    from leaflet.workspace import load_workspace

    workspace = load_workspace(ws)
    jobs = plan.prepare(workspace, plan.plan(workspace, force=True)[0])
    out.mkdir(parents=True, exist_ok=True)
    # The anchor renders what the build renders: each language's leaflet and wallet card.
    spec = [{"html": html, "base_url": str(workspace.templates_dir) + os.sep,
             "dest": str(out / name)}
            for j in jobs for html, name in ((j.html, f"{j.lang.code}.pdf"),
                                             (j.card_html, f"card-{j.lang.code}.pdf"))]
    path = out / "jobs.json"
    path.write_text(json.dumps(spec))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lang", help="comma-separated codes (default: all configured)")
    parser.add_argument("--no-site", action="store_true", help="skip the --site measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = copy_workspace(tmp / "ws", args.lang.split(",") if args.lang else None)
        jobs_file = naive_jobs(ws, tmp / "naive")  # also fills the font-subset cache once
        languages = len(json.loads(jobs_file.read_text())) // 2
        edition = tomllib.loads((ws / "leaflet.toml").read_text(encoding="utf-8"))[
            "edition"]["id"]
        cold, naive, peaks = [], [], []
        for _ in range(args.rounds):
            shutil.rmtree(ws / "output" / edition, ignore_errors=True)
            shutil.rmtree(ws / "output" / ".fonts", ignore_errors=True)
            elapsed, peak = run([*LEAFLET, "-w", str(ws), "build"], cwd=ROOT)
            cold.append(elapsed)
            peaks.append(peak)
            naive.append(run([sys.executable, "-c", NAIVE, str(jobs_file)], cwd=ROOT)[0])
        noop = [run([*LEAFLET, "-w", str(ws), "build"], cwd=ROOT)[0] for _ in range(args.rounds)]
        site_rounds = []
        if not args.no_site:
            for _ in range(args.rounds):
                shutil.rmtree(ws / "output" / edition, ignore_errors=True)
                pdf_only = run([*LEAFLET, "-w", str(ws), "build"], cwd=ROOT)[0]
                shutil.rmtree(ws / "output" / edition, ignore_errors=True)
                with_site, site_peak = run([*LEAFLET, "-w", str(ws), "build", "--site"],
                                           cwd=ROOT)
                site_rounds.append((with_site / pdf_only, with_site, pdf_only, site_peak))
            site_noop = run([*LEAFLET, "-w", str(ws), "build", "--site"], cwd=ROOT)[0]
            site_dir = ws / "output" / edition / "site"
            site_bytes = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file())
            audio_bytes = sum(p.stat().st_size for p in site_dir.rglob("*.opus"))
        spec = json.loads(jobs_file.read_text())
        html_files = []
        for job in spec:
            path = tmp / "naive" / (Path(job["dest"]).stem + ".html")
            path.write_text(job["html"], encoding="utf-8")
            html_files.append((path, job["base_url"], job["dest"]))
        weasyprint_cli = str(Path(sys.executable).with_name("weasyprint"))
        start = time.perf_counter()
        for path, base_url, dest in html_files:
            subprocess.run([weasyprint_cli, "-u", base_url, str(path), dest], check=True,
                           capture_output=True)
        per_process = time.perf_counter() - start
        manifest = json.loads((ws / "output" / edition / "manifest.json").read_text())
        largest = max(manifest["languages"].items(), key=lambda item: item[1]["bytes"])

    cold_s, naive_s = statistics.median(cold), statistics.median(naive)
    print(f"languages:            {languages} on {os.cpu_count()} CPUs")
    print(f"cold build:           {cold_s:.2f} s (median of {args.rounds})")
    print(f"naive WeasyPrint loop:{naive_s:6.2f} s (median of {args.rounds})")
    print(f"ratio build/naive:    {cold_s / naive_s:.2f}   (goal <= 0.5)")
    print(f"weasyprint command per language: {per_process:.2f} s, "
          f"ratio build/that: {cold_s / per_process:.2f}")
    print(f"no-op rebuild:        {statistics.median(noop):.2f} s   (goal <= 1 s)")
    print(f"largest PDF:          {largest[0]} {largest[1]['bytes'] / 1024:.1f} KB "
          f"(goal <= 120 KB)")
    print(f"peak RSS of build:    {max(peaks) / 2**20:.0f} MB   (goal <= 400 MB)")
    if site_rounds:
        ratio = statistics.median(r[0] for r in site_rounds)
        print(f"cold build --site:    {statistics.median(r[1] for r in site_rounds):.2f} s "
              f"vs PDF build {statistics.median(r[2] for r in site_rounds):.2f} s in the "
              f"same rounds: ratio {ratio:.2f} (PDFs + audio + site / PDFs)")
        print(f"no-op build --site:   {site_noop:.2f} s")
        print(f"site size:            {site_bytes / 1e6:.1f} MB, of which audio "
              f"{audio_bytes / 1e6:.1f} MB; peak RSS {max(r[3] for r in site_rounds) / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
