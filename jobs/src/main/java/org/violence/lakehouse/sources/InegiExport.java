package org.violence.lakehouse.sources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.violence.lakehouse.io.InputException;

/**
 * Reads INEGI's mortality cube exports ("Consulta de: Defunciones ... Por: Ent y mun ...").
 * They come with title lines, a column header, a national "Total" row, state subtotal rows whose
 * code cell is a spreadsheet formula ({@code =CONCATENAR(0,01) }), municipality rows coded
 * {@code " 01 001 "}, counts with thousands separators and empty cells for zero, and a source
 * footer. The area column is the same in every cube; the columns after it vary, so each cube
 * gives a {@link RowReader} for them.
 */
public final class InegiExport {
  private static final Pattern MUNICIPALITY_CELL = Pattern.compile("^ ?(\\d{2}) (\\d{3}) ?$");
  private static final Pattern STATE_CELL =
      Pattern.compile("^=CONCATENAR\\( ?(\\d?) ?, ?(\\d{1,2})\\) ?$");
  private static final Pattern TITLE_YEAR = Pattern.compile("^A\u00f1o de ([a-z]+) : (\\d{4})$");
  private static final String FOOTER_PREFIX = "FUENTE:";

  /** Kind of area a data row describes. */
  public enum AreaKind { NATIONAL_TOTAL, STATE_SUBTOTAL, MUNICIPALITY }

  /** The area columns of a data row. */
  public record Area(AreaKind kind, String stateCode, String municipalityCode, String name) {}

  /** Context read from the title and header lines. */
  public record Header(String yearKind, int year, List<String> columns) {}

  /** Turns the cells after the area columns into records, or says why it cannot. */
  public interface RowReader<T> {
    /** @throws IllegalArgumentException with a reader-facing reason when the row is unusable */
    List<T> read(Header header, Area area, List<String> cells, long lineNumber);

    /** Number of leading cells that describe the area (code, name, then e.g. age and sex). */
    default int areaCells() {
      return 2;
    }

    /**
     * Counts by which the national Total row must equal the sum of the state subtotal rows; the
     * key identifies the column, e.g. a registration year.
     */
    Map<String, Long> reconciledCounts(T record);
  }

  private InegiExport() {}

  /**
   * Parses a whole export. Structural problems (no header, no national total, missing footer,
   * subtotals that do not add up to the total) are fatal: they mean a truncated or altered file.
   * A single unreadable row is rejected with its reason and the rest of the file is kept.
   */
  public static <T> ParsedFile<T> parse(String file, List<String> lines, int expectedYear,
      String expectedYearKind, RowReader<T> reader, Function<T, Area> areaOf) {
    String yearKind = null;
    int year = -1;
    Header header = null;
    boolean footer = false;
    List<T> records = new ArrayList<>();
    List<ParsedFile.Rejected> rejected = new ArrayList<>();
    // An area appears once per table, so a repeated data line is a duplicated row, not data.
    java.util.Map<String, Long> dataLines = new java.util.HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      long lineNumber = i + 1L;
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      List<String> cells;
      try {
        cells = Csv.fields(line, ',');
      } catch (IllegalArgumentException e) {
        rejected.add(new ParsedFile.Rejected(file, lineNumber, line,
            "not a CSV line: " + e.getMessage()));
        continue;
      }
      if (footer) {
        throw new InputException(file, lineNumber, "data after INEGI's 'FUENTE' footer");
      }
      String first = cells.get(0);
      if (cells.size() == 1) {
        Matcher title = TITLE_YEAR.matcher(first.trim());
        if (title.matches()) {
          yearKind = title.group(1);
          year = Integer.parseInt(title.group(2));
        }
        footer = first.startsWith(FOOTER_PREFIX);
        continue;
      }
      if (header == null) {
        if (year < 0) {
          throw new InputException(file, lineNumber,
              "no title line 'A\u00f1o de " + expectedYearKind + " : YYYY' before the table");
        }
        if (!expectedYearKind.equals(yearKind) || year != expectedYear) {
          throw new InputException(file, lineNumber, "the export is for a\u00f1o de " + yearKind
              + " " + year + ", but is configured as a\u00f1o de " + expectedYearKind + " "
              + expectedYear);
        }
        header = new Header(yearKind, year, cells);
        continue;
      }
      Long original = dataLines.putIfAbsent(line.strip(), lineNumber);
      if (original != null && !cells.get(0).isBlank()) {
        rejected.add(new ParsedFile.Rejected(file, lineNumber, line,
            "duplicate of line " + original + ": the same area and counts twice"));
        continue;
      }
      try {
        Area area = area(cells, reader.areaCells());
        records.addAll(reader.read(header, area, cells.subList(reader.areaCells(),
            cells.size()), lineNumber));
      } catch (IllegalArgumentException e) {
        rejected.add(new ParsedFile.Rejected(file, lineNumber, line, e.getMessage()));
      }
    }
    if (header == null) {
      throw InputException.forFile(file, "no table header: empty or not an INEGI export");
    }
    if (!footer) {
      throw new InputException(file, lines.size(),
          "ends without INEGI's 'FUENTE' footer: the file is truncated");
    }
    checkTotals(file, records, reader, areaOf);
    return new ParsedFile<>(file, records, rejected);
  }

  private static Area area(List<String> cells, int areaCells) {
    if (cells.size() < areaCells) {
      throw new IllegalArgumentException("has " + cells.size() + " cells, fewer than the "
          + areaCells + " that name the area (truncated line?)");
    }
    String code = cells.get(0);
    String name = cells.get(1).trim();
    Matcher municipality = MUNICIPALITY_CELL.matcher(code);
    if (municipality.matches()) {
      return new Area(AreaKind.MUNICIPALITY, municipality.group(1),
          municipality.group(1) + municipality.group(2), name);
    }
    Matcher state = STATE_CELL.matcher(code);
    if (state.matches()) {
      String stateCode = String.format("%02d", Integer.parseInt(state.group(2)));
      return new Area(AreaKind.STATE_SUBTOTAL, stateCode, null, name);
    }
    if (code.isBlank() && name.equals("Total")) {
      return new Area(AreaKind.NATIONAL_TOTAL, null, null, name);
    }
    throw new IllegalArgumentException("area code '" + code + "' is neither a municipality "
        + "(' SS MMM '), a state subtotal (=CONCATENAR(..)) nor the national Total");
  }

  /** A count cell: thousands separators allowed, empty means zero. */
  public static long count(String cell, String column) {
    String digits = cell.trim().replace(",", "");
    if (digits.isEmpty()) {
      return 0;
    }
    long value;
    try {
      value = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("count '" + cell + "' in column '" + column
          + "' is not a whole number");
    }
    if (value < 0) {
      throw new IllegalArgumentException("count " + value + " in column '" + column
          + "' is negative");
    }
    return value;
  }

  private static <T> void checkTotals(String file, List<T> records, RowReader<T> reader,
      Function<T, Area> areaOf) {
    Map<String, Long> national = new HashMap<>();
    Map<String, Long> states = new HashMap<>();
    boolean sawNational = false;
    for (T record : records) {
      Area area = areaOf.apply(record);
      Map<String, Long> target = switch (area.kind()) {
        case NATIONAL_TOTAL -> national;
        case STATE_SUBTOTAL -> states;
        case MUNICIPALITY -> null;
      };
      sawNational |= area.kind() == AreaKind.NATIONAL_TOTAL;
      if (target != null) {
        reader.reconciledCounts(record).forEach((k, v) -> target.merge(k, v, Long::sum));
      }
    }
    if (!sawNational) {
      throw InputException.forFile(file, "has no national 'Total' row");
    }
    for (String key : union(national, states)) {
      long total = national.getOrDefault(key, 0L);
      long sum = states.getOrDefault(key, 0L);
      if (total != sum) {
        throw InputException.forFile(file, "the state subtotals add up to " + sum
            + " but the national Total row says " + total + (key.isEmpty() ? "" : " (" + key + ")")
            + ": rows are missing or altered");
      }
    }
  }

  private static List<String> union(Map<String, Long> a, Map<String, Long> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
    return keys;
  }

  /** Parses the year in a column header such as {@code "2006"}; empty if it is not a year. */
  /** Compiled once: it is asked of every cell of the occurrence cube (~100 per line). */
  private static final Pattern FOUR_DIGITS = Pattern.compile("\\d{4}");

  public static Optional<Integer> yearColumn(String cell) {
    String trimmed = cell.trim();
    return FOUR_DIGITS.matcher(trimmed).matches() ? Optional.of(Integer.parseInt(trimmed))
        : Optional.empty();
  }
}
