package io.lakebeam.multimodal.documents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTString;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

/** Builds the documents the tests extract, in a test's temporary directory. */
public final class TestDocuments {

  private TestDocuments() {}

  /** A PDF with an info-dictionary title and one page per list of paragraphs. */
  public static Path pdf(Path dir, String name, String title, List<List<String>> pages)
      throws IOException {
    try (PDDocument doc = new PDDocument()) {
      doc.getDocumentInformation().setTitle(title);
      writePages(doc, pages);
      Path file = dir.resolve(name);
      doc.save(file.toFile());
      return file;
    }
  }

  /** A PDF that opens only with the user password. */
  public static Path encryptedPdf(Path dir, String name) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      writePages(doc, List.of(List.of("Salaries for 2026 are confidential.")));
      StandardProtectionPolicy policy =
          new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
      policy.setEncryptionKeyLength(128);
      doc.protect(policy);
      Path file = dir.resolve(name);
      doc.save(file.toFile());
      return file;
    }
  }

  private static void writePages(PDDocument doc, List<List<String>> pages) throws IOException {
    PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    for (List<String> paragraphs : pages) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
        content.beginText();
        content.setFont(font, 12);
        content.newLineAtOffset(72, 720);
        for (String paragraph : paragraphs) {
          content.showText(paragraph);
          content.newLineAtOffset(0, -36); // a gap PDFBox reads as a paragraph break
        }
        content.endText();
      }
    }
  }

  /**
   * A DOCX with a title property and one paragraph per line; a line starting with {@code "# "} or
   * {@code "## "} becomes a paragraph in the "heading 1" or "heading 2" style.
   */
  public static Path docx(Path dir, String name, String title, String... lines) throws IOException {
    try (XWPFDocument doc = new XWPFDocument()) {
      doc.getProperties().getCoreProperties().setTitle(title);
      XWPFStyles styles = doc.createStyles();
      styles.addStyle(headingStyle("Heading1", "heading 1"));
      styles.addStyle(headingStyle("Heading2", "heading 2"));
      for (String line : lines) {
        var paragraph = doc.createParagraph();
        String text = line;
        if (line.startsWith("## ")) {
          paragraph.setStyle("Heading2");
          text = line.substring(3);
        } else if (line.startsWith("# ")) {
          paragraph.setStyle("Heading1");
          text = line.substring(2);
        }
        paragraph.createRun().setText(text);
      }
      Path file = dir.resolve(name);
      try (OutputStream out = Files.newOutputStream(file)) {
        doc.write(out);
      }
      return file;
    }
  }

  private static XWPFStyle headingStyle(String id, String name) {
    CTStyle style = CTStyle.Factory.newInstance();
    style.setStyleId(id);
    style.setType(STStyleType.PARAGRAPH);
    CTString styleName = CTString.Factory.newInstance();
    styleName.setVal(name);
    style.setName(styleName);
    return new XWPFStyle(style);
  }

  /**
   * A DOCX whose word/document.xml inflates to {@code inflatedMiB} MiB of one letter: about 1 MB on
   * disk. Written at the fastest compression level, which takes about 1 s for 256 MiB.
   */
  public static Path zipBombDocx(Path dir, String name, int inflatedMiB) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.setLevel(Deflater.BEST_SPEED);
      putEntry(
          zip,
          "[Content_Types].xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types"
              + " xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default"
              + " Extension=\"rels\""
              + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default"
              + " Extension=\"xml\" ContentType=\"application/xml\"/><Override"
              + " PartName=\"/word/document.xml\" ContentType=\"application/"
              + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
      putEntry(
          zip,
          "_rels/.rels",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships"
              + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship"
              + " Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
              + "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>");
      zip.putNextEntry(new ZipEntry("word/document.xml"));
      zip.write(
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas"
                  + ".openxmlformats.org/wordprocessingml/2006/main\"><w:body>")
              .getBytes(StandardCharsets.UTF_8));
      byte[] paragraph =
          ("<w:p><w:r><w:t>" + "a".repeat(1 << 20) + "</w:t></w:r></w:p>")
              .getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < inflatedMiB; i++) {
        zip.write(paragraph);
      }
      zip.write("</w:body></w:document>".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return file;
  }

  /** A gzip-compressed text file that inflates to {@code inflatedMiB} MiB of one letter. */
  public static Path gzipBomb(Path dir, String name, int inflatedMiB) throws IOException {
    Path file = dir.resolve(name);
    byte[] letters = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
    try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < inflatedMiB; i++) {
        gzip.write(letters);
      }
    }
    return file;
  }

  private static void putEntry(ZipOutputStream zip, String name, String content)
      throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  /** An RFC 822 message with a plain-text body and one attachment of the given media type. */
  public static Path eml(Path dir, String name, String body, Path attachment, String attachmentType)
      throws IOException {
    String attachmentBase64 =
        Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(Files.readAllBytes(attachment));
    String message =
        String.join(
            "\r\n",
            "From: Alice Example <alice@example.com>",
            "To: Bob Example <bob@example.com>",
            "Subject: Release checklist",
            "Date: Tue, 3 Mar 2026 10:00:00 +0000",
            "Message-ID: <checklist-1@example.com>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"lakebeam-boundary\"",
            "",
            "--lakebeam-boundary",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            body,
            "",
            "--lakebeam-boundary",
            "Content-Type: " + attachmentType + "; name=\"" + attachment.getFileName() + "\"",
            "Content-Disposition: attachment; filename=\"" + attachment.getFileName() + "\"",
            "Content-Transfer-Encoding: base64",
            "",
            attachmentBase64,
            "--lakebeam-boundary--",
            "");
    return write(dir.resolve(name), message.getBytes(StandardCharsets.UTF_8));
  }

  /** A zip archive of text files, one entry per name and text. */
  static Path zipOfTexts(Path dir, String name, List<String> texts) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < texts.size(); i++) {
        putEntry(zip, "part-" + (i + 1) + ".txt", texts.get(i));
      }
    }
    return file;
  }

  /** An HTML page of {@code paragraphs} paragraphs, about 100 bytes each. */
  static Path bigHtml(Path dir, String name, int paragraphs) throws IOException {
    StringBuilder html = new StringBuilder("<html><head><title>Big</title></head><body>");
    for (int i = 0; i < paragraphs; i++) {
      html.append("<p>Paragraph ")
          .append(i)
          .append(" of a long page about lakes and vectors.</p>\n");
    }
    return write(dir.resolve(name), html.append("</body></html>").toString());
  }

  /** Seeded random bytes. */
  public static byte[] randomBytes(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  public static Path write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
    return file;
  }

  public static Path write(Path file, String text) throws IOException {
    return write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code count} numbered paragraphs of about 60 characters each, blank-line separated. */
  public static String paragraphs(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append("Paragraph ").append(i).append(" talks about lakes, beams and vectors.\n\n");
    }
    return text.toString();
  }

  static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
