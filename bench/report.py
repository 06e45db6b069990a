#!/usr/bin/env python3
"""Reads the memaslap outputs bench/compare saved and prints the comparison table (markdown).

Usage: report.py [--latency] RESULTS_DIR
RESULTS_DIR/<cell>/<server>-r<round>.txt are memaslap outputs (run with -S equal to the run time, so each holds
one 'Total Statistics' block with a log2 latency histogram) or, in the meta cell, bench/LoadClient.java outputs
(closed loop, measured percentiles); RESULTS_DIR/cells lists 'cell|description' lines.
With --latency: the table of the fixed-rate runs (<server>-latency.txt, .cpu; <server>-strace.txt with
<server>-strace-load.txt for system calls per request).
"""
import os
import re
import statistics
import sys

SERVERS = ("memcached", "safecached")


def parse(path):
    """ops/s, average latency (us), estimated p99 (us) and get misses of one memaslap run, or None."""
    text = open(path, errors="replace").read()
    m = re.search(r"^Run time: \S+ Ops: (\d+) TPS: (\d+)", text, re.M)
    client = load_client(text)
    if not m and not client:
        return None
    if client:
        run = {"tps": client["ops_per_s"], "avg": client["mean_us"], "p99": client["p99_us"], "miss": None,
               "ops": client["requests"] * client["multiget"], "cpu_user": None, "cpu_sys": None}
    else:
        run = {"tps": int(m.group(2)), "avg": None, "p99": None, "miss": None, "ops": int(m.group(1)),
               "cpu_user": None, "cpu_sys": None}
    total = text.rfind("Total Statistics (")
    if total >= 0 and not client:
        block = text[total:]
        a = re.search(r"^\s+Avg:\s+(\d+)", block, re.M)
        if a:
            run["avg"] = int(a.group(1))
        run["p99"] = p99(block)
    cpu = path[:-len(".txt")] + ".cpu"
    if os.path.exists(cpu):
        u0, s0, u1, s1, hz = (int(x) for x in open(cpu).read().split())
        if run["ops"]:
            run["cpu_user"] = (u1 - u0) * 1e6 / hz / run["ops"]
            run["cpu_sys"] = (s1 - s0) * 1e6 / hz / run["ops"]
    g = re.search(r"^get_misses: (\d+)", text, re.M)
    cg = re.search(r"^cmd_get: (\d+)", text, re.M)
    if g and cg and int(cg.group(1)) > 0:
        run["miss"] = int(g.group(1)) / int(cg.group(1))
    return run


def load_client(text):
    """The key=value line bench/LoadClient.java prints, as numbers (strings where not numbers), or None."""
    for line in text.splitlines():
        if line.startswith("mode="):
            out = {}
            for kv in line.split():
                k, _, v = kv.partition("=")
                try:
                    out[k] = float(v)
                except ValueError:
                    out[k] = v
            return out
    return None


def cpu_seconds(path):
    """User and system CPU seconds a .cpu file (ticks before, ticks after, ticks per second) records."""
    if not os.path.exists(path):
        return None
    u0, s0, u1, s1, hz = (int(x) for x in open(path).read().split())
    return (u1 - u0) / hz, (s1 - s0) / hz


def syscalls(path):
    """Total calls in an strace -c summary, or None."""
    if not os.path.exists(path):
        return None
    for line in open(path, errors="replace"):
        parts = line.split()
        if parts and parts[-1] == "total":
            nums = [p for p in parts[:-1] if re.match(r"^[\d.]+$", p)]
            # % time, seconds, usecs/call, calls, errors (errors may be missing)
            return int(nums[3]) if len(nums) >= 4 else None
    return None


def latency_table(root, cells):
    print("| cell | rate req/s | p50 / p99 / p99.9 µs memcached | p50 / p99 / p99.9 µs safecached "
          "| server CPU µs/req user+sys mc / sc | syscalls/req mc / sc | load avg at cell start |")
    print("|---|---|---|---|---|---|---|")
    for name, desc in cells:
        d = os.path.join(root, name)
        lat, cpu, sysc, rate = {}, {}, {}, None
        for s in SERVERS:
            f = os.path.join(d, s + "-latency.txt")
            r = load_client(open(f, errors="replace").read()) if os.path.exists(f) else None
            if r is None:
                lat[s] = "no result"
                cpu[s] = "-"
                sysc[s] = "-"
                continue
            rate = r["rate"]
            lat[s] = "%s / %s / %s" % (fmt_int(r["p50_us"]), fmt_int(r["p99_us"]), fmt_int(r["p999_us"]))
            if r.get("errors") or r.get("unanswered"):
                lat[s] += " (%d errors, %d unanswered)" % (r["errors"], r["unanswered"])
            c = cpu_seconds(os.path.join(d, s + "-latency.cpu"))
            cpu[s] = "%.1f+%.1f" % (c[0] * 1e6 / r["requests"], c[1] * 1e6 / r["requests"]) \
                if c and r["requests"] else "-"
            calls = syscalls(os.path.join(d, s + "-strace.txt"))
            lf = os.path.join(d, s + "-strace-load.txt")
            text = open(lf, errors="replace").read() if os.path.exists(lf) else ""
            lr = load_client(text)
            # strace saw the whole client run, warm-up included: at a fixed rate that is rate x (warm-up + run)
            w = re.search(r"--warmup (\S+)", text)
            sent = lr["rate"] * (lr["seconds"] + float(w.group(1) if w else 0)) if lr else 0
            if calls is not None and sent and calls < sent / 100:
                sysc[s] = "(strace missed the run)"  # it attached to the threads only after the load
            else:
                sysc[s] = "%.2f" % (calls / sent) if calls and sent else "-"
        load = open(os.path.join(d, "load.txt")).read().strip() if os.path.exists(os.path.join(d, "load.txt")) else "-"
        print("| %s | %s | %s | %s | %s / %s | %s / %s | %s |" % (
            desc, fmt_int(rate), lat["memcached"], lat["safecached"], cpu["memcached"], cpu["safecached"],
            sysc["memcached"], sysc["safecached"], load))


def p99(block):
    """The 99th percentile from memaslap's log2 histogram: bucket i counts latencies in [2^(i-1), 2^i) us.

    Interpolated linearly inside the bucket that holds the 99th percentile, so it is an estimate within a
    factor of two, not an exact value.
    """
    counts = {}
    dist = block.find("Log2 Dist:")
    if dist < 0:
        return None
    for line in block[dist:].splitlines()[1:]:
        m = re.match(r"^\s+(\d+):((?:\s+\d+)+)\s*$", line)
        if not m:
            break
        base = int(m.group(1))
        for j, c in enumerate(m.group(2).split()):
            counts[base + j] = int(c)
    total = sum(counts.values())
    if total == 0:
        return None
    target = 0.99 * total
    seen = 0
    for i in sorted(counts):
        c = counts[i]
        if c and seen + c >= target:
            lo, hi = (2 ** (i - 1) if i > 0 else 0), 2 ** i
            return lo + (hi - lo) * (target - seen) / c
        seen += c
    return None


def fmt_int(v):
    return "-" if v is None else "{:,}".format(int(round(v)))


def main():
    latency = sys.argv[1] == "--latency"
    root = sys.argv[2] if latency else sys.argv[1]
    cells = []
    with open(os.path.join(root, "cells")) as f:
        for line in f:
            if line.strip():
                name, desc = line.rstrip("\n").split("|", 1)
                cells.append((name, desc))
    if latency:
        latency_table(root, cells)
        return 0
    print("| cell | memcached ops/s median (min–max) | safecached ops/s median (min–max) | ratio sc/mc "
          "| avg µs mc / sc | p99 µs mc / sc (est.) | server CPU µs/op user+sys mc / sc | get miss % mc / sc |")
    print("|---|---|---|---|---|---|---|---|")
    for name, desc in cells:
        res = {}
        for s in SERVERS:
            runs = []
            d = os.path.join(root, name)
            for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                if fn.startswith(s + "-r") and fn.endswith(".txt"):
                    r = parse(os.path.join(d, fn))
                    if r:
                        runs.append(r)
            res[s] = runs
        cols = []
        for s in SERVERS:
            t = [r["tps"] for r in res[s]]
            cols.append("%s (%s–%s)" % (fmt_int(statistics.median(t)), fmt_int(min(t)), fmt_int(max(t)))
                        if t else "no result")

        def med(s, k):
            v = [r[k] for r in res[s] if r[k] is not None]
            return statistics.median(v) if v else None

        mc, sc = med("memcached", "tps"), med("safecached", "tps")
        ratio = "%.2fx" % (sc / mc) if mc and sc else "-"
        miss = " / ".join("-" if med(s, "miss") is None else "%.1f" % (100 * med(s, "miss")) for s in SERVERS)
        cpu = []
        for s in SERVERS:
            u, k = med(s, "cpu_user"), med(s, "cpu_sys")
            cpu.append("-" if u is None else "%.1f+%.1f" % (u, k))
        print("| %s | %s | %s | %s | %s / %s | %s / %s | %s | %s |" % (
            desc, cols[0], cols[1], ratio, fmt_int(med("memcached", "avg")), fmt_int(med("safecached", "avg")),
            fmt_int(med("memcached", "p99")), fmt_int(med("safecached", "p99")), " / ".join(cpu), miss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
