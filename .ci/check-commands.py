#!/usr/bin/env python3
"""Runs the commands of Markdown files that need no GPU, as written (CI).

Usage: check-commands.py FILE... [--list | --only FILE:LINE]
Every ```bash block must follow a marker comment:
  <!-- ci: run ... -->      run the block from the repository root (bash -e -o pipefail); processes it
                            leaves in the background are stopped after it
  <!-- ci: serve URL ... --> a block that starts a server in the foreground: run it until URL answers
                            (2xx), then stop it; it fails if the block ends or 600 s pass first
  <!-- ci: skip REASON -->  not runnable here (GPUs, Docker engine, a remote host); the reason is shown
  <!-- ci: done by ... -->  run elsewhere in CI (named)
A block without a marker, or a run block that fails, fails the check (exit 1).
"""
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!--\s*ci:\s*(run|serve|skip|done by)\b(.*?)-->")


def blocks(text):
    """(line number, marker kind, marker text, code) of every bash block."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```bash":
            start = i
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            k = start - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            m = MARKER.search(lines[k]) if k >= 0 else None
            out.append((start + 1, m.group(1) if m else None, m.group(2).strip() if m else "",
                        "\n".join(lines[start + 1:j])))
            i = j
        i += 1
    return out


def stop(proc):
    """Stops the block's process group (what it left running), SIGKILL after 15 s."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            proc.poll()  # reaps the block's shell: a zombie still counts as a member of the group
            time.sleep(0.2)


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return 200 <= r.status < 300
    except (urllib.error.URLError, OSError):
        return False


def run(code, where, serve_url=None):
    # output to a file, not a pipe: what the block leaves in the background would hold a pipe open
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", code], cwd=ROOT,
                                start_new_session=True, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            if serve_url is None:
                rc = proc.wait(timeout=900)
            else:
                rc = 124
                deadline = time.monotonic() + 600
                while time.monotonic() < deadline:
                    if answers(serve_url):
                        rc = 0
                        break
                    if proc.poll() is not None:
                        rc = proc.returncode or 1
                        break
                    time.sleep(1)
        except subprocess.TimeoutExpired:
            rc = 124
        finally:
            stop(proc)
        log.seek(0)
        output = log.read()
    what = f" ({serve_url} answered)" if serve_url and rc == 0 else ""
    print(f"check-commands: {where}: {'OK' if rc == 0 else f'FAILED (exit {rc})'}{what}", flush=True)
    if rc != 0:
        print(output[-4000:], file=sys.stderr)
    return rc == 0


def main():
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        only = args[args.index("--only") + 1]
        args.remove(only)
        args.remove("--only")
    listing = "--list" in args
    files = [a for a in args if a != "--list"]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    ok = True
    for name in files:
        path = pathlib.Path(name)
        for line, kind, note, code in blocks(path.read_text()):
            where = f"{name}:{line}"
            if kind is None:
                print(f"check-commands: {where}: a bash block without a <!-- ci: ... --> marker",
                      file=sys.stderr)
                ok = False
            elif kind in ("run", "serve"):
                if only is not None and where != only:
                    continue
                if listing:
                    print(f"check-commands: {where}: would run")
                else:
                    ok &= run(code, where, note.split()[0] if kind == "serve" else None)
            else:
                print(f"check-commands: {where}: {kind} {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
