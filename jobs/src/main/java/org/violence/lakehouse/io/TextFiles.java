package org.violence.lakehouse.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Reads an agency export as text in its declared encoding, through Hadoop's file system so that
 * the inputs may sit on local disk or cloud storage, and bzip2/gzip files are read as published.
 * A file in another encoding is refused here, before a single mis-decoded name reaches a table.
 */
public final class TextFiles {
  private TextFiles() {}

  /** The file's lines (without line terminators), decoded strictly. */
  public static List<String> readLines(Configuration hadoop, String uri, String displayName,
      Charset declared) {
    return splitLines(decode(readBytes(hadoop, uri, displayName), declared, displayName));
  }

  /**
   * The file's first line (its header), decoded leniently and without a byte-order mark: read
   * alone, so that a large file's layout is checked before Spark reads it.
   */
  public static String firstLine(Configuration hadoop, String uri, String displayName,
      Charset charset) {
    return read(hadoop, uri, displayName, in -> {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
        line.write(b);
      }
      String text = line.toString(charset);
      return (text.startsWith("\uFEFF") ? text.substring(1) : text).strip();
    });
  }

  static byte[] readBytes(Configuration hadoop, String uri, String displayName) {
    return read(hadoop, uri, displayName, InputStream::readAllBytes);
  }

  /** What {@link #read} does with the file's decompressed bytes. */
  private interface Reading<T> {
    T from(InputStream in) throws IOException;
  }

  /** Opens the file (decompressed), a missing or unreadable one a bad input naming it. */
  private static <T> T read(Configuration hadoop, String uri, String displayName,
      Reading<T> reading) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        throw InputException.forFile(displayName, "file is missing (looked for " + uri + ")");
      }
      try (InputStream raw = fs.open(path); InputStream in = decompressed(raw, uri)) {
        return reading.from(in);
      }
    } catch (IOException e) {
      throw InputException.forFile(displayName, "cannot be read: " + e.getMessage());
    }
  }

  /**
   * Hadoop's pure-Java bzip2 stream ends at the first block boundary when read to the end (seen
   * on INEGI's exports: 194 of 14,000 lines), so bzip2 goes through commons-compress, which
   * Spark ships, and gzip through the JDK.
   */
  private static InputStream decompressed(InputStream raw, String uri) throws IOException {
    if (uri.endsWith(".bz2")) {
      return new BZip2CompressorInputStream(raw, true);
    }
    if (uri.endsWith(".gz")) {
      return new GZIPInputStream(raw);
    }
    return raw;
  }

  /** Decodes {@code bytes}, refusing text that is evidently in another encoding. */
  public static String decode(byte[] bytes, Charset declared, String displayName) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new InputException(displayName, lineOf(bytes, i),
            "contains NUL bytes: not " + declared.name() + " text (UTF-16 or binary?)");
      }
    }
    int start = hasUtf8Bom(bytes) ? 3 : 0;
    ByteBuffer content = ByteBuffer.wrap(bytes, start, bytes.length - start);
    if (declared.equals(StandardCharsets.UTF_8)) {
      return strictUtf8(content, displayName);
    }
    int firstMultiByte = firstUtf8MultiByteSequence(bytes);
    if (firstMultiByte >= 0 && isValidUtf8(bytes)) {
      throw new InputException(displayName, lineOf(bytes, firstMultiByte),
          "is UTF-8 encoded but the source is declared " + declared.name()
              + "; convert the file or fix the source's encoding in the config");
    }
    return declared.decode(content).toString();
  }

  private static String strictUtf8(ByteBuffer content, String displayName) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(content.duplicate()).toString();
    } catch (CharacterCodingException e) {
      byte[] all = new byte[content.remaining()];
      content.duplicate().get(all);
      int bad = firstInvalidUtf8(all);
      throw new InputException(displayName, lineOf(all, bad), String.format(
          "byte 0x%02X is not valid UTF-8, the declared encoding (is the file Latin-1?)",
          all[bad] & 0xFF));
    }
  }

  private static boolean hasUtf8Bom(byte[] b) {
    return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB
        && (b[2] & 0xFF) == 0xBF;
  }

  private static int firstUtf8MultiByteSequence(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if ((b[i] & 0x80) != 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isValidUtf8(byte[] b) {
    return firstInvalidUtf8(b) < 0;
  }

  /** Index of the first byte that breaks UTF-8, or -1 when the bytes are valid UTF-8. */
  private static int firstInvalidUtf8(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int lead = b[i] & 0xFF;
      int continuation = lead < 0x80 ? 0 : lead >= 0xC2 && lead <= 0xDF ? 1
          : lead >= 0xE0 && lead <= 0xEF ? 2 : lead >= 0xF0 && lead <= 0xF4 ? 3 : -1;
      if (continuation < 0 || i + continuation >= b.length + (continuation == 0 ? 1 : 0)) {
        return i;
      }
      for (int k = 1; k <= continuation; k++) {
        if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += continuation + 1;
    }
    return -1;
  }

  private static long lineOf(byte[] bytes, int index) {
    long line = 1;
    for (int i = 0; i < index && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Splits on LF, CRLF or CR; a final empty line after the last terminator is not a line. */
  static List<String> splitLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }
}
