package io.lakebeam.transforms.lake;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * A local FileIO whose first data file under {@code /t/items/data/} (after {@link #arm()}) fails to
 * close with an IOException, like a disk that fills up or an upload that fails when the file is
 * flushed: a transient error that a retried bundle would get past.
 */
public final class CloseFailingFileIO extends HadoopFileIO {
  static final String FAILING = "/t/items/data/";
  private static final AtomicBoolean ARMED = new AtomicBoolean();

  /** Makes the next data file close fail once. */
  static void arm() {
    ARMED.set(true);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    OutputFile file = super.newOutputFile(path);
    return path.contains(FAILING) ? new Failing(file) : file;
  }

  private record Failing(OutputFile file) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      return new FailingStream(file.create());
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return new FailingStream(file.createOrOverwrite());
    }

    @Override
    public String location() {
      return file.location();
    }

    @Override
    public InputFile toInputFile() {
      return file.toInputFile();
    }
  }

  private static final class FailingStream extends PositionOutputStream {
    private final PositionOutputStream out;

    FailingStream(PositionOutputStream out) {
      this.out = out;
    }

    @Override
    public long getPos() throws IOException {
      return out.getPos();
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.close();
      if (ARMED.compareAndSet(true, false)) {
        throw new IOException("injected: no space left on device");
      }
    }
  }
}
