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
 * pos(o)} of data file {@code files().get(file(o))}, or no row at all when {@code file(o)} is
 * {@link #DEAD} (a row that a carried-over rewrite dropped; its vector stays in the graph but is
 * never returned).
 *
 * <p>Binary layout (big-endian): magic {@code LBRM}, version, file count, file paths (modified
 * UTF-8), then
 *
 * <ul>
 *   <li>version 1 (built segments): per file its row count n and n row positions (int); ordinals
 *       follow in file order, none is dead;
 *   <li>version 2 (carried-over segments): the ordinal count n, n file indexes (int, {@link #DEAD}
 *       for a dropped row) and n row positions (int).
 * </ul>
 */
final class RowMap {
  private static final int MAGIC = 0x4C42524D; // "LBRM"

  /** The file index of an ordinal whose row no longer exists. */
  static final int DEAD = -1;

  private final List<String> files;
  private final int[] fileOf;
  private final int[] posOf;

  private final int dead;

  RowMap(List<String> files, int[] fileOf, int[] posOf) {
    this.files = files;
    this.fileOf = fileOf;
    this.posOf = posOf;
    int d = 0;
    for (int f : fileOf) {
      if (f == DEAD) {
        d++;
      }
    }
    this.dead = d;
  }

  /** Ordinals whose row no longer exists. */
  int deadCount() {
    return dead;
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
    if (!isFileOrdered()) {
      writeV2(out);
      return;
    }
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

  /** Whether version 1 can hold this map: no dead ordinal, ordinals grouped by file in order. */
  private boolean isFileOrdered() {
    for (int o = 0; o < fileOf.length; o++) {
      if (fileOf[o] == DEAD || (o > 0 && fileOf[o] < fileOf[o - 1])) {
        return false;
      }
    }
    return true;
  }

  private void writeV2(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(MAGIC);
    d.writeInt(2);
    d.writeInt(files.size());
    for (String f : files) {
      d.writeUTF(f);
    }
    d.writeInt(fileOf.length);
    for (int f : fileOf) {
      d.writeInt(f);
    }
    for (int p : posOf) {
      d.writeInt(p);
    }
    d.flush();
  }

  static RowMap read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != MAGIC) {
      throw new IOException("not a Lakebeam row map (bad magic)");
    }
    int version = d.readInt();
    if (version != 1 && version != 2) {
      throw new IOException("unsupported row map version " + version);
    }
    int fileCount = d.readInt();
    if (version == 2) {
      return readV2(d, fileCount);
    }
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

  private static RowMap readV2(DataInputStream d, int fileCount) throws IOException {
    List<String> files = new ArrayList<>(fileCount);
    for (int f = 0; f < fileCount; f++) {
      files.add(d.readUTF());
    }
    int n = d.readInt();
    int[] fileOf = new int[n];
    int[] posOf = new int[n];
    for (int o = 0; o < n; o++) {
      fileOf[o] = d.readInt();
      if (fileOf[o] < DEAD || fileOf[o] >= fileCount) {
        throw new IOException("row map ordinal " + o + " names file " + fileOf[o]);
      }
    }
    for (int o = 0; o < n; o++) {
      posOf[o] = d.readInt();
    }
    return new RowMap(files, fileOf, posOf);
  }
}
