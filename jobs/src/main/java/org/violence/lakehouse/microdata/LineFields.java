package org.violence.lakehouse.microdata;

import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.violence.lakehouse.sources.Csv;

/**
 * A certificate line of one file as a row of {@link CertificateFiles}: the file's year and name,
 * INEGI's columns in its order whatever the file's order, and the raw line when it does not hold
 * INEGI's fields; no row for a blank line or the file's header.
 *
 * <p>It works on the line's UTF-8 bytes, and each field is a view of them that Spark copies once,
 * into its own row: a comma never occurs inside a multi-byte UTF-8 character, so the split is
 * exact. A line in another encoding is decoded first, unless it is plain ASCII in an encoding
 * that writes ASCII as ASCII (INEGI's Latin-1: nearly every line). Only a line holding a quote
 * goes through the RFC 4180 parser. Fields as Java strings or byte arrays cost two or three
 * copies each, about a fifth of the bronze stage at national scale (jobs/BENCHMARKS.md).
 *
 * <p>Not thread-safe: the row it returns, and the fields in it, are valid until the next line.
 */
final class LineFields {
  private static final byte COMMA = ',';
  private static final byte SPACE = ' ';
  private static final byte QUOTE = '"';
  /** Every ASCII character, to tell whether an encoding writes them as ASCII. */
  private static final String ASCII = asciiCharacters();

  /**
   * One file: its name as the table records it, its year, where each of INEGI's columns sits in
   * its lines, and its header line's bytes without and with a byte-order mark, as a line holding
   * either is skipped.
   */
  record Layout(String name, int year, int[] positions, byte[] header, byte[] headerWithMark)
      implements Serializable {
    static Layout of(String name, int year, int[] positions, String header) {
      return new Layout(name, year, positions, header.getBytes(StandardCharsets.UTF_8),
          ("\uFEFF" + header).getBytes(StandardCharsets.UTF_8));
    }

    boolean isHeader(byte[] line, int start, int end) {
      return Arrays.equals(line, start, end, header, 0, header.length)
          || Arrays.equals(line, start, end, headerWithMark, 0, headerWithMark.length);
    }
  }

  private final Layout layout;
  private final Charset charset;
  private final boolean decodes;
  private final boolean asciiAsIs;
  private final UTF8String name;
  private final Object[] values;
  private final GenericInternalRow row;
  /** Where each field of the current line starts and ends, grown to the longest line's. */
  private int[] starts = new int[64];
  private int[] ends = new int[64];

  LineFields(Layout layout, Charset charset) {
    this.layout = layout;
    this.charset = charset;
    this.decodes = !charset.equals(StandardCharsets.UTF_8);
    this.asciiAsIs = new String(ASCII.getBytes(StandardCharsets.US_ASCII), charset).equals(ASCII);
    this.name = UTF8String.fromString(layout.name());
    this.values = new Object[3 + layout.positions().length];
    this.row = new GenericInternalRow(values);
  }

  /** The row of the line in {@code bytes[0, length)}, or null for a blank line or the header. */
  InternalRow of(byte[] bytes, int length) {
    byte[] line = bytes;
    int end = length;
    if (decodes && !(asciiAsIs && isAscii(bytes, length))) {
      line = new String(bytes, 0, length, charset).getBytes(StandardCharsets.UTF_8);
      end = line.length;
    }
    int start = 0;
    int trimmedEnd = end;
    while (start < trimmedEnd && line[start] == SPACE) {
      start++;
    }
    while (trimmedEnd > start && line[trimmedEnd - 1] == SPACE) {
      trimmedEnd--;
    }
    if (start == trimmedEnd || layout.isHeader(line, start, trimmedEnd)) {
      return null;
    }
    int[] positions = layout.positions();
    values[0] = layout.year();
    values[1] = name;
    int count = split(line, end);
    if (count < 0) {
      count = parsed(line, end, positions);
    } else {
      for (int column = 0; column < positions.length; column++) {
        int field = positions[column];
        values[2 + column] = field >= count || starts[field] == ends[field] ? null
            : UTF8String.fromBytes(line, starts[field], ends[field] - starts[field]);
      }
    }
    values[values.length - 1] = count == positions.length ? null
        : UTF8String.fromBytes(line, 0, end);
    return row;
  }

  private static boolean isAscii(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Marks the fields between commas in {@link #starts} and {@link #ends}; returns how many, or
   * -1 when the line holds a quote and must be parsed.
   */
  private int split(byte[] line, int end) {
    int count = 0;
    int start = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || line[i] == COMMA) {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
          ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = start;
        ends[count++] = i;
        start = i + 1;
      } else if (line[i] == QUOTE) {
        return -1;
      }
    }
    return count;
  }

  /**
   * Fills in a quoted line's fields by RFC 4180, an empty one null; returns how many it holds,
   * or -1 when its quotes do not balance (no field at all then).
   */
  private int parsed(byte[] line, int end, int[] positions) {
    List<String> fields;
    try {
      fields = Csv.fields(new String(line, 0, end, StandardCharsets.UTF_8), ',');
    } catch (IllegalArgumentException unbalanced) {
      fields = null;
    }
    for (int column = 0; column < positions.length; column++) {
      int field = positions[column];
      values[2 + column] = fields == null || field >= fields.size()
          || fields.get(field).isEmpty() ? null : UTF8String.fromString(fields.get(field));
    }
    return fields == null ? -1 : fields.size();
  }

  private static String asciiCharacters() {
    StringBuilder ascii = new StringBuilder();
    for (char c = 0; c < 128; c++) {
      ascii.append(c);
    }
    return ascii.toString();
  }
}
