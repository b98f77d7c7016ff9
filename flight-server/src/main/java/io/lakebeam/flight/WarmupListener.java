package io.lakebeam.flight;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * A stream listener for the server's own warm-up searches: it serializes what a real call would
 * send (the schema message and each record batch) into nothing, so that the reply code is loaded
 * and compiled before the first client's call, and counts the rows it was given.
 *
 * <pre>{@code
 * WarmupListener sink = new WarmupListener();
 * SearchStream.run(collection, ticket, allocator, sink, limits, turn);
 * sink.rows(); // hits "sent"
 * }</pre>
 *
 * <p>Never cancelled, always ready; one listener per search. Not thread-safe.
 */
final class WarmupListener implements ServerStreamListener {
  private VectorSchemaRoot root;
  private long rows;
  private Throwable error;

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {}

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {}

  @Override
  public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
    this.root = root;
    try {
      MessageSerializer.serialize(channel(), root.getSchema(), option);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void putNext() {
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      MessageSerializer.serialize(channel(), batch);
      rows += root.getRowCount();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void putNext(ArrowBuf metadata) {
    putNext();
  }

  @Override
  public void putMetadata(ArrowBuf metadata) {}

  @Override
  public void error(Throwable t) {
    this.error = t;
  }

  @Override
  public void completed() {}

  /** Rows of the batches put so far. */
  long rows() {
    return rows;
  }

  /** The error the search reported, or null. */
  Throwable error() {
    return error;
  }

  private static WriteChannel channel() {
    return new WriteChannel(Channels.newChannel(OutputStream.nullOutputStream()));
  }
}
