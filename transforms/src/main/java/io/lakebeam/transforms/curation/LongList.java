package io.lakebeam.transforms.curation;

import java.util.Arrays;

/** A growable list of primitive longs (no boxing), for building batches. */
final class LongList {
  private long[] values = new long[64];
  private int size;

  void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  void add(long a, long b) {
    add(a);
    add(b);
  }

  int size() {
    return size;
  }

  long[] toArray() {
    return Arrays.copyOf(values, size);
  }

  void clear() {
    size = 0;
  }
}
