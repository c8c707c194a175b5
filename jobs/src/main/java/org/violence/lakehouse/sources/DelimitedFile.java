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
public record DelimitedFile(char delimiter, List<Field> fields, Set<String> missingTokens,
    List<String> keyHeaders) {

  /**
   * Type of a declared column; codes are normalised to INEGI's zero-padded strings. COUNT and
   * AMOUNT are a whole number and a number that cannot be negative (people, deaths): a negative
   * one is refused with its line.
   */
  public enum FieldType { TEXT, INTEGER, DECIMAL, COUNT, AMOUNT, MUNICIPALITY_CODE, STATE_CODE }

  /** A declared column: the header it is read from and the name and type it lands with. */
  public record Field(String header, String column, FieldType type) {}

  /** One parsed line: declared values in declaration order, and the other cells by header. */
  public record Line(long lineNumber, String text, Object[] values, Map<String, String> extras) {
    boolean sameContent(Line other) {
      return java.util.Arrays.equals(values, other.values) && extras.equals(other.extras);
    }
  }

  public static DelimitedFile commaSeparated(Set<String> missingTokens, Field... fields) {
    return new DelimitedFile(',', List.of(fields), missingTokens, List.of());
  }

  /**
   * The same format, with the headers whose values identify a line: a second line with the same
   * key is refused, as a copy ("duplicate of line N") when it repeats the first, and together with
   * every line of its key when their values differ (which one is right cannot be told).
   */
  public DelimitedFile keyedBy(String... headers) {
    for (String header : headers) {
      if (fields.stream().noneMatch(f -> f.header().equals(header))) {
        throw new IllegalArgumentException("key header '" + header + "' is not a declared field");
      }
    }
    return new DelimitedFile(delimiter, fields, missingTokens, List.of(headers));
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
        records.add(new Line(lineNumber, text, values, extras));
      } catch (IllegalArgumentException e) {
        rejected.add(new ParsedFile.Rejected(file, lineNumber, text, e.getMessage()));
      }
    }
    records = withoutRepeatedKeys(file, records, rejected);
    if (records.isEmpty()) {
      // Every table downstream would be rebuilt without this source's rows, silently.
      throw new InputException(file, headerIndex + 1L, rejected.isEmpty()
          ? "has its header and no data row"
          : "has no readable data row: all " + rejected.size() + " are malformed (line "
              + rejected.get(0).lineNumber() + ": " + rejected.get(0).reason() + ")");
    }
    return new ParsedFile<>(file, records, rejected);
  }

  /** The lines whose key no other line has, and the first of identical copies; see keyedBy. */
  private List<Line> withoutRepeatedKeys(String file, List<Line> records,
      List<ParsedFile.Rejected> rejected) {
    if (keyHeaders.isEmpty()) {
      return records;
    }
    int[] keyAt = keyHeaders.stream().mapToInt(h -> java.util.stream.IntStream
        .range(0, fields.size()).filter(f -> fields.get(f).header().equals(h)).findFirst()
        .orElseThrow()).toArray();
    Map<List<Object>, List<Line>> byKey = new LinkedHashMap<>();
    for (Line line : records) {
      List<Object> key = java.util.Arrays.asList(java.util.Arrays.stream(keyAt)
          .mapToObj(f -> line.values()[f]).toArray());
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
    }
    List<Line> kept = new ArrayList<>(records.size());
    for (Map.Entry<List<Object>, List<Line>> entry : byKey.entrySet()) {
      List<Line> lines = entry.getValue();
      Line first = lines.get(0);
      if (lines.stream().allMatch(first::sameContent)) {
        kept.add(first);
        lines.stream().skip(1).forEach(copy -> rejected.add(new ParsedFile.Rejected(file,
            copy.lineNumber(), copy.text(), "duplicate of line " + first.lineNumber())));
        continue;
      }
      List<String> numbers = lines.stream().map(l -> Long.toString(l.lineNumber())).toList();
      String lineNumbers = String.join(", ", numbers.subList(0, numbers.size() - 1)) + " and "
          + numbers.get(numbers.size() - 1);
      StringBuilder key = new StringBuilder();
      for (int k = 0; k < keyAt.length; k++) {
        key.append(k == 0 ? "" : ", ").append(keyHeaders.get(k)).append(' ')
            .append(entry.getKey().get(k));
      }
      for (Line line : lines) {
        rejected.add(new ParsedFile.Rejected(file, line.lineNumber(), line.text(), key
            + " is given on lines " + lineNumbers + " with different values; none is used"));
      }
    }
    return kept;
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
        case COUNT -> nonNegative(Integer.parseInt(value), raw, field);
        case AMOUNT -> nonNegative(Double.parseDouble(value), raw, field);
        case MUNICIPALITY_CODE -> code(value, 5);
        case STATE_CODE -> code(value, 2);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("column '" + field.header() + "': '" + raw
          + "' is not " + switch (field.type()) {
            case INTEGER, COUNT -> "a whole number";
            case DECIMAL, AMOUNT -> "a number";
            default -> "a numeric code";
          });
    }
  }

  private static <N extends Number> N nonNegative(N number, String raw, Field field) {
    if (number.doubleValue() < 0) {
      throw new IllegalArgumentException("column '" + field.header() + "': '" + raw.trim()
          + "' is negative");
    }
    return number;
  }

  /** INEGI codes arrive as "1001", "1001.0" or "01001"; they land as zero-padded text. */
  private static String code(String value, int width) {
    double number = Double.parseDouble(value);
    if (number != Math.rint(number) || number < 0 || number >= Math.pow(10, width)) {
      throw new NumberFormatException(value);
    }
    // Padded by hand: String.format parsed its pattern again for each of CONAPO's ~300,000
    // codes (57 of the 536 profiler samples a full run spent landing bronze tables).
    String digits = Long.toString((long) number);
    return "0".repeat(width - digits.length()) + digits;
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
