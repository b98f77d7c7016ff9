package io.lakebeam.transforms.media;

import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;

/** The schema of media file rows from {@link Media#read}: one per video or image, by reference. */
public final class MediaRows {
  /** First 16 hex digits of SHA-256 of the URI. */
  public static final String MEDIA_ID = "media_id";

  public static final String URI = "uri";

  /** {@code video} or {@code image}, from the file name (unknown extensions are tried as video). */
  public static final String MEDIA_TYPE = "media_type";

  public static final String SIZE_BYTES = "size_bytes";

  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField(MEDIA_ID)
          .addStringField(URI)
          .addStringField(MEDIA_TYPE)
          .addInt64Field(SIZE_BYTES)
          .build();

  /** File extensions read as still images (ImageIO); everything else goes to FFmpeg. */
  public static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "wbmp");

  private MediaRows() {}

  /** {@code image} for an image extension, else {@code video}. */
  public static String typeOf(String uri) {
    int slash = uri.lastIndexOf('/');
    int dot = uri.lastIndexOf('.');
    String ext = dot > slash ? uri.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return IMAGE_EXTENSIONS.contains(ext) ? "image" : "video";
  }
}
