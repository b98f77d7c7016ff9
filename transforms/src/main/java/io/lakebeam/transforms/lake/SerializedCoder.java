package io.lakebeam.transforms.lake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * Encodes written-but-uncommitted file descriptions ({@link WrittenFiles}, {@link RewrittenFile})
 * with Java serialization (Iceberg's {@code DataFile} is serializable). Unlike {@code
 * SerializableCoder}, its structural value is the encoding, because Iceberg's data files do not
 * implement {@code equals}.
 */
final class SerializedCoder<T extends Serializable> extends CustomCoder<T> {
  private final Class<T> type;

  private SerializedCoder(Class<T> type) {
    this.type = type;
  }

  static <T extends Serializable> SerializedCoder<T> of(Class<T> type) {
    return new SerializedCoder<>(type);
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(value);
    }
    VarIntCoder.of().encode(bytes.size(), out);
    bytes.writeTo(out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    int size = VarIntCoder.of().decode(in);
    byte[] bytes = in.readNBytes(size);
    try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return type.cast(o.readObject());
    } catch (ClassNotFoundException e) {
      throw new CoderException("Cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}
}
