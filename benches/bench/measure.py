"""Running and measuring: one command timed with its CPU time and peak memory, commands run
side by side, waiting for a quiet machine, and the page count of a PDF. Knows nothing of
cabrep's cases or budgets."""

import os
import re
import shutil
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

from .config import CLK_TCK, TIME_BIN


def cpu_busy_seconds():
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            parts = f.readline().split()[1:]
        v = [int(x) for x in parts]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        total = sum(v[:8])
        return (total - idle) / CLK_TCK
    except OSError:
        return None


_wait_budget = [None]


def wait_for_quiet(limit_s, log):
    """Waits (up to limit_s) until other processes have used under a quarter of a core for three
    seconds in a row (the machine may be shared: compilers, test suites)."""
    if _wait_budget[0] is not None:
        limit_s = min(limit_s, _wait_budget[0])
    if limit_s <= 0:
        return
    started = time.monotonic()
    deadline = started + limit_s
    quiet = 0
    last = 0.0
    while quiet < 3:
        a = cpu_busy_seconds()
        time.sleep(1.0)
        b = cpu_busy_seconds()
        if a is None or b is None:
            return
        last = b - a
        quiet = quiet + 1 if last < 0.25 else 0
        if time.monotonic() > deadline:
            log(f"   (machine still busy: {last:.2f} cores in use by other processes; measuring anyway)")
            break
    if _wait_budget[0] is not None:
        _wait_budget[0] = max(0.0, _wait_budget[0] - (time.monotonic() - started))


class Run:
    """One measured command."""

    def __init__(self, wall, user, sys_, rss_kb, rc, stderr, other_cores):
        self.wall, self.user, self.sys, self.rss_kb, self.rc = wall, user, sys_, rss_kb, rc
        self.stderr, self.other_cores = stderr, other_cores

    @property
    def cpu(self):
        return self.user + self.sys


def run_measured(cmd, cwd=None, env=None, use_time=True):
    """Runs cmd, measuring wall time, CPU time and peak memory (RSS): from `/usr/bin/time -v` when
    it is there, otherwise from the kernel's rusage of the child (wait4)."""
    tfile = None
    full = list(map(str, cmd))
    if use_time and os.access(TIME_BIN, os.X_OK):
        fd, tfile = tempfile.mkstemp(prefix="cabrep-bench-time-")
        os.close(fd)
        full = [TIME_BIN, "-v", "-o", tfile] + full
    with tempfile.TemporaryFile() as log:
        busy0 = cpu_busy_seconds()
        t0 = time.perf_counter()
        p = subprocess.Popen(full, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        busy1 = cpu_busy_seconds()
        p.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    user, sys_, rss_kb = ru.ru_utime, ru.ru_stime, ru.ru_maxrss
    if tfile:
        text = Path(tfile).read_text(errors="replace")
        os.unlink(tfile)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss_kb = int(m.group(1)) if m else rss_kb
        m = re.search(r"User time \(seconds\): ([\d.]+)", text)
        user = float(m.group(1)) if m else user
        m = re.search(r"System time \(seconds\): ([\d.]+)", text)
        sys_ = float(m.group(1)) if m else sys_
        if p.returncode != 0:
            # time(1) reports the command's own status as its exit status; keep its words too.
            m = re.search(r"^Command (exited with non-zero status \d+|terminated by signal \d+)", text, re.M)
            if m:
                output += f"\n[{m.group(0)}]"
    other = None
    if busy0 is not None and busy1 is not None and wall > 0:
        other = max(0.0, (busy1 - busy0) - (user + sys_)) / wall
    return Run(wall, user, sys_, rss_kb, p.returncode, output, other)


def run_concurrently(cmds, cwd=None):
    """Runs several commands at once; wall time until the last ends, CPU summed, the largest peak
    RSS (the kernel's rusage of each child)."""
    busy0 = cpu_busy_seconds()
    t0 = time.perf_counter()
    logs, procs = [], []
    for cmd in cmds:
        log = tempfile.TemporaryFile()
        logs.append(log)
        procs.append(subprocess.Popen(list(map(str, cmd)), cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT))
    user = sys_ = 0.0
    rss_kb, rc = 0, 0
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        rc = rc or p.returncode
        user, sys_, rss_kb = user + ru.ru_utime, sys_ + ru.ru_stime, max(rss_kb, ru.ru_maxrss)
    wall = time.perf_counter() - t0
    busy1 = cpu_busy_seconds()
    output = ""
    for log in logs:
        log.seek(0)
        output += log.read().decode("utf-8", "replace")
        log.close()
    other = None
    if busy0 is not None and busy1 is not None and wall > 0:
        other = max(0.0, (busy1 - busy0) - (user + sys_)) / wall
    return Run(wall, user, sys_, rss_kb, rc, output, other)


# ----------------------------------------------------------------------------------------------
# PDF page count (pdfinfo when present, else a small reader that also looks inside object streams)
# ----------------------------------------------------------------------------------------------

def pdf_pages(path):
    if shutil.which("pdfinfo"):
        p = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        m = re.search(r"^Pages:\s+(\d+)", p.stdout, re.M)
        if m:
            return int(m.group(1))
    data = Path(path).read_bytes()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            continue
        try:
            chunks.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            pass
    counts = [int(c) for ch in chunks for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", ch)]
    counts += [int(c) for ch in chunks for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", ch)]
    return max(counts) if counts else 0
