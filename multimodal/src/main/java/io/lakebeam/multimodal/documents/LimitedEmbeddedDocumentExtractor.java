package io.lakebeam.multimodal.documents;

import java.io.IOException;
import java.io.InputStream;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.extractor.ParsingEmbeddedDocumentExtractor;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Parses embedded documents (attachments, archive entries) into the container's text, as Tika's
 * {@link ParsingEmbeddedDocumentExtractor} does, up to a nesting depth and a count; it remembers
 * whether it had to skip any. One instance serves one parse (one thread).
 */
final class LimitedEmbeddedDocumentExtractor implements EmbeddedDocumentExtractor {

  private final ParsingEmbeddedDocumentExtractor delegate;
  private final int maxDepth;
  private final int maxResources;
  private int depth;
  private int parsed;
  private boolean skippedAny;

  LimitedEmbeddedDocumentExtractor(ParseContext context, int maxDepth, int maxResources) {
    this.delegate = new ParsingEmbeddedDocumentExtractor(context);
    this.maxDepth = maxDepth;
    this.maxResources = maxResources;
  }

  @Override
  public boolean shouldParseEmbedded(Metadata metadata) {
    if (!delegate.shouldParseEmbedded(metadata)) {
      return false;
    }
    if (depth >= maxDepth || parsed >= maxResources) {
      skippedAny = true;
      return false;
    }
    return true;
  }

  @Override
  public void parseEmbedded(
      InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
      throws SAXException, IOException {
    if (depth >= maxDepth || parsed >= maxResources) {
      skippedAny = true; // a parser that did not ask shouldParseEmbedded first
      return;
    }
    parsed++;
    depth++;
    try {
      delegate.parseEmbedded(stream, handler, metadata, outputHtml);
    } finally {
      depth--;
    }
  }

  /** How many embedded documents were parsed. */
  int parsedCount() {
    return parsed;
  }

  /** True when an embedded document was skipped for the depth or count limit. */
  boolean skippedAny() {
    return skippedAny;
  }
}
