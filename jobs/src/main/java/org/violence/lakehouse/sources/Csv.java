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
    // The exports quote some fields or all of them ("a","1,234","" in INEGI's cubes; 1001,
    // "Dec-2006",0 in the Presidencia file's 121,000 lines). A line whose quoted fields each
    // close just before a delimiter or the line's end is split by hand; a parser per line
    // allocated two 8 KB buffers for each. Any other shape (a quote left open, text after a
    // closing quote) goes to the parser, which reads or refuses it as before.
    List<String> quoted = quotedFields(line, delimiter);
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

  /**
   * The fields of a line per RFC 4180 when each quoted field opens at its start and closes just
   * before a delimiter or the end of the line ({@code ""} inside it is one quote); null for any
   * other line. A quote inside an unquoted field is a character, as for the parser.
   */
  private static List<String> quotedFields(String line, char delimiter) {
    if (line.isEmpty() || line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
      return null; // the parser reads these as other than one record
    }
    List<String> fields = new ArrayList<>();
    int at = 0;
    while (true) {
      int next;
      if (line.charAt(at) == '"') {
        StringBuilder field = new StringBuilder();
        int from = at + 1;
        while (true) {
          int quote = line.indexOf('"', from);
          if (quote < 0) {
            return null; // never closed
          }
          field.append(line, from, quote);
          if (quote + 1 < line.length() && line.charAt(quote + 1) == '"') {
            field.append('"');
            from = quote + 2;
            continue;
          }
          next = quote + 1;
          break;
        }
        if (next < line.length() && line.charAt(next) != delimiter) {
          return null; // text after the closing quote
        }
        fields.add(field.toString());
      } else {
        next = line.indexOf(delimiter, at);
        next = next < 0 ? line.length() : next;
        fields.add(line.substring(at, next));
      }
      if (next >= line.length()) {
        return fields;
      }
      at = next + 1;
      if (at == line.length()) {
        fields.add(""); // a delimiter ends the line: an empty last field
        return fields;
      }
    }
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
