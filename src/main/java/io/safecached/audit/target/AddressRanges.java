package io.safecached.audit.target;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A set of IPv4 and IPv6 addresses held as sorted, merged intervals: membership is a binary search, so an
 * exclusion list or the set of addresses given stays fast with many thousands of entries.
 */
final class AddressRanges {
  private final long[] v4Start;
  private final long[] v4End;
  private final BigInteger[] v6Start;
  private final BigInteger[] v6End;

  private AddressRanges(List<BigInteger[]> v4, List<BigInteger[]> v6) {
    v4Start = new long[v4.size()];
    v4End = new long[v4.size()];
    for (int i = 0; i < v4.size(); i++) {
      v4Start[i] = v4.get(i)[0].longValue();
      v4End[i] = v4.get(i)[1].longValue();
    }
    v6Start = v6.stream().map(r -> r[0]).toArray(BigInteger[]::new);
    v6End = v6.stream().map(r -> r[1]).toArray(BigInteger[]::new);
  }

  /** The addresses of every address block (host-name blocks are left out). */
  static AddressRanges of(List<TargetSet.Block> blocks) {
    List<BigInteger[]> v4 = new ArrayList<>();
    List<BigInteger[]> v6 = new ArrayList<>();
    for (TargetSet.Block b : blocks) {
      if (b.hostname() == null) {
        (b.bytes() == 4 ? v4 : v6).add(new BigInteger[] {b.first(), b.first().add(b.count()).subtract(BigInteger.ONE)});
      }
    }
    return new AddressRanges(merge(v4), merge(v6));
  }

  private static List<BigInteger[]> merge(List<BigInteger[]> ranges) {
    ranges.sort(Comparator.comparing((BigInteger[] r) -> r[0]));
    List<BigInteger[]> out = new ArrayList<>();
    for (BigInteger[] r : ranges) {
      BigInteger[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0].compareTo(last[1].add(BigInteger.ONE)) <= 0) {
        if (r[1].compareTo(last[1]) > 0) {
          last[1] = r[1];
        }
      } else {
        out.add(new BigInteger[] {r[0], r[1]});
      }
    }
    return out;
  }

  /** True when no address is in the set. */
  boolean isEmpty() {
    return v4Start.length == 0 && v6Start.length == 0;
  }

  /** True when {@code a} is in the set. */
  boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
      int lo = 0;
      int hi = v4Start.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (v < v4Start[mid]) {
          hi = mid - 1;
        } else if (v > v4End[mid]) {
          lo = mid + 1;
        } else {
          return true;
        }
      }
      return false;
    }
    BigInteger v = new BigInteger(1, b);
    int lo = 0;
    int hi = v6Start.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (v.compareTo(v6Start[mid]) < 0) {
        hi = mid - 1;
      } else if (v.compareTo(v6End[mid]) > 0) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }
}
