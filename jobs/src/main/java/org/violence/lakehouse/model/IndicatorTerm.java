package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.model.Formula.Call;
import org.violence.lakehouse.model.Formula.Expression;
import org.violence.lakehouse.model.Formula.Name;

/**
 * fixest's {@code i()}: one dummy per level of a factor present in the sample, the reference
 * levels ({@code ref}, or else the first) left out; times a numeric {@code var} ({@code i(year, on_route, ref =
 * 2006)}: an event study), or one dummy per pair of levels with a second factor (marked
 * {@code i.name}, or a text column; its references in {@code ref2}). Named as fixest names
 * them: {@code year::2007:on_trafficking_route}, {@code after_2006::1:size::large}.
 */
final class IndicatorTerm implements FormulaColumns.Factor {
  private final String factorName;
  private final Column factor;
  private final Expression var;
  private final Column varValue;
  private final String secondFactorName;
  private final Set<String> references;
  private final Set<String> secondReferences;
  private final String written;
  private List<Object[]> levels;

  IndicatorTerm(FormulaColumns columns, Call call) {
    written = call.render();
    if (!(call.arguments().get(0) instanceof Name name)) {
      throw new IllegalArgumentException(written + ": the factor of i() is a column");
    }
    factorName = name.name();
    factor = columns.input(columns.raw(factorName));
    var = call.arguments().size() == 2 ? call.arguments().get(1) : null;
    boolean marked = var instanceof Name n && n.name().startsWith("i.");
    secondFactorName = marked ? ((Name) var).name().substring(2)
        : var instanceof Name n && columns.isText(n.name()) ? n.name() : null;
    varValue = var == null ? null : columns.input(secondFactorName != null
        ? columns.raw(secondFactorName) : columns.value(var));
    references = labels(call.named("ref"));
    secondReferences = labels(call.named("ref2"));
  }

  /** The levels a {@code ref = ...} names, as labels. */
  static Set<String> labels(Expression reference) {
    if (reference == null) {
      return Set.of();
    }
    List<Expression> values = reference instanceof Call c && c.function().equals("c")
        ? c.arguments() : List.of(reference);
    return values.stream().map(IndicatorTerm::label)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** A reference as the level it names: 2006, -1, "01" → 01, TRUE. */
  private static String label(Expression value) {
    if (value instanceof Formula.Number n) {
      return Formula.rNumber(n.value());
    }
    if (value instanceof Formula.Negate n && n.operand() instanceof Formula.Number x) {
      return Formula.rNumber(-x.value());
    }
    return value instanceof Formula.Text t ? t.value() : value.render();
  }

  @Override
  public void learn(Dataset<Row> sample) {
    List<Column> keys = new ArrayList<>(List.of(factor));
    if (secondFactorName != null) {
      keys.add(varValue);
    }
    levels = levelsIn(sample, keys);
    check(references, 0, factorName);
    if (secondFactorName != null) {
      check(secondReferences, 1, secondFactorName);
    }
  }

  /** The combinations of {@code keys} present in the sample (none empty), in their order. */
  static List<Object[]> levelsIn(Dataset<Row> sample, List<Column> keys) {
    Dataset<Row> present = sample.select(keys.toArray(Column[]::new)).na().drop().distinct()
        .orderBy(keys.toArray(Column[]::new));
    return present.collectAsList().stream().map(r -> {
      Object[] level = new Object[r.size()];
      for (int j = 0; j < r.size(); j++) {
        level[j] = r.get(j);
      }
      return level;
    }).toList();
  }

  private void check(Set<String> wanted, int position, String column) {
    Set<String> present = levels.stream()
        .map(l -> FormulaColumns.levelLabel(l[position]))
        .collect(Collectors.toCollection(TreeSet::new));
    for (String reference : wanted) {
      if (!present.contains(reference)) {
        throw new IllegalArgumentException(written + ": the reference level " + reference
            + " of " + column + " is not in the sample, whose levels are " + present);
      }
    }
  }

  @Override
  public List<FormulaColumns.Named> columns() {
    List<FormulaColumns.Named> out = new ArrayList<>();
    // Without ref, a factor's dummies would add up to the intercept or the fixed effects, so
    // fixest leaves out the first level (the first pair for two factors); times a variable
    // they do not, and every level stays.
    boolean firstIsReference = references.isEmpty() && secondReferences.isEmpty()
        && (var == null || secondFactorName != null);
    for (Object[] level : firstIsReference ? levels.subList(1, levels.size()) : levels) {
      String label = FormulaColumns.levelLabel(level[0]);
      if (references.contains(label)) {
        continue;
      }
      Column dummy = factor.equalTo(lit(level[0])).cast(DataTypes.DoubleType);
      String name = factorName + "::" + label;
      if (secondFactorName != null) {
        String second = FormulaColumns.levelLabel(level[1]);
        if (secondReferences.contains(second)) {
          continue;
        }
        out.add(new FormulaColumns.Named(name + ":" + secondFactorName + "::" + second,
            dummy.multiply(varValue.equalTo(lit(level[1])).cast(DataTypes.DoubleType))));
      } else if (var != null) {
        out.add(new FormulaColumns.Named(name + ":" + var.render(), dummy.multiply(varValue)));
      } else {
        out.add(new FormulaColumns.Named(name, dummy));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(written + " leaves no level once its references are "
          + "left out");
    }
    return out;
  }
}
