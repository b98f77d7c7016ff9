package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import java.io.IOException;
import java.lang.ref.Cleaner;

/**
 * Memory-mapped readers of a file in the {@link DiskCache}, which stays pinned (never evicted)
 * until {@link #close()}. A supplier dropped without being closed (a replaced index that served its
 * last search) is closed, and its file unpinned, once it is unreachable. Thread-safe.
 */
final class PinnedReaders implements ReaderSupplier {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ReaderSupplier mapped;
  private final Cleaner.Cleanable cleanable;

  private PinnedReaders(ReaderSupplier mapped, DiskCache.Handle handle) {
    this.mapped = mapped;
    this.cleanable = CLEANER.register(this, new Release(mapped, handle));
  }

  /** Maps the handle's file; the supplier owns the handle from here on. */
  static PinnedReaders open(DiskCache.Handle handle) throws IOException {
    ReaderSupplier mapped;
    try {
      mapped = ReaderSupplierFactory.open(handle.path());
    } catch (IOException | RuntimeException e) {
      handle.close();
      throw e;
    }
    return new PinnedReaders(mapped, handle);
  }

  @Override
  public RandomAccessReader get() throws IOException {
    return mapped.get();
  }

  @Override
  public void close() {
    cleanable.clean();
  }

  /** Unmaps and unpins; holds no reference to the supplier itself. */
  private record Release(ReaderSupplier mapped, DiskCache.Handle handle) implements Runnable {
    @Override
    public void run() {
      try {
        mapped.close();
      } catch (IOException | RuntimeException ignored) {
        // unpinning matters more
      } finally {
        synchronized (handle) {
          handle.close();
        }
      }
    }
  }
}
