package io.lakebeam.core.index;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the ordinals of a graph segment to rows of the table: ordinal {@code o} is row {@code
 * pos(o)} of data file {@code files().get(file(o))}.
 *
 * <p>Binary layout (big-endian): magic {@code LBRM}, version 1, file count, then per file its path
 * (modified UTF-8), its row count n, and n row positions (int). Ordinals follow in file order.
 */
final class RowMap {
  private static final int MAGIC = 0x4C42524D; // "LBRM"

  private final List<String> files;
  private final int[] fileOf;
  private final int[] posOf;

  RowMap(List<String> files, int[] fileOf, int[] posOf) {
    this.files = files;
    this.fileOf = fileOf;
    this.posOf = posOf;
  }

  List<String> files() {
    return files;
  }

  int size() {
    return fileOf.length;
  }

  int file(int ordinal) {
    return fileOf[ordinal];
  }

  int pos(int ordinal) {
    return posOf[ordinal];
  }

  void write(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(MAGIC);
    d.writeInt(1);
    d.writeInt(files.size());
    int o = 0;
    for (int f = 0; f < files.size(); f++) {
      int start = o;
      while (o < fileOf.length && fileOf[o] == f) {
        o++;
      }
      d.writeUTF(files.get(f));
      d.writeInt(o - start);
      for (int i = start; i < o; i++) {
        d.writeInt(posOf[i]);
      }
    }
    d.flush();
  }

  static RowMap read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != MAGIC) {
      throw new IOException("not a Lakebeam row map (bad magic)");
    }
    int version = d.readInt();
    if (version != 1) {
      throw new IOException("unsupported row map version " + version);
    }
    int fileCount = d.readInt();
    List<String> files = new ArrayList<>(fileCount);
    List<int[]> positions = new ArrayList<>(fileCount);
    int total = 0;
    for (int f = 0; f < fileCount; f++) {
      files.add(d.readUTF());
      int n = d.readInt();
      int[] p = new int[n];
      for (int i = 0; i < n; i++) {
        p[i] = d.readInt();
      }
      positions.add(p);
      total += n;
    }
    int[] fileOf = new int[total];
    int[] posOf = new int[total];
    int o = 0;
    for (int f = 0; f < fileCount; f++) {
      for (int p : positions.get(f)) {
        fileOf[o] = f;
        posOf[o++] = p;
      }
    }
    return new RowMap(files, fileOf, posOf);
  }
}
