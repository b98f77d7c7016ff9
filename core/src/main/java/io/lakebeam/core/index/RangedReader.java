package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A jVector reader over {@link RemoteBlocks}: big-endian like jVector's own readers, with a small
 * aligned window so that the many tiny reads of a graph search (a degree, then its neighbours) cost
 * one cache read. The window is {@value #RANDOM_WINDOW} bytes for random reads (a graph search
 * touches one node record, ~1.6 KB at 384-d, then jumps: a 16 KiB window copied ten times what it
 * used, and the warm tier's p50 at 1M was 13.5 ms against 8 ms at 1 KiB) and {@value #SCAN_WINDOW}
 * bytes while the reads move forward in small steps (loading a segment's vectors). Not thread-safe:
 * one reader per thread.
 */
final class RangedReader implements RandomAccessReader {
  static final int RANDOM_WINDOW = 1 << 10;
  static final int SCAN_WINDOW = 16 << 10;
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);

  private final RemoteBlocks blocks;
  private final byte[] window;
  private long windowStart = -1;
  private int windowLength;
  private long position;
  private long lastEnd = -1; // where the previous read ended
  private long lastBlock = -2; // block 0 (the header) is no sequential scan yet
  private int sequentialMoves;
  private byte[] scratch = new byte[64];
  private boolean closed;

  RangedReader(RemoteBlocks blocks) {
    this.blocks = blocks;
    this.window = new byte[Math.min(SCAN_WINDOW, blocks.blockSize())];
  }

  @Override
  public void seek(long offset) {
    position = offset;
  }

  @Override
  public long getPosition() {
    return position;
  }

  @Override
  public long length() {
    return blocks.length();
  }

  @Override
  public int readInt() throws IOException {
    int at = windowOffset(4);
    int v = at >= 0 ? (int) INT.get(window, at) : (int) INT.get(readScratch(4), 0);
    position += 4;
    return v;
  }

  @Override
  public long readLong() throws IOException {
    int at = windowOffset(8);
    long v = at >= 0 ? (long) LONG.get(window, at) : (long) LONG.get(readScratch(8), 0);
    position += 8;
    return v;
  }

  @Override
  public float readFloat() throws IOException {
    int at = windowOffset(4);
    float v = at >= 0 ? (float) FLOAT.get(window, at) : (float) FLOAT.get(readScratch(4), 0);
    position += 4;
    return v;
  }

  @Override
  public void readFully(byte[] bytes) throws IOException {
    readBytes(ByteBuffer.wrap(bytes));
  }

  @Override
  public void readFully(ByteBuffer buffer) throws IOException {
    readBytes(buffer);
  }

  @Override
  public void readFully(float[] floats) throws IOException {
    read(floats, 0, floats.length);
  }

  @Override
  public void readFully(long[] longs) throws IOException {
    byte[] b = readScratch(longs.length * 8);
    ByteBuffer.wrap(b, 0, longs.length * 8).order(ByteOrder.BIG_ENDIAN).asLongBuffer().get(longs);
    position += longs.length * 8L;
  }

  @Override
  public void read(int[] ints, int offset, int count) throws IOException {
    byte[] b = readScratch(count * 4);
    ByteBuffer.wrap(b, 0, count * 4)
        .order(ByteOrder.BIG_ENDIAN)
        .asIntBuffer()
        .get(ints, offset, count);
    position += count * 4L;
  }

  @Override
  public void read(float[] floats, int offset, int count) throws IOException {
    byte[] b = readScratch(count * 4);
    ByteBuffer.wrap(b, 0, count * 4)
        .order(ByteOrder.BIG_ENDIAN)
        .asFloatBuffer()
        .get(floats, offset, count);
    position += count * 4L;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** The offset in the window of {@code n} bytes at the position, or -1 when not all there. */
  private int windowOffset(int n) {
    long at = position - windowStart;
    return windowStart >= 0 && at >= 0 && at + n <= windowLength ? (int) at : -1;
  }

  /** Reads {@code n} bytes at the position into the scratch array without moving the position. */
  private byte[] readScratch(int n) throws IOException {
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
    long saved = position;
    readBytes(ByteBuffer.wrap(scratch, 0, n));
    position = saved;
    return scratch;
  }

  /** Fills {@code dst} from the position on and moves the position past it. */
  private void readBytes(ByteBuffer dst) throws IOException {
    if (closed) {
      throw new IOException("Cannot read " + blocks.location() + ": the reader is closed");
    }
    if (position < 0 || position + dst.remaining() > blocks.length()) {
      throw new EOFException(
          "Cannot read "
              + dst.remaining()
              + " bytes at byte "
              + position
              + " of "
              + blocks.location()
              + ": the file has "
              + blocks.length()
              + " bytes (truncated or corrupt)");
    }
    boolean scanning = lastEnd >= 0 && position >= lastEnd && position - lastEnd <= SCAN_WINDOW;
    int size = scanning ? window.length : Math.min(RANDOM_WINDOW, window.length);
    while (dst.hasRemaining()) {
      long at = position - windowStart;
      if (windowStart >= 0 && at >= 0 && at < windowLength) {
        int n = (int) Math.min(dst.remaining(), windowLength - at);
        dst.put(window, (int) at, n);
        position += n;
      } else if (dst.remaining() >= size) {
        noteBlock(position);
        position += blocks.read(position, dst); // large reads go straight to the destination
      } else {
        fillWindow(size);
      }
    }
    lastEnd = position;
  }

  /** Fills the window with the {@code size} aligned bytes around the position. */
  private void fillWindow(int size) throws IOException {
    long start = position - Math.floorMod(position, (long) size);
    int n = (int) Math.min(size, blocks.length() - start);
    noteBlock(start);
    ByteBuffer w = ByteBuffer.wrap(window, 0, n);
    windowStart = -1; // invalid until filled
    while (w.hasRemaining()) {
      blocks.read(start + w.position(), w);
    }
    windowStart = start;
    windowLength = n;
  }

  /**
   * Starts read-ahead when this reader has moved on to the next block twice in a row (a sequential
   * scan); a graph search that happens to touch neighbouring blocks does not trigger it.
   */
  private void noteBlock(long at) {
    long block = at / blocks.blockSize();
    if (block != lastBlock) {
      sequentialMoves = block == lastBlock + 1 ? sequentialMoves + 1 : 0;
      if (sequentialMoves >= 2) {
        blocks.readAhead(block);
      }
      lastBlock = block;
    }
  }
}
