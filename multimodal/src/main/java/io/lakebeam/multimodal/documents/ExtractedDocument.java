package io.lakebeam.multimodal.documents;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text and facts extracted from one document.
 *
 * @param uri the document's URI (or path), as the caller named it
 * @param contentHash {@code "sha256:"} and the lower-case hex SHA-256 of the raw bytes
 * @param sizeBytes the number of raw bytes read
 * @param mimeType the detected media type without parameters, e.g. {@code application/pdf}
 * @param title the document's own title (PDF info, Office properties, HTML {@code <title>}), or
 *     null when it declares none
 * @param language the language the document declares ({@code dc:language} or {@code
 *     Content-Language}, e.g. {@code en-US}), or null; it is not guessed from the text
 * @param metadata a small, sorted selection of the document's metadata, each value at most 1,000
 *     characters: {@code dc:title}, {@code dc:creator}, {@code dc:subject}, {@code dc:description},
 *     {@code dc:language}, {@code dc:publisher}, {@code dcterms:created}, {@code dcterms:modified},
 *     {@code Content-Type}, {@code Content-Encoding} (the charset of text), {@code
 *     Content-Language}, {@code meta:last-author}, {@code meta:word-count}, {@code pages}, {@code
 *     pdf:PDFVersion}, {@code pdf:producer}, {@code xmp:CreatorTool}, {@code
 *     extended-properties:Application}, {@code Message-From}, {@code Message-To}, {@code
 *     Message-Cc}, where present; and {@code embedded-failures}, the number of embedded documents
 *     (attachments) that could not be parsed and are missing from {@code text}
 * @param text the plain text: paragraphs separated by a blank line, headings, list items and table
 *     rows on lines of their own, text of embedded documents (attachments) after their container's
 *     text; never blank
 * @param truncated true when {@code text} is not all of the document's text: it was cut at {@link
 *     ExtractionLimits#maxTextChars()}, or embedded documents past {@link
 *     ExtractionLimits#maxEmbeddedDepth()} or {@link ExtractionLimits#maxEmbeddedResources()} were
 *     skipped
 * @param embeddedCount how many embedded documents (attachments, archive entries, embedded images)
 *     were parsed
 */
public record ExtractedDocument(
    String uri,
    String contentHash,
    long sizeBytes,
    String mimeType,
    String title,
    String language,
    Map<String, String> metadata,
    String text,
    boolean truncated,
    int embeddedCount) {

  public ExtractedDocument {
    requireNonNull(uri, "uri");
    requireNonNull(contentHash, "contentHash");
    requireNonNull(mimeType, "mimeType");
    requireNonNull(text, "text");
    metadata =
        Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(metadata, "metadata")));
  }
}
