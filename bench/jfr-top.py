#!/usr/bin/env python3
"""Summarises a JFR recording of safecached: hottest methods (CPU samples) and what allocates most.

Usage: jfr-top.py RECORDING.jfr [N]     (needs the JDK's 'jfr' tool on PATH)
Prints the top N (default 15) methods by own CPU samples, the top N safecached/Netty methods by samples that
include them anywhere on the stack, and the top N allocated classes and allocating sites by sampled weight.
"""
import collections
import re
import subprocess
import sys

UNITS = {"bytes": 1, "byte": 1, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


def events(path, name, depth):
    out = subprocess.run(["jfr", "print", "--events", name, "--stack-depth", str(depth), path],
                         check=True, capture_output=True, text=True).stdout
    for block in out.split("\n}\n"):
        if name + " {" not in block:
            continue
        frames = []
        m = re.search(r"stackTrace = \[\n(.*?)\n\s*\]", block, re.S)
        if m:
            for f in m.group(1).splitlines():
                f = f.strip()
                if f and f != "...":
                    frames.append(re.sub(r"\(.*", "", f))
        yield block, frames


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    own = collections.Counter()
    incl = collections.Counter()
    total = 0
    for _, frames in events(path, "jdk.ExecutionSample", 64):
        if not frames:
            continue
        total += 1
        own[frames[0]] += 1
        for f in set(frames):
            if f.startswith(("io.safecached", "io.netty")):
                incl[f] += 1
    print("CPU samples: %d" % total)
    print("\ntop methods by own samples:")
    for f, c in own.most_common(n):
        print("  %5.1f%%  %s" % (100.0 * c / total, f))
    print("\ntop safecached/Netty methods including callees:")
    for f, c in incl.most_common(n):
        print("  %5.1f%%  %s" % (100.0 * c / total, f))

    by_class = collections.Counter()
    by_site = collections.Counter()
    weight_total = 0
    for block, frames in events(path, "jdk.ObjectAllocationSample", 16):
        cm = re.search(r"objectClass = (\S+)", block)
        wm = re.search(r"weight = ([\d.]+) (\w+)", block)
        if not cm or not wm:
            continue
        w = float(wm.group(1)) * UNITS.get(wm.group(2), 1)
        weight_total += w
        by_class[cm.group(1)] += w
        site = next((f for f in frames if f.startswith("io.safecached")), frames[0] if frames else "?")
        by_site[site + " -> " + cm.group(1)] += w
    print("\nallocation (sampled weight %.0f MB), top classes:" % (weight_total / (1 << 20)))
    for k, w in by_class.most_common(n):
        print("  %5.1f%%  %s" % (100.0 * w / weight_total, k))
    print("\ntop allocating sites (first safecached frame -> class):")
    for k, w in by_site.most_common(n):
        print("  %5.1f%%  %s" % (100.0 * w / weight_total, k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
