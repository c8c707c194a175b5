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
