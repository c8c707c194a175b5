package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.model.Formula.Call;

/**
 * R's {@code poly(x, k)}: the orthogonal polynomials of degree 1..k over the sample's values
 * of x (what R computes by a QR of the centred powers), or with {@code raw = TRUE} the powers
 * x, x², … Named as R names them: {@code poly(x, 2)1}, {@code poly(x, 2)2}.
 *
 * <p>The orthogonal basis is built by the three-term (Stieltjes) recurrence R's own
 * {@code predict.poly} uses: P₀ = 1, P₁ = t − a₀, P_{k+1} = (t − a_k) P_k − (n_k / n_{k−1})
 * P_{k−1}, with t = x − mean(x), a_k = Σ t P_k² / n_k, n_k = Σ P_k²; column k is P_k / √n_k.
 * The sums run over the sample's rows where x is known (fixest evaluates poly() before it
 * drops rows for other variables), gathered as distinct values with their counts.
 */
final class PolynomialTerm implements FormulaColumns.Factor {
  private final String written;
  private final Column x;
  private final int degree;
  private final boolean raw;
  private double mean;
  private double[] centres;
  private double[] norms;

  PolynomialTerm(FormulaColumns columns, Call call) {
    written = call.render();
    x = columns.input(columns.value(call.arguments().get(0)));
    degree = (int) ((Formula.Number) call.arguments().get(1)).value();
    raw = FormulaParser.isTrue(call.named("raw"));
  }

  @Override
  public void learn(Dataset<Row> sample) {
    if (raw) {
      return;
    }
    List<Row> values = sample.where(x.isNotNull().and(not(isnan(x)))).groupBy(x).count()
        .collectAsList();
    if (values.size() <= degree) {
      throw new IllegalArgumentException(written + ": the sample has " + values.size()
          + " distinct values, too few for degree " + degree);
    }
    double[] t = new double[values.size()];
    double[] w = new double[values.size()];
    double total = 0;
    double sum = 0;
    for (int i = 0; i < t.length; i++) {
      t[i] = values.get(i).getDouble(0);
      w[i] = values.get(i).getLong(1);
      total += w[i];
      sum += w[i] * t[i];
    }
    mean = sum / total;
    for (int i = 0; i < t.length; i++) {
      t[i] -= mean;
    }
    centres = new double[degree];
    norms = new double[degree + 1];
    norms[0] = total;
    double[] previous = new double[t.length];
    double[] current = new double[t.length];
    java.util.Arrays.fill(current, 1);
    for (int k = 0; k < degree; k++) {
      double moment = 0;
      for (int i = 0; i < t.length; i++) {
        moment += w[i] * t[i] * current[i] * current[i];
      }
      centres[k] = moment / norms[k];
      double ratio = k == 0 ? 0 : norms[k] / norms[k - 1];
      double[] following = new double[t.length];
      double norm = 0;
      for (int i = 0; i < t.length; i++) {
        following[i] = (t[i] - centres[k]) * current[i] - ratio * previous[i];
        norm += w[i] * following[i] * following[i];
      }
      norms[k + 1] = norm;
      previous = current;
      current = following;
    }
  }

  @Override
  public List<FormulaColumns.Named> columns() {
    List<FormulaColumns.Named> out = new ArrayList<>();
    Column t = x.minus(lit(raw ? 0 : mean));
    Column previous = lit(0.0);
    Column current = lit(1.0);
    for (int k = 1; k <= degree; k++) {
      Column value;
      if (raw) {
        value = pow(x, k);
      } else {
        double ratio = k == 1 ? 0 : norms[k - 1] / norms[k - 2];
        Column following = t.minus(lit(centres[k - 1])).multiply(current)
            .minus(previous.multiply(lit(ratio)));
        previous = current;
        current = following;
        value = following.divide(lit(Math.sqrt(norms[k])));
      }
      out.add(new FormulaColumns.Named(written + k, value));
    }
    return out;
  }
}
