package org.violence.lakehouse.sources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.violence.lakehouse.io.InputException;

/**
 * A header-first delimited export (CONAPO, CONEVAL, catalogues) with an explicit schema: which
 * header names are read, under what column name and type. Columns the schema does not name are
 * kept as landed, as text, so that nothing in the file is lost.
 */
public record DelimitedFile(char delimiter, List<Field> fields, Set<String> missingTokens) {

  /** Type of a declared column; codes are normalised to INEGI's zero-padded strings. */
  public enum FieldType { TEXT, INTEGER, DECIMAL, MUNICIPALITY_CODE, STATE_CODE }

  /** A declared column: the header it is read from and the name and type it lands with. */
  public record Field(String header, String column, FieldType type) {}

  /** One parsed line: declared values in declaration order, and the other cells by header. */
  public record Line(long lineNumber, Object[] values, Map<String, String> extras) {}

  public static DelimitedFile commaSeparated(Set<String> missingTokens, Field... fields) {
    return new DelimitedFile(',', List.of(fields), missingTokens);
  }

  public static Field field(String header, String column, FieldType type) {
    return new Field(header, column, type);
  }

  public ParsedFile<Line> parse(String file, List<String> lines) {
    int headerIndex = firstNonBlank(lines);
    if (headerIndex < 0) {
      throw InputException.forFile(file, "is empty: no header line");
    }
    List<String> header = Csv.fields(lines.get(headerIndex), delimiter).stream()
        .map(String::trim).toList();
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      position.putIfAbsent(header.get(i), i);
    }
    int[] declared = new int[fields.size()];
    for (int f = 0; f < fields.size(); f++) {
      Integer at = position.get(fields.get(f).header());
      if (at == null) {
        throw new InputException(file, headerIndex + 1L, "header changed: column '"
            + fields.get(f).header() + "' is missing; the header is " + header);
      }
      declared[f] = at;
    }
    Set<Integer> declaredPositions = java.util.Arrays.stream(declared).boxed()
        .collect(Collectors.toSet());
    List<Line> records = new ArrayList<>();
    List<ParsedFile.Rejected> rejected = new ArrayList<>();
    for (int i = headerIndex + 1; i < lines.size(); i++) {
      String text = lines.get(i);
      long lineNumber = i + 1L;
      if (text.isBlank()) {
        continue;
      }
      try {
        List<String> cells = Csv.fields(text, delimiter);
        if (cells.size() != header.size()) {
          throw new IllegalArgumentException("has " + cells.size() + " fields but the header has "
              + header.size() + (cells.size() < header.size() ? " (truncated line?)" : ""));
        }
        Object[] values = new Object[fields.size()];
        for (int f = 0; f < fields.size(); f++) {
          values[f] = convert(cells.get(declared[f]), fields.get(f));
        }
        Map<String, String> extras = new LinkedHashMap<>();
        for (int c = 0; c < cells.size(); c++) {
          if (!declaredPositions.contains(c)) {
            extras.put(header.get(c), cells.get(c));
          }
        }
        records.add(new Line(lineNumber, values, extras));
      } catch (IllegalArgumentException e) {
        rejected.add(new ParsedFile.Rejected(file, lineNumber, text, e.getMessage()));
      }
    }
    return new ParsedFile<>(file, records, rejected);
  }

  private Object convert(String raw, Field field) {
    String value = raw.trim();
    if (value.isEmpty() || missingTokens.contains(value)) {
      return null;
    }
    try {
      return switch (field.type()) {
        case TEXT -> value;
        case INTEGER -> Integer.parseInt(value);
        case DECIMAL -> Double.parseDouble(value);
        case MUNICIPALITY_CODE -> code(value, 5);
        case STATE_CODE -> code(value, 2);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("column '" + field.header() + "': '" + raw
          + "' is not " + (field.type() == FieldType.INTEGER ? "a whole number"
              : field.type() == FieldType.DECIMAL ? "a number" : "a numeric code"));
    }
  }

  /** INEGI codes arrive as "1001", "1001.0" or "01001"; they land as zero-padded text. */
  private static String code(String value, int width) {
    double number = Double.parseDouble(value);
    if (number != Math.rint(number) || number < 0 || number >= Math.pow(10, width)) {
      throw new NumberFormatException(value);
    }
    return String.format("%0" + width + "d", (long) number);
  }

  private static int firstNonBlank(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        return i;
      }
    }
    return -1;
  }
}
