package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.model.Formula.Call;
import org.violence.lakehouse.model.Formula.Name;

/**
 * R's {@code factor(x)} (or {@code as.factor(x)}): one dummy per level of a column present in
 * the sample, named as R's model.matrix names it, {@code factor(year)2007}. As R codes a factor,
 * the first level is left out when the term without it is in the model (the intercept, which
 * fixest keeps in view even with fixed effects, for {@code factor(year)}; {@code gini} for
 * {@code factor(year):gini} beside {@code gini}), and every level stays otherwise
 * ({@code factor(state_code):gini} alone: a slope per state).
 */
final class FactorTerm implements FormulaColumns.Factor {
  private final String written;
  private final Column factor;
  private final boolean firstLevelLeftOut;
  private List<Object[]> levels;

  FactorTerm(FormulaColumns columns, Call call, boolean firstLevelLeftOut) {
    written = call.render();
    factor = columns.input(columns.raw(((Name) call.arguments().get(0)).name()));
    this.firstLevelLeftOut = firstLevelLeftOut;
  }

  @Override
  public void learn(Dataset<Row> sample) {
    levels = IndicatorTerm.levelsIn(sample, List.of(factor));
  }

  @Override
  public List<FormulaColumns.Named> columns() {
    List<FormulaColumns.Named> out = new ArrayList<>();
    for (Object[] level : firstLevelLeftOut ? levels.subList(Math.min(1, levels.size()),
        levels.size()) : levels) {
      out.add(new FormulaColumns.Named(written + FormulaColumns.levelLabel(level[0]),
          factor.equalTo(lit(level[0])).cast(DataTypes.DoubleType)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(written + " has a single level in the sample: no "
          + "column to estimate");
    }
    return out;
  }
}
