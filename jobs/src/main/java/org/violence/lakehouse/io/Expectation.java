package org.violence.lakehouse.io;

import java.util.List;

/**
 * One expectation on a table's rows, declared with the table ({@link Table.Builder#expect}) and
 * evaluated by the quality gate before each write. Error-level expectations stop a run before
 * the table is written; warnings are recorded and reported only.
 */
public record Expectation(Level level, Kind kind, String description, List<String> columns,
    String condition, String locatedBy) {

  public enum Level { ERROR, WARNING }

  public enum Kind { UNIQUE_KEY, NOT_NULL, HOLDS }

  /** No two rows share these columns' values (and none is null). */
  public static Expectation uniqueKey(String... columns) {
    return new Expectation(Level.ERROR, Kind.UNIQUE_KEY,
        "one row per " + String.join(" x ", columns), List.of(columns), null, null);
  }

  public static Expectation notNull(String column) {
    return new Expectation(Level.ERROR, Kind.NOT_NULL, column + " is never null",
        List.of(column), null, null);
  }

  /** Every row satisfies a SQL condition, e.g. {@code population > 0}. */
  public static Expectation holds(String description, String condition) {
    return new Expectation(Level.ERROR, Kind.HOLDS, description, List.of(), condition, null);
  }

  /** A value in [low, high] wherever it is present (covariates are missing in some years). */
  public static Expectation withinWherePresent(String column, double low, double high) {
    return holds(column + " in [" + low + ", " + high + "]",
        column + " IS NULL OR " + column + " BETWEEN " + low + " AND " + high);
  }

  public Expectation asWarning() {
    return new Expectation(Level.WARNING, kind, description, columns, condition, locatedBy);
  }

  /**
   * A failure also names the range of {@code column} over the rows that violate it, e.g. the
   * years with no population, so that the message points at the cause, not only at a count.
   */
  public Expectation locatedBy(String column) {
    if (kind == Kind.UNIQUE_KEY) {
      throw new IllegalArgumentException("a duplicated key is located by the key itself");
    }
    return new Expectation(level, kind, description, columns, condition, column);
  }
}
