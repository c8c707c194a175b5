package org.violence.lakehouse.centralamerica;

import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/**
 * OCHA's second-level administrative units (COD-AB attribute table): the official P-codes of El
 * Salvador's municipalities and of the departments they belong to. Landed as the .dbf has them,
 * one row per record; the record number stands for the line.
 */
final class OchaAdmin2 {
  public static final String CONFIG_KEY = "slv_admin2_codes";
  public static final String ADM2_PCODE = "adm2_pcode";
  public static final String ADM2_NAME = "adm2_name";
  public static final String ADM1_PCODE = "adm1_pcode";
  public static final String ADM1_NAME = "adm1_name";
  public static final String ADM0_PCODE = "adm0_pcode";
  public static final String VALID_ON = "valid_on";

  public static final Table TABLE = Table.in(Table.Layer.BRONZE, "ocha_admin2_units")
      .describedAs("OCHA COD-AB second-level units (El Salvador's municipalities) with P-codes, "
          + "from the boundaries' .dbf attribute table")
      .column(Lineage.SOURCE_FILE, DataTypes.StringType, Lineage.COMMENTS.get(Lineage.SOURCE_FILE))
      .column(Lineage.LINE_NUMBER, DataTypes.LongType, "Record number in the .dbf (1-based)")
      .column(ADM2_PCODE, DataTypes.StringType, "OCHA P-code of the municipality, e.g. SV0101")
      .column(ADM2_NAME, DataTypes.StringType, "Municipality name (Spanish, with accents)")
      .column(ADM1_PCODE, DataTypes.StringType, "OCHA P-code of its department, e.g. SV01")
      .column(ADM1_NAME, DataTypes.StringType, "Department name")
      .column(ADM0_PCODE, DataTypes.StringType, "Country P-code (ISO alpha-2)")
      .column(VALID_ON, DataTypes.StringType, "Date the boundaries are valid from (YYYYMMDD)")
      .column(Lineage.RUN_ID, DataTypes.StringType, Lineage.COMMENTS.get(Lineage.RUN_ID))
      .column(Lineage.LOAD_TIME, DataTypes.TimestampType, Lineage.COMMENTS.get(Lineage.LOAD_TIME))
      .build();

  private OchaAdmin2() {}

  private static final List<String> FIELDS = List.of("ADM2_PCODE", "ADM2_ES", "ADM1_PCODE",
      "ADM1_ES", "ADM0_PCODE", "validOn");

  static Dataset<Row> land(SparkSession spark, String file, byte[] bytes, Charset charset,
      String runId, Timestamp loadTime) {
    List<DbaseFile.Record> records = DbaseFile.read(file, bytes, charset);
    for (String field : FIELDS) {
      if (!records.isEmpty() && !records.get(0).values().containsKey(field)) {
        throw InputException.forFile(file, "has no field " + field + " (fields: "
            + records.get(0).values().keySet() + "); is it an OCHA COD-AB admin2 table?");
      }
    }
    List<Row> rows = records.stream().map(record -> {
      Map<String, String> v = record.values();
      return RowFactory.create(file, record.number(), v.get("ADM2_PCODE"), v.get("ADM2_ES"),
          v.get("ADM1_PCODE"), v.get("ADM1_ES"), v.get("ADM0_PCODE"), v.get("validOn"), runId,
          loadTime);
    }).toList();
    return spark.createDataFrame(rows, TABLE.schema());
  }
}
