package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A model formula in R {@code fixest} syntax: {@code outcome ~ x1 + x2 + x1:x2 | fe1 + fe2^fe3}.
 * A regressor {@code a:b} is the product of columns a and b (an interaction); a fixed effect
 * {@code a^b} has one level per combination of a and b (e.g. state × year). Without fixed effects
 * the model has an intercept; with them the intercept is absorbed.
 */
public record Formula(String outcome, List<Term> regressors, List<Term> fixedEffects) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** A regressor or fixed effect: one column, or an interaction of several. */
  public record Term(List<String> columns) {
    /** The term as written in a formula, with {@code separator} between columns. */
    String label(String separator) {
      return String.join(separator, columns);
    }
  }

  public static final String INTERCEPT = "(Intercept)";

  /** Parses {@code text}; the exception message says what is wrong with it. */
  public static Formula parse(String text) {
    String[] sides = text.split("~", -1);
    if (sides.length != 2) {
      throw new IllegalArgumentException("'" + text + "' needs exactly one '~' between the "
          + "outcome and the regressors, as in 'homicides ~ gini + urbanisation | municipality'");
    }
    String outcome = sides[0].trim();
    checkName(outcome, "outcome");
    String[] parts = sides[1].split("\\|", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("'" + text + "' has more than one '|'; list every "
          + "fixed effect after a single '|', joined by '+'");
    }
    List<Term> regressors = terms(parts[0], ":", "regressor");
    List<Term> fixedEffects = parts.length == 2 ? terms(parts[1], "^", "fixed effect")
        : List.of();
    return new Formula(outcome, regressors, fixedEffects);
  }

  private static List<Term> terms(String side, String interaction, String what) {
    List<Term> terms = new ArrayList<>();
    for (String raw : side.split("\\+", -1)) {
      String term = raw.trim();
      List<String> columns = Arrays.stream(term.split(Pattern.quote(interaction), -1))
          .map(String::trim).toList();
      columns.forEach(c -> checkName(c, what));
      terms.add(new Term(columns));
    }
    return List.copyOf(terms);
  }

  private static void checkName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not a column name "
          + "(letters, digits and underscores)");
    }
  }

  public boolean hasFixedEffects() {
    return !fixedEffects.isEmpty();
  }
}
