package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.notNull;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Every geographic unit of the study under one key: country (ISO 3166-1 alpha-3), level (1 =
 * state or department, 2 = municipality) and the official code at that level. Mexico keeps
 * INEGI's codes (state "01", municipality "01001"); Central American departments have their ISO
 * 3166-2 codes ("SV-PA"), the one official set published for all seven countries; El Salvador's
 * municipalities have OCHA's P-codes ("SV0601"), and their departments' P-codes ("SV06") are kept
 * as alternate codes. Names describe units; they never join them.
 */
public final class GeographicUnits {
  public static final String COUNTRY_CODE = "country_code";
  public static final String ADMIN_LEVEL = "admin_level";
  public static final String UNIT_CODE = "unit_code";
  public static final String UNIT_NAME = "unit_name";
  public static final String PARENT_CODE = "parent_code";
  public static final String CODE_SYSTEM = "code_system";
  public static final String ALTERNATE_CODE = "alternate_code";
  public static final String STABLE_CODE = "stable_unit_code";

  public static final int STATE_OR_DEPARTMENT = 1;
  public static final int MUNICIPALITY = 2;

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "geographic_units")
      .describedAs("Geographic units of Mexico and Central America: country, level and official "
          + "code; parent and stable unit")
      .sourcedFrom("INEGI municipal catalogue (Mexico), ISO 3166-2 via Debian iso-codes 4.15, OCHA COD-AB P-codes (El Salvador)")
      .column(COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3 (MEX, GTM, HND, SLV, ...)")
      .column(ADMIN_LEVEL, DataTypes.IntegerType, "1 = state, department, province, district; "
          + "2 = municipality")
      .column(UNIT_CODE, DataTypes.StringType, "Official code at that level: INEGI for Mexico, "
          + "ISO 3166-2 for Central American departments, OCHA P-code for El Salvador's "
          + "municipalities")
      .column(UNIT_NAME, DataTypes.StringType, "Official name (description only, never a key)")
      .column(PARENT_CODE, DataTypes.StringType, "Level-1 unit a municipality belongs to")
      .column(CODE_SYSTEM, DataTypes.StringType, "INEGI, ISO 3166-2 or OCHA COD-AB")
      .column(ALTERNATE_CODE, DataTypes.StringType, "Another official code of the same unit "
          + "(OCHA P-code of El Salvador's departments)")
      .column(STABLE_CODE, DataTypes.StringType, "Unit of the stable geography it belongs to, "
          + "through silver.unit_changes (itself when it never changed)")
      .expect(uniqueKey(COUNTRY_CODE, ADMIN_LEVEL, UNIT_CODE),
          notNull(STABLE_CODE), notNull(COUNTRY_CODE))
      .build();

  private GeographicUnits() {}

  /** The dimension, and the records that could not become units, with the reason. */
  public record Result(Dataset<Row> units, Dataset<Row> refused) {}

  /** A P-code suffix of 90-99 marks the lakes and reservoirs OCHA's layer carries as units. */
  private static final String WATER_BODY_SUFFIX = "^SV\\d{2}9\\d$";

  public static Result build(Dataset<Row> municipalities, Dataset<Row> subdivisions,
      Dataset<Row> ochaAdmin2, Dataset<Row> changes) {
    Column subdivisionCountry = Countries.alpha3OfSubdivision(col("subdivision_code"));
    Dataset<Row> iso = subdivisions.withColumn(COUNTRY_CODE, subdivisionCountry);
    Dataset<Row> departmentPcodes = ochaAdmin2
        .groupBy(col(OchaAdmin2.ADM1_PCODE), col(OchaAdmin2.ADM1_NAME)).agg(lit(1).as("n"))
        .select(col(OchaAdmin2.ADM1_PCODE), Names.normalised(col(OchaAdmin2.ADM1_NAME))
            .as("adm1_key"));
    Dataset<Row> centralAmerican = iso.where(col(COUNTRY_CODE).isNotNull()
            .and(not(Countries.isMexico(COUNTRY_CODE))))
        .join(departmentPcodes, col(COUNTRY_CODE).equalTo(Countries.EL_SALVADOR).and(
            Names.normalised(col("subdivision_name")).equalTo(col("adm1_key"))), "left")
        .select(col(COUNTRY_CODE), lit(STATE_OR_DEPARTMENT).as(ADMIN_LEVEL),
            col("subdivision_code").as(UNIT_CODE), col("subdivision_name").as(UNIT_NAME),
            lit(null).cast("string").as(PARENT_CODE), lit("ISO 3166-2").as(CODE_SYSTEM),
            col(OchaAdmin2.ADM1_PCODE).as(ALTERNATE_CODE));

    Dataset<Row> departmentOfPcode = centralAmerican.where(col(ALTERNATE_CODE).isNotNull())
        .select(col(ALTERNATE_CODE).as("parent_pcode"), col(UNIT_CODE).as("parent_iso"));
    Dataset<Row> ocha = ochaAdmin2.join(departmentOfPcode,
        col(OchaAdmin2.ADM1_PCODE).equalTo(col("parent_pcode")), "left");
    Column waterBody = col(OchaAdmin2.ADM2_PCODE).rlike(WATER_BODY_SUFFIX);
    Dataset<Row> salvadoran = ocha.where(not(waterBody).and(col("parent_iso").isNotNull()))
        .select(lit(Countries.EL_SALVADOR).as(COUNTRY_CODE), lit(MUNICIPALITY).as(ADMIN_LEVEL),
            col(OchaAdmin2.ADM2_PCODE).as(UNIT_CODE), col(OchaAdmin2.ADM2_NAME).as(UNIT_NAME),
            col("parent_iso").as(PARENT_CODE), lit("OCHA COD-AB").as(CODE_SYSTEM),
            lit(null).cast("string").as(ALTERNATE_CODE));
    Dataset<Row> refusedOcha = TableRows.refused(ocha.where(waterBody.or(
            col("parent_iso").isNull())),
        concat_ws(" ", col(OchaAdmin2.ADM2_PCODE), col(OchaAdmin2.ADM2_NAME),
            col(OchaAdmin2.ADM1_PCODE), col(OchaAdmin2.ADM1_NAME)),
        when(waterBody, concat(lit("OCHA unit "), col(OchaAdmin2.ADM2_PCODE),
            lit(" is a lake or reservoir (P-code suffix 90-99), not a municipality")))
            .otherwise(concat(lit("department "), col(OchaAdmin2.ADM1_PCODE), lit(" '"),
                col(OchaAdmin2.ADM1_NAME), lit("' matches no ISO 3166-2 department of El "
                    + "Salvador by name"))));
    Dataset<Row> refusedIso = TableRows.refused(iso.where(col(COUNTRY_CODE).isNull()),
        col("subdivision_code"), lit("subdivision of a country outside the study"));

    Dataset<Row> mexican = municipalities.groupBy(col(Municipalities.STATE_CODE))
        .agg(first(Municipalities.STATE_NAME, true).as(UNIT_NAME))
        .select(lit(Countries.MEXICO).as(COUNTRY_CODE), lit(STATE_OR_DEPARTMENT).as(ADMIN_LEVEL),
            col(Municipalities.STATE_CODE).as(UNIT_CODE), col(UNIT_NAME),
            lit(null).cast("string").as(PARENT_CODE), lit("INEGI").as(CODE_SYSTEM),
            lit(null).cast("string").as(ALTERNATE_CODE))
        .unionByName(municipalities.select(lit(Countries.MEXICO).as(COUNTRY_CODE),
            lit(MUNICIPALITY).as(ADMIN_LEVEL), col(Municipalities.MUNICIPALITY_CODE).as(UNIT_CODE),
            col(Municipalities.MUNICIPALITY_NAME).as(UNIT_NAME),
            col(Municipalities.STATE_CODE).as(PARENT_CODE), lit("INEGI").as(CODE_SYSTEM),
            lit(null).cast("string").as(ALTERNATE_CODE)));

    Dataset<Row> units = UnitChanges.withStableUnits(
        mexican.unionByName(centralAmerican).unionByName(salvadoran), changes);
    return new Result(TABLE.conformed(units), refusedOcha.unionByName(refusedIso));
  }
}
