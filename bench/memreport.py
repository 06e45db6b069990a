#!/usr/bin/env python3
"""Prints bench/compare's memory and hit-ratio sections (markdown) from RESULTS_DIR/memory.txt and hitratio.txt.

Usage: memreport.py RESULTS_DIR
memory.txt: one line per server and row, "NAME m=MB value_size=B [full=1] key=value ..." (bench/memload.py's
output after the first three fields); hitratio.txt: "NAME key=value ..." (bench/hitratio.py's, plus rss_kb).
Each table puts memcached and safecached side by side and checks issue 12's targets.
"""
import os
import sys

MC, SC = "memcached", "safecached"


def parse(path):
    """(server, {key: value}) per line; values stay strings."""
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        rows.append((parts[0], fields))
    return rows


def num(fields, key):
    v = fields.get(key)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def mb(kb):
    return None if kb is None else kb / 1024.0


def fmt(v, digits=0):
    if v is None:
        return "-"
    return "{:,.{d}f}".format(v, d=digits)


def ratio(sc, mc):
    return None if sc is None or mc in (None, 0) else sc / mc


def side(mc, sc, digits=0):
    """'mc / sc (sc/mc x)'."""
    r = ratio(sc, mc)
    return "%s / %s (%s)" % (fmt(mc, digits), fmt(sc, digits), "-" if r is None else "%.2fx" % r)


def rss_per_item(f):
    loaded, items = num(f, "rss_loaded_kb"), num(f, "items_at_first_eviction")
    return None if loaded is None or not items else loaded * 1024.0 / items


def metric_rows(mc, sc, metrics):
    """One table row per (label, key, conversion or None, digits): memcached, safecached, their ratio."""
    for label, key, conv, digits in metrics:
        a, b = num(mc, key), num(sc, key)
        if conv:
            a, b = conv(a), conv(b)
        r = ratio(b, a)
        print("| %s | %s | %s | %s |" % (label, fmt(a, digits), fmt(b, digits), "-" if r is None else "%.2fx" % r))


def density_target(m, size):
    """Issue 12's floor for items held at the first eviction, as a ratio to memcached's."""
    if m in (256, 1024):
        return 1.25 if size <= 100 else 1.0
    return None


def memory(rows):
    pairs = {}
    order = []
    for server, f in rows:
        key = (int(f["m"]), int(f["value_size"]), f.get("full") == "1")
        if key not in pairs:
            pairs[key] = {}
            order.append(key)
        pairs[key][server] = f
    fill = [k for k in order if not k[2]]
    if fill:
        print()
        print("## Memory: items held at the first eviction (bench/memload.py, 11-byte keys, values of one size)")
        print()
        print("Each cell: memcached / safecached (safecached / memcached). RSS is VmRSS; resident bytes per item "
              "is (RSS at the first eviction - idle RSS) / items; safecached runs with the heap bin/safecached "
              "gives it.")
        print()
        print("| -m | value | items at first eviction | target | RSS then, MB | resident B/item (RSS - idle) "
              "| RSS / item, B | idle RSS, MB |")
        print("|---|---|---|---|---|---|---|---|")
        for k in fill:
            m, size, _ = k
            mc, sc = pairs[k].get(MC, {}), pairs[k].get(SC, {})
            items_mc, items_sc = num(mc, "items_at_first_eviction"), num(sc, "items_at_first_eviction")
            want = density_target(m, size)
            r = ratio(items_sc, items_mc)
            target = "-" if want is None else "%s %.2fx: %s" % (
                "\u2265", want, "-" if r is None else ("%s (%.3fx)" % ("met" if r >= want else "not met", r)))
            print("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
                m, "%d B" % size, side(items_mc, items_sc), target,
                side(mb(num(mc, "rss_loaded_kb")), mb(num(sc, "rss_loaded_kb")), 1),
                side(num(mc, "rss_bytes_per_item"), num(sc, "rss_bytes_per_item"), 1),
                side(rss_per_item(mc), rss_per_item(sc), 1),
                side(mb(num(mc, "rss_idle_kb")), mb(num(sc, "rss_idle_kb")), 1)))
        big = [k for k in fill if k[0] == 1024]
        for k in big:
            mc, sc = pairs[k].get(MC, {}), pairs[k].get(SC, {})
            a, b = rss_per_item(mc), rss_per_item(sc)
            if a and b:
                print()
                print("Target, RSS per item held at -m 1024 below memcached's (%d B values): %.1f against %.1f B, %s."
                      % (k[1], b, a, "met" if b < a else "not met"))
    for k in [k for k in order if k[2]]:
        m, size, _ = k
        mc, sc = pairs[k].get(MC, {}), pairs[k].get(SC, {})
        print()
        print("## Memory: a full -m %d cache (%d B values: filled, then as many new keys again as it held, twice over)"
              % (m, size))
        print()
        print("| | memcached | safecached | safecached / memcached |")
        print("|---|---:|---:|---:|")
        metric_rows(mc, sc, (
            ("items at the first eviction", "items_at_first_eviction", None, 0),
            ("RSS at the first eviction, MB", "rss_loaded_kb", mb, 1),
            ("items held at the end", "items_full", None, 0),
            ("evictions at the end", "evictions_full", None, 0),
            ("RSS at the end, MB", "rss_full_kb", mb, 1),
            ("highest RSS seen (after each batch), MB", "rss_full_max_kb", mb, 1),
            ("idle RSS, MB", "rss_idle_kb", mb, 1)))
        top = mb(num(sc, "rss_full_max_kb"))
        if m == 64 and top is not None:
            print()
            print("Target, a full -m 64 cache in at most 160 MB of RSS: safecached's highest %.1f MB, %s."
                  % (top, "met" if top <= 160 else "not met"))


def hitratio(rows):
    by = {server: f for server, f in rows}
    if not by:
        return
    mc, sc = by.get(MC, {}), by.get(SC, {})
    print()
    print("## Hit ratio (bench/hitratio.py: Zipf %s, %s keys, %s requests, get then set on miss, -m %s)"
          % (sc.get("skew", mc.get("skew", "?")), sc.get("keys", "?"), sc.get("requests", "?"),
             sc.get("m", mc.get("m", "?"))))
    print()
    print("| | memcached | safecached | difference |")
    print("|---|---:|---:|---:|")
    for label, key in (("hit ratio, whole trace", "hit_ratio"), ("hit ratio, second half", "hit_ratio_second_half")):
        a, b = num(mc, key), num(sc, key)
        diff = "-" if a is None or b is None else "%+.2f points" % ((b - a) * 100)
        print("| %s | %s | %s | %s |" % (label, "-" if a is None else "%.2f %%" % (a * 100),
                                         "-" if b is None else "%.2f %%" % (b * 100), diff))
    metric_rows(mc, sc, (("items held at the end", "curr_items", None, 0),
                         ("evictions", "evictions", None, 0),
                         ("RSS at the end, MB", "rss_kb", mb, 1)))
    a, b = num(mc, "hit_ratio"), num(sc, "hit_ratio")
    if a is not None and b is not None:
        print()
        print("Target, at least memcached's hit ratio + 2 points: %+.2f points, %s."
              % ((b - a) * 100, "met" if (b - a) * 100 >= 2 else "not met"))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    memory(parse(os.path.join(d, "memory.txt")))
    hitratio(parse(os.path.join(d, "hitratio.txt")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
