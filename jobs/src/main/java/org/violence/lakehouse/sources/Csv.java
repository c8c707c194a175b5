package org.violence.lakehouse.sources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Splits one line of a delimited export into its fields (quotes per RFC 4180). */
public final class Csv {
  private Csv() {}

  public static List<String> fields(String line, char delimiter) {
    // Most lines quote nothing: then RFC 4180 is a plain split, and a parser per line (the
    // exports have ~1 M lines) cost seconds of a run.
    if (!line.isEmpty() && line.indexOf('"') < 0) {
      return split(line, delimiter);
    }
    // INEGI's cubes quote every field of every line ("a","1,234",""): with no quote inside a
    // field, RFC 4180 reads such a line as the text between the outer quotes split at each
    // quote-delimiter-quote. A parser per line allocated two 8 KB buffers for each of the
    // cubes' ~100,000 lines.
    List<String> quoted = fullyQuoted(line, delimiter);
    if (quoted != null) {
      return quoted;
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).build();
    try (CSVParser parser = CSVParser.parse(line, format)) {
      List<CSVRecord> records = parser.getRecords();
      if (records.size() != 1) {
        throw new IllegalArgumentException("line holds " + records.size() + " records");
      }
      List<String> fields = new ArrayList<>();
      records.get(0).forEach(fields::add);
      return fields;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalStateException | UncheckedIOException e) {
      throw new IllegalArgumentException("unbalanced quotes (a field opens a quote that the "
          + "line does not close)", e);
    }
  }

  /** The fields of a line quoted as {@code "f1","f2",...}, or null if it is not that shape. */
  private static List<String> fullyQuoted(String line, char delimiter) {
    int last = line.length() - 1;
    if (last < 1 || line.charAt(0) != '"' || line.charAt(last) != '"') {
      return null;
    }
    String separator = "\"" + delimiter + "\"";
    List<String> fields = new ArrayList<>();
    int start = 1;
    for (int end = line.indexOf(separator, start); end >= 0;
        end = line.indexOf(separator, start)) {
      fields.add(line.substring(start, end));
      start = end + separator.length();
    }
    if (start > last) {
      return null; // ends in quote-delimiter-quote: a last field opened and never closed
    }
    fields.add(line.substring(start, last));
    for (String field : fields) {
      if (field.indexOf('"') >= 0) {
        return null;
      }
    }
    return fields;
  }

  private static List<String> split(String line, char delimiter) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int end = line.indexOf(delimiter); end >= 0; end = line.indexOf(delimiter, start)) {
      fields.add(line.substring(start, end));
      start = end + 1;
    }
    fields.add(line.substring(start));
    return fields;
  }
}
