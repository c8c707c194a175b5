package org.violence.lakehouse.model;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standard errors of a model, written as in {@code fixest}'s {@code vcov} argument:
 * {@code iid} (classical, model-based), {@code hc1} (heteroskedasticity-robust) or
 * {@code cluster(a)} / {@code cluster(a, b)} (one- or two-way cluster-robust, CR1).
 */
public record VcovKind(Kind kind, List<String> clusters) {
  public enum Kind { IID, HC1, CLUSTER }

  private static final Pattern CLUSTER = Pattern.compile("cluster\\s*\\(([^)]*)\\)");

  public static VcovKind iid() {
    return new VcovKind(Kind.IID, List.of());
  }

  public static VcovKind hc1() {
    return new VcovKind(Kind.HC1, List.of());
  }

  public static VcovKind cluster(List<String> columns) {
    return new VcovKind(Kind.CLUSTER, List.copyOf(columns));
  }

  public static VcovKind parse(String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (value.equals("iid")) {
      return iid();
    }
    if (value.equals("hc1") || value.equals("hetero")) {
      return hc1();
    }
    Matcher m = CLUSTER.matcher(value);
    if (m.matches()) {
      List<String> columns = Arrays.stream(m.group(1).split(",")).map(String::trim).toList();
      if (columns.size() > 2 || columns.stream().anyMatch(String::isEmpty)) {
        throw new IllegalArgumentException("'" + text + "': cluster() takes one column, or two "
            + "for two-way clustering, e.g. cluster(state) or cluster(state, year)");
      }
      return cluster(columns);
    }
    throw new IllegalArgumentException("'" + text + "' is not iid, hc1, cluster(col) or "
        + "cluster(col1, col2)");
  }

  /** As written in result tables: iid, hc1, cluster(state_code), cluster(a, b). */
  public String label() {
    return kind == Kind.CLUSTER ? "cluster(" + String.join(", ", clusters) + ")"
        : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
