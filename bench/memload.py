#!/usr/bin/env python3
"""Fills a server with fixed-size items until 'stats' shows the first eviction; prints items held and RSS per item.

Usage: memload.py --port P --pid PID [--value-size 100] [--batch N] [--overfill 2]
Keys are 11 bytes (mem:0000000, mem:0000001, ...; 12 from the 10 millionth on). Prints one line of key=value
pairs: curr_items at the first eviction, the server's own byte count, idle and loaded VmRSS (kB, from
/proc/PID/status) and resident bytes per item. With --overfill F it then goes on setting F times as many new
keys again (a full cache that keeps evicting) and adds the items held then, the RSS at the end and the highest
RSS seen after any batch (rss_full_kb, rss_full_max_kb).
"""
import argparse
import sys
import time

from mcclient import Client


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--value-size", type=int, default=100)
    ap.add_argument("--batch", type=int, default=0,
                    help="sets between two 'stats' (default: about 500 KB of values, at most 5000)")
    ap.add_argument("--max-items", type=int, default=100_000_000)
    ap.add_argument("--overfill", type=float, default=0.0)
    a = ap.parse_args()

    if a.batch <= 0:
        a.batch = max(1, min(5000, 500_000 // max(1, a.value_size)))
    c = Client(a.host, a.port)
    c.sync()
    idle = rss_kb(a.pid)
    value = b"x" * a.value_size
    n = 0
    start = time.monotonic()
    last = {}
    held = None
    while n < a.max_items:
        keys = [b"mem:%07d" % i for i in range(n, n + a.batch)]
        c.set_noreply(keys, value)
        n += a.batch
        st = c.stats()
        if int(st.get("evictions", "0")) > 0:
            held = st
            break
        last = st
    else:
        print("no eviction after %d items" % n, file=sys.stderr)
        return 1
    loaded = rss_kb(a.pid)
    items = int(held["curr_items"])
    per_item = (loaded - idle) * 1024.0 / items
    out = ("items_at_first_eviction=%d items_before_it=%s sets_sent=%d bytes=%s limit_maxbytes=%s "
           "rss_idle_kb=%d rss_loaded_kb=%d rss_bytes_per_item=%.1f load_seconds=%.1f"
           % (items, last.get("curr_items", "?"), n, held.get("bytes", "?"), held.get("limit_maxbytes", "?"),
              idle, loaded, per_item, time.monotonic() - start))
    if a.overfill > 0:
        end = n + int(items * a.overfill)
        top = loaded
        while n < end:
            keys = [b"mem:%07d" % i for i in range(n, n + a.batch)]
            c.set_noreply(keys, value)
            n += a.batch
            c.sync()
            top = max(top, rss_kb(a.pid))
        st = c.stats()
        out += (" overfill_sets=%d items_full=%s evictions_full=%s rss_full_kb=%d rss_full_max_kb=%d"
                % (n, st.get("curr_items", "?"), st.get("evictions", "?"), rss_kb(a.pid), top))
    print(out)
    c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
