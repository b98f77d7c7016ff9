package io.lakebeam.core.index;

import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A build's vectors in a scratch file mapped into memory, instead of on the heap: N vectors of a
 * segment then take N x dimension x 4 bytes of page cache rather than of heap, so a server can
 * index more vectors than its heap holds (the operating system pages them as memory allows). Like
 * jVector's on-disk graph, each reader copies a vector out of the mapping into a vector of its own,
 * so the values are shared ({@link #isValueShared()}) and {@link #copy()} gives a second reader.
 *
 * <pre>{@code
 * try (MappedVectors.Writer w = MappedVectors.writer(scratch, 384)) {
 *   w.add(vector);
 * }
 * try (MappedVectors vectors = MappedVectors.open(scratch, 384)) {
 *   GraphIndexBuilder builder = ...; // any RandomAccessVectorValues consumer
 * }
 * }</pre>
 *
 * <p>One instance per thread; {@link #copy()} instances share the mapping, which the instance that
 * {@link #open} returned unmaps on {@link #close()}.
 */
final class MappedVectors implements RandomAccessVectorValues, AutoCloseable {
  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();
  private static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

  private final Arena arena;
  private final MemorySegment mapped;
  private final int dimension;
  private final int size;
  private final boolean owner;
  private final VectorFloat<?> current;

  private MappedVectors(Arena arena, MemorySegment mapped, int dimension, int size, boolean owner) {
    this.arena = arena;
    this.mapped = mapped;
    this.dimension = dimension;
    this.size = size;
    this.owner = owner;
    this.current = VTS.createFloatVector(dimension);
  }

  /** Starts a scratch file of {@code dimension}-wide vectors, truncating {@code file}. */
  static Writer writer(Path file, int dimension) throws IOException {
    return new Writer(file, dimension);
  }

  /** Maps the vectors a {@link Writer} wrote to {@code file}. */
  static MappedVectors open(Path file, int dimension) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long bytes = channel.size();
      long width = 4L * dimension;
      if (bytes % width != 0) {
        throw new IOException(
            file + " holds " + bytes + " bytes, not a whole number of " + dimension + "-d vectors");
      }
      MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
      return new MappedVectors(arena, mapped, dimension, Math.toIntExact(bytes / width), true);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** Vector {@code node}, valid until this instance's next call. */
  @Override
  public VectorFloat<?> getVector(int node) {
    long offset = (long) node * dimension * 4;
    Object storage = current.get();
    if (storage instanceof MemorySegment segment) {
      MemorySegment.copy(mapped, offset, segment, 0, 4L * dimension);
    } else {
      MemorySegment.copy(mapped, FLOAT, offset, (float[]) storage, 0, dimension);
    }
    return current;
  }

  @Override
  public boolean isValueShared() {
    return true;
  }

  @Override
  public MappedVectors copy() {
    return new MappedVectors(arena, mapped, dimension, size, false);
  }

  /** Unmaps the file (the instance {@link #open} returned only); copies must be out of use. */
  @Override
  public void close() {
    if (owner) {
      arena.close();
    }
  }

  /** Appends vectors to a scratch file in the order of their ordinals. */
  static final class Writer implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final int dimension;
    private int count;

    private Writer(Path file, int dimension) throws IOException {
      this.channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
      this.dimension = dimension;
      this.buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    }

    /** Appends one vector of exactly {@code dimension} values. */
    void add(float[] vector) throws IOException {
      if (vector.length != dimension) {
        throw new IllegalArgumentException(
            "vector of dimension " + vector.length + ", expected " + dimension);
      }
      if (buffer.remaining() < 4 * dimension) {
        flush();
      }
      if (buffer.remaining() >= 4 * dimension) {
        buffer.asFloatBuffer().put(vector);
        buffer.position(buffer.position() + 4 * dimension);
      } else { // wider than the buffer
        for (float x : vector) {
          if (!buffer.hasRemaining()) {
            flush();
          }
          buffer.putFloat(x);
        }
      }
      count++;
    }

    /** Vectors added so far. */
    int count() {
      return count;
    }

    private void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public void close() throws IOException {
      try {
        flush();
      } finally {
        channel.close();
      }
    }
  }
}
