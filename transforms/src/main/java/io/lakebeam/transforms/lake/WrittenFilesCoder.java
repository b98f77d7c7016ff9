package io.lakebeam.transforms.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * Encodes {@link WrittenFiles} with Java serialization (Iceberg's {@code DataFile} is
 * serializable). Unlike {@code SerializableCoder}, its structural value is the encoding, because
 * Iceberg's data files do not implement {@code equals}.
 */
final class WrittenFilesCoder extends CustomCoder<WrittenFiles> {
  private static final WrittenFilesCoder INSTANCE = new WrittenFilesCoder();

  static WrittenFilesCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(WrittenFiles value, OutputStream out) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(value);
    }
    VarIntCoder.of().encode(bytes.size(), out);
    bytes.writeTo(out);
  }

  @Override
  public WrittenFiles decode(InputStream in) throws IOException {
    int size = VarIntCoder.of().decode(in);
    byte[] bytes = in.readNBytes(size);
    try (ObjectInputStream o = new ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return (WrittenFiles) o.readObject();
    } catch (ClassNotFoundException e) {
      throw new CoderException("Cannot decode written files: " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}
}
