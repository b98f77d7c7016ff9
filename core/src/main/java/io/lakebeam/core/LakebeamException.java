package io.lakebeam.core;

/**
 * Base class of every error Lakebeam reports to a caller. The {@link Kind} tells a server how to
 * map it onto a protocol status; the message says what went wrong and what to do about it.
 */
public class LakebeamException extends RuntimeException {

  /** What kind of failure this is, independent of any wire protocol. */
  public enum Kind {
    NOT_FOUND,
    INVALID_ARGUMENT,
    ALREADY_EXISTS,
    INTERNAL
  }

  private final Kind kind;

  public LakebeamException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public LakebeamException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static LakebeamException notFound(String format, Object... args) {
    return new LakebeamException(Kind.NOT_FOUND, String.format(format, args));
  }

  public static LakebeamException invalid(String format, Object... args) {
    return new LakebeamException(Kind.INVALID_ARGUMENT, String.format(format, args));
  }

  public static LakebeamException alreadyExists(String format, Object... args) {
    return new LakebeamException(Kind.ALREADY_EXISTS, String.format(format, args));
  }

  public static LakebeamException internal(String message, Throwable cause) {
    return new LakebeamException(Kind.INTERNAL, message, cause);
  }
}
