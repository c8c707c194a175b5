package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link FixedEffectsRegression}: {@link #transform} adds the fitted mean (the
 * inverse link of offset + x'β + the row's fixed effects), null where a row's fixed-effect level
 * was not in the fitted sample (its effect is unknown), as fixest's predict gives NA. Saved and
 * loaded with MLlib's persistence (params as metadata, coefficients and fixed effects as
 * Parquet), alone or inside a {@code PipelineModel}.
 */
public final class FixedEffectsRegressionModel extends Model<FixedEffectsRegressionModel>
    implements DefaultParamsWritable {
  private static final StructType DATA_SCHEMA = new StructType()
      .add("kind", DataTypes.StringType).add("name", DataTypes.StringType)
      .add("level", DataTypes.StringType).add("value", DataTypes.DoubleType);

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> offsetCol;
  private final StringArrayParam fixedEffectCols;

  private GlmFamily family;
  private List<String> terms;
  private double[] coefficients;
  private List<Map<String, Double>> fixedEffects;
  private transient FixedEffectsRegressionSummary summary;

  /** For MLlib's reader, which fills params first and data after. */
  public FixedEffectsRegressionModel(String uid) {
    this.uid = uid;
    // Params name their parent by uid, so they are made once the uid is set.
    featuresCol = new Param<>(this, "featuresCol",
        "regressors as one vector column");
    predictionCol = new Param<>(this, "predictionCol",
        "column transform() writes");
    offsetCol = new Param<>(this, "offsetCol",
        "offset column; empty for none");
    fixedEffectCols = new StringArrayParam(this, "fixedEffectCols",
        "columns of the absorbed fixed effects");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(offsetCol, "");
    setDefault(fixedEffectCols, new String[0]);
  }

  FixedEffectsRegressionModel(String uid, FixedEffectsRegressionSummary summary) {
    this(uid);
    this.summary = summary;
    List<Map<String, Double>> effects = new ArrayList<>();
    for (int f = 0; f < summary.fixedEffects().size(); f++) {
      Map<String, Double> values = new HashMap<>();
      List<String> levels = summary.fixedEffectLevels(f);
      for (int l = 0; l < levels.size(); l++) {
        values.put(levels.get(l), summary.fixedEffectValues(f)[l]);
      }
      effects.add(values);
    }
    setData(summary.family(), summary.terms(), summary.coefficients(), effects);
  }

  private void setData(GlmFamily family, List<String> terms, double[] coefficients,
      List<Map<String, Double>> fixedEffects) {
    this.family = family;
    this.terms = List.copyOf(terms);
    this.coefficients = coefficients;
    this.fixedEffects = fixedEffects;
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> offsetCol() {
    return offsetCol;
  }

  public StringArrayParam fixedEffectCols() {
    return fixedEffectCols;
  }

  public GlmFamily family() {
    return family;
  }

  public List<String> terms() {
    return terms;
  }

  public double[] coefficients() {
    return coefficients.clone();
  }

  /** The estimated effect of each level of fixed effect {@code effect} (one reference at 0). */
  public Map<String, Double> fixedEffect(int effect) {
    return Map.copyOf(fixedEffects.get(effect));
  }

  public boolean hasSummary() {
    return summary != null;
  }

  public FixedEffectsRegressionSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no summary: this model was loaded, not fitted");
    }
    return summary;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    boolean intercept = !terms.isEmpty() && terms.get(0).equals(Formula.INTERCEPT);
    GlmFamily fam = family;
    double[] beta = coefficients;
    List<Map<String, Double>> effects = fixedEffects;
    UDF3<Vector, Double, scala.collection.Seq<String>, Double> predict = (x, offset, levels) -> {
      if (x == null || offset == null) {
        return null;
      }
      double eta = offset;
      int shift = intercept ? 1 : 0;
      if (intercept) {
        eta += beta[0];
      }
      for (int j = 0; j < x.size(); j++) {
        eta += beta[j + shift] * x.apply(j);
      }
      for (int f = 0; f < effects.size(); f++) {
        Double effect = levels.apply(f) == null ? null : effects.get(f).get(levels.apply(f));
        if (effect == null) {
          return null;
        }
        eta += effect;
      }
      return fam.mean(eta);
    };
    UserDefinedFunction udf = udf(predict, DataTypes.DoubleType);
    String offset = getOrDefault(offsetCol);
    List<Column> levels = new ArrayList<>();
    for (String c : getOrDefault(fixedEffectCols)) {
      levels.add(col(c).cast("string"));
    }
    Column levelArray = levels.isEmpty() ? array().cast("array<string>")
        : array(levels.toArray(Column[]::new));
    return dataset.withColumn(getOrDefault(predictionCol), udf.apply(
        col(getOrDefault(featuresCol)),
        offset.isEmpty() ? lit(0.0) : col(offset).cast("double"), levelArray));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    FixedEffectsRegression.requireColumn(schema, getOrDefault(featuresCol));
    for (String c : getOrDefault(fixedEffectCols)) {
      FixedEffectsRegression.requireColumn(schema, c);
    }
    return withPrediction(schema, getOrDefault(predictionCol));
  }

  static StructType withPrediction(StructType schema, String predictionCol) {
    if (java.util.Arrays.asList(schema.fieldNames()).contains(predictionCol)) {
      throw new IllegalArgumentException("the input already has a column '" + predictionCol
          + "'; set predictionCol to another name");
    }
    return schema.add(predictionCol, DataTypes.DoubleType, true);
  }

  @Override
  public FixedEffectsRegressionModel copy(ParamMap extra) {
    FixedEffectsRegressionModel copy = new FixedEffectsRegressionModel(uid);
    copy.setData(family, terms, coefficients, fixedEffects);
    copy.summary = summary;
    copyValues(copy, extra);
    return (FixedEffectsRegressionModel) copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  private MLWriter paramsWriter() {
    return DefaultParamsWritable.super.write();
  }

  public static MLReader<FixedEffectsRegressionModel> read() {
    return new Reader();
  }

  public static FixedEffectsRegressionModel load(String path) {
    return read().load(path);
  }

  /** Params through MLlib's metadata writer, then the estimates as one Parquet file. */
  private static final class Writer extends MLWriter {
    private final FixedEffectsRegressionModel model;

    Writer(FixedEffectsRegressionModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      try {
        model.paramsWriter().save(path);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot save the model's params to " + path, e);
      }
      List<Row> rows = new ArrayList<>();
      rows.add(RowFactory.create("family", model.family.label(), null, null));
      for (int j = 0; j < model.terms.size(); j++) {
        rows.add(RowFactory.create("coefficient", model.terms.get(j), null,
            model.coefficients[j]));
      }
      String[] effects = model.getOrDefault(model.fixedEffectCols);
      for (int f = 0; f < effects.length; f++) {
        for (Map.Entry<String, Double> e : model.fixedEffects.get(f).entrySet()) {
          rows.add(RowFactory.create("fixed_effect:" + f, effects[f], e.getKey(), e.getValue()));
        }
      }
      sparkSession().createDataFrame(rows, DATA_SCHEMA).coalesce(1).write()
          .parquet(path + "/data");
    }
  }

  private static final class Reader extends MLReader<FixedEffectsRegressionModel> {
    @Override
    public FixedEffectsRegressionModel load(String path) {
      FixedEffectsRegressionModel model =
          new DefaultParamsReadable<FixedEffectsRegressionModel>() {}.read().load(path);
      GlmFamily family = null;
      List<String> terms = new ArrayList<>();
      List<Double> coefficients = new ArrayList<>();
      List<Map<String, Double>> effects = new ArrayList<>();
      for (int f = 0; f < model.getOrDefault(model.fixedEffectCols).length; f++) {
        effects.add(new HashMap<>());
      }
      // Coefficients were written in term order; Parquet keeps the order of one file.
      for (Row r : sparkSession().read().parquet(path + "/data").collectAsList()) {
        String kind = r.getString(0);
        if (kind.equals("family")) {
          family = GlmFamily.parse(r.getString(1));
        } else if (kind.equals("coefficient")) {
          terms.add(r.getString(1));
          coefficients.add(r.getDouble(3));
        } else {
          effects.get(Integer.parseInt(kind.substring(kind.indexOf(':') + 1)))
              .put(r.getString(2), r.getDouble(3));
        }
      }
      model.setData(family, terms, coefficients.stream().mapToDouble(Double::doubleValue)
          .toArray(), effects);
      return model;
    }
  }
}
