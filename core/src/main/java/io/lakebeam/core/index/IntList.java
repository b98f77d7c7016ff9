package io.lakebeam.core.index;

import java.util.Arrays;

/** A growable array of ints: a row map's columns while a build or merge collects them. */
final class IntList {
  private int[] values = new int[1024];
  private int size;

  void add(int v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  int size() {
    return size;
  }

  int[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
