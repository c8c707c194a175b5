package org.violence.lakehouse.microdata;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.paths.SparkPath;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.sources.Csv;

/**
 * A certificate line's fields in INEGI's column order, whatever its file's order, with the file's
 * year and the number of fields the line held; no row for a blank line or the file's header.
 *
 * <p>It works on the line's UTF-8 bytes and hands back each field as bytes, which Spark takes as
 * text without decoding and encoding it again: a comma never occurs inside a multi-byte UTF-8
 * character, so the split is exact. Only a line holding a quote is decoded, for the RFC 4180
 * parser. Going through Java strings and a Spark array instead cost two conversions per field.
 */
final class LineFields implements UDF2<byte[], String, Row> {
  static final String YEAR = "year";
  /** Index of the line's file in the list the reader was given. */
  static final String FILE = "file";
  /** Fields the line held: INEGI's count for a whole line, -1 when its quotes do not balance. */
  static final String COUNT = "count";

  /** The result: year, file, count, then INEGI's columns as {@code field_0}, ... in its order. */
  static final StructType SCHEMA = schema();

  private static final byte COMMA = ',';
  private static final byte SPACE = ' ';
  private static final byte QUOTE = '"';

  /**
   * One file: its path as Spark names it, its year, where each column sits, and its header line's
   * bytes without and with a byte-order mark, as a line holding either is skipped.
   */
  record Layout(String path, int year, int[] positions, byte[] header, byte[] headerWithMark)
      implements Serializable {
    static Layout of(String path, int year, int[] positions, String header) {
      return new Layout(path, year, positions, header.getBytes(StandardCharsets.UTF_8),
          ("\uFEFF" + header).getBytes(StandardCharsets.UTF_8));
    }

    boolean isHeader(byte[] line, int start, int end) {
      return Arrays.equals(line, start, end, header, 0, header.length)
          || Arrays.equals(line, start, end, headerWithMark, 0, headerWithMark.length);
    }
  }

  private final List<Layout> layouts;
  /** Spark's spelling of a file's path to its index, found once per spelling. */
  private final Map<String, Integer> fileOfPath = new ConcurrentHashMap<>();

  LineFields(List<Layout> layouts) {
    this.layouts = List.copyOf(layouts);
  }

  static String field(int column) {
    return "field_" + column;
  }

  /** A file's path as compared with Spark's file metadata: absolute and decoded. */
  static String pathOf(Configuration hadoop, String uri) {
    Path path = new Path(uri);
    try {
      return path.getFileSystem(hadoop).makeQualified(path).toUri().getPath();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot resolve " + uri, e);
    }
  }

  @Override
  public Row call(byte[] line, String sparkPath) {
    int file = fileOfPath.computeIfAbsent(sparkPath, this::fileOf);
    int start = 0;
    int end = line.length;
    while (start < end && line[start] == SPACE) {
      start++;
    }
    while (end > start && line[end - 1] == SPACE) {
      end--;
    }
    Layout layout = layouts.get(file);
    if (start == end || layout.isHeader(line, start, end)) {
      return null;
    }
    byte[][] fields = hasQuote(line) ? parsed(line) : split(line);
    Object[] values = new Object[3 + layout.positions().length];
    values[0] = layout.year();
    values[1] = file;
    values[2] = fields == null ? -1 : fields.length;
    for (int column = 0; column < layout.positions().length; column++) {
      int position = layout.positions()[column];
      values[3 + column] = fields == null || position >= fields.length ? null : fields[position];
    }
    return RowFactory.create(values);
  }

  /** Spark's file metadata holds the path URL-encoded ("a%20b" for a space); decoded here. */
  private int fileOf(String sparkPath) {
    String path = SparkPath.fromUrlString(sparkPath).toPath().toUri().getPath();
    for (int i = 0; i < layouts.size(); i++) {
      if (layouts.get(i).path().equals(path)) {
        return i;
      }
    }
    throw new IllegalStateException("a line of " + sparkPath + ", which is none of the files "
        + "being read: " + layouts.stream().map(Layout::path).toList());
  }

  private static boolean hasQuote(byte[] line) {
    for (byte b : line) {
      if (b == QUOTE) {
        return true;
      }
    }
    return false;
  }

  /** The fields between commas; an empty one null, as Spark's CSV reader has it. */
  private static byte[][] split(byte[] line) {
    int count = 1;
    for (byte b : line) {
      if (b == COMMA) {
        count++;
      }
    }
    byte[][] fields = new byte[count][];
    int start = 0;
    int field = 0;
    for (int i = 0; i <= line.length; i++) {
      if (i == line.length || line[i] == COMMA) {
        fields[field++] = i == start ? null : Arrays.copyOfRange(line, start, i);
        start = i + 1;
      }
    }
    return fields;
  }

  /** A quoted line's fields by RFC 4180; null when its quotes do not balance. */
  private static byte[][] parsed(byte[] line) {
    List<String> fields;
    try {
      fields = Csv.fields(new String(line, StandardCharsets.UTF_8), ',');
    } catch (IllegalArgumentException unbalanced) {
      return null;
    }
    return fields.stream().map(field -> field.isEmpty() ? null
        : field.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  private static StructType schema() {
    StructType schema = new StructType()
        .add(YEAR, DataTypes.IntegerType, false)
        .add(FILE, DataTypes.IntegerType, false)
        .add(COUNT, DataTypes.IntegerType, false);
    for (int column = 0; column < DeathRecords.COLUMNS.size(); column++) {
      schema = schema.add(field(column), DataTypes.BinaryType, true);
    }
    return schema;
  }
}
