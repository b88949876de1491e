#!/usr/bin/env python3
"""Runs the commands of a Markdown file that need no GPU, as written (CI).

Usage: check-readme.py FILE [--list | --only LINE]
Every ```bash block must follow a marker comment:
  <!-- ci: run ... -->      run the block from the repository root (bash -e -o pipefail); processes it
                            leaves in the background are stopped after it
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

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!--\s*ci:\s*(run|skip|done by)\b(.*?)-->")


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


def run(code, line):
    # output to a file, not a pipe: what the block leaves in the background would hold a pipe open
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", code], cwd=ROOT, start_new_session=True,
                                stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            rc = proc.wait(timeout=900)
        except subprocess.TimeoutExpired:
            rc = 124
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # what the block left running in the background
            except ProcessLookupError:
                pass
        log.seek(0)
        output = log.read()
    print(f"check-readme: line {line}: {'OK' if rc == 0 else f'FAILED (exit {rc})'}")
    if rc != 0:
        print(output[-4000:], file=sys.stderr)
    return rc == 0


def main():
    path = pathlib.Path(sys.argv[1])
    ok = True
    for line, kind, note, code in blocks(path.read_text()):
        if kind is None:
            print(f"check-readme: {path}:{line}: a bash block without a <!-- ci: ... --> marker", file=sys.stderr)
            ok = False
        elif kind == "run":
            if "--only" in sys.argv and str(line) != sys.argv[sys.argv.index("--only") + 1]:
                continue
            if "--list" in sys.argv:
                print(f"check-readme: line {line}: would run")
            else:
                ok &= run(code, line)
        else:
            print(f"check-readme: line {line}: {kind} {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
