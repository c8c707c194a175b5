package org.violence.lakehouse.analyst;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/** The pages analysts read: one stylesheet, result tables, images, written to any Hadoop path. */
final class Html {
  private static final String STYLE = """
      body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
      table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
      th, td { border: 1px solid #ccc; padding: 3px 8px; }
      th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
      pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
      img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
      .note { color: #666; font-size: 0.85em; }
      """;

  private Html() {}

  static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n" + body
        + "</body>\n</html>\n";
  }

  /**
   * Up to {@code limit} rows of a result as a table, numbers right-aligned and readable
   * ({@code 1,378,110}, {@code 122.0041}, {@code 2.200e-09}); text is never cut.
   */
  static String table(Dataset<Row> result, int limit) {
    StructField[] fields = result.schema().fields();
    List<Row> rows = SqlShell.forReading(result, Integer.MAX_VALUE).limit(limit + 1)
        .collectAsList();
    StringBuilder html = new StringBuilder("<table>\n<tr>");
    for (StructField field : fields) {
      html.append("<th>").append(escape(field.name())).append("</th>");
    }
    html.append("</tr>\n");
    for (Row row : rows.subList(0, Math.min(rows.size(), limit))) {
      html.append("<tr>");
      for (int c = 0; c < fields.length; c++) {
        html.append(fields[c].dataType() instanceof NumericType ? "<td class=\"num\">" : "<td>")
            .append(row.isNullAt(c) ? "" : escape(row.getString(c))).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    if (rows.size() > limit) {
      html.append("<p class=\"note\">First ").append(limit).append(" rows shown.</p>\n");
    }
    return html.toString();
  }

  /** An image inside the page itself, so that one HTML file carries its charts. */
  static String inlineImage(byte[] png, String alt) {
    return "<img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(png) + "\">\n";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Writes a file at any Hadoop path (local, hdfs, s3a), replacing it. */
  static void write(Configuration hadoop, String file, byte[] bytes) {
    try (OutputStream out = create(hadoop, file)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A new file at any Hadoop path, replacing one there, for pages, figures and exports. */
  static OutputStream create(Configuration hadoop, String file) throws IOException {
    Path path = new Path(file);
    FileSystem fs = FileSystem.get(path.toUri(), hadoop);
    // Published as they are: no Hadoop .crc files beside them.
    fs.setWriteChecksum(false);
    return fs.create(path, true);
  }
}
