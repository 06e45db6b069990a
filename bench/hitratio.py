#!/usr/bin/env python3
"""Replays a fixed-seed Zipf key trace against a server as get, then set on a miss; prints the hit ratio.

Usage: hitratio.py --port P [--keys 1000000] [--requests 2000000] [--skew 0.99] [--seed 7] [--value-size 100]
The trace is generated here, deterministically from the seed, so every server sees the same keys in the same
order. Requests go in pipelined batches; a key that already missed earlier in the same batch counts as a hit
(a one-at-a-time client would have set it by then), so batching does not change the result.
"""
import argparse
import itertools
import random
import sys
import time

from mcclient import Client


def trace(keys, requests, skew, seed):
    """Key ranks (0 = hottest) drawn from a Zipf(skew) distribution over `keys` keys."""
    cum = list(itertools.accumulate(1.0 / (r ** skew) for r in range(1, keys + 1)))
    rnd = random.Random(seed)
    ranks = rnd.choices(range(keys), cum_weights=cum, k=requests)
    # a fixed permutation of ranks to key ids, so hot keys are not the lowest-numbered ones
    perm = list(range(keys))
    random.Random(seed + 1).shuffle(perm)
    return [perm[r] for r in ranks]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=2_000_000)
    ap.add_argument("--skew", type=float, default=0.99)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--value-size", type=int, default=100)
    ap.add_argument("--batch", type=int, default=500)
    a = ap.parse_args()

    ids = trace(a.keys, a.requests, a.skew, a.seed)
    value = b"v" * a.value_size
    c = Client(a.host, a.port)
    c.sync()
    start = time.monotonic()
    hits = 0
    hits_second_half = 0
    half = a.requests // 2
    for off in range(0, a.requests, a.batch):
        chunk = ids[off:off + a.batch]
        names = [b"zipf:%d" % k for k in chunk]
        got = c.get_many(names)
        missed = set()
        to_set = []
        for i, (name, hit) in enumerate(zip(names, got)):
            if not hit and name in missed:
                hit = True
            if hit:
                hits += 1
                if off + i >= half:
                    hits_second_half += 1
            else:
                missed.add(name)
                to_set.append(name)
        if to_set:
            c.set_noreply(to_set, value)
    c.sync()
    st = c.stats()
    c.close()
    print("hit_ratio=%.4f hit_ratio_second_half=%.4f requests=%d keys=%d skew=%.2f seed=%d value_size=%d "
          "curr_items=%s evictions=%s seconds=%.1f"
          % (hits / a.requests, hits_second_half / (a.requests - half), a.requests, a.keys, a.skew, a.seed,
             a.value_size, st.get("curr_items"), st.get("evictions"), time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
