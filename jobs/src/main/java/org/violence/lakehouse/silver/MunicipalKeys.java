package org.violence.lakehouse.silver;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.conf.LakehouseConfig.YearRange;
import org.violence.lakehouse.io.Lineage;

/** Conforms municipality-keyed bronze rows to the dimension's codes and stable units. */
final class MunicipalKeys {
  private MunicipalKeys() {}

  /** Rows whose code the dimension knows (with their stable unit), and the others, refused. */
  record Conformed(Dataset<Row> rows, Dataset<Row> refused) {}

  static Conformed conform(Dataset<Row> bronze, Dataset<Row> municipalities) {
    Dataset<Row> known = municipalities.select(
        col(Municipalities.MUNICIPALITY_CODE).as("known_code"), col(Municipalities.STABLE_CODE));
    Dataset<Row> joined = bronze.join(known,
        col(Municipalities.MUNICIPALITY_CODE).equalTo(col("known_code")), "left");
    Dataset<Row> refused = joined.where(col("known_code").isNull())
        .withColumn(Quarantine.RECORD, col(Municipalities.MUNICIPALITY_CODE))
        .withColumn(Quarantine.REASON, concat(lit("municipality code "),
            coalesce(col(Municipalities.MUNICIPALITY_CODE), lit("(empty)")),
            lit(" is in no municipality catalogue")))
        .select(Lineage.SOURCE_FILE, Lineage.LINE_NUMBER, Quarantine.RECORD, Quarantine.REASON,
            Lineage.RUN_ID, Lineage.LOAD_TIME);
    return new Conformed(joined.where(col("known_code").isNotNull()).drop("known_code"), refused);
  }

  /** The panel's units: municipalities that are their own stable unit. */
  static Dataset<Row> panelUnits(Dataset<Row> municipalities) {
    return municipalities
        .where(col(Municipalities.MUNICIPALITY_CODE).equalTo(col(Municipalities.STABLE_CODE)))
        .select(col(Municipalities.STABLE_CODE));
  }

  static Dataset<Row> years(SparkSession spark, YearRange years) {
    return spark.range(years.first(), years.last() + 1L).select(col("id").cast("int").as("year"));
  }
}
