package org.violence.lakehouse.microdata;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * Homicide as the cause of death says it: ICD-10 X85-Y09 (assault) and Y87.1 (sequelae of
 * assault) from 1998, ICD-9 E960-E969 before, when INEGI still coded in ICD-9. A code that is
 * empty, malformed, or the bare three-character Y87 (sequelae of assault, of self-harm or of
 * undetermined intent: it cannot be told apart) is counted as an unknown cause, never silently
 * as "not a homicide".
 */
public final class CauseOfDeath {
  /** First year of registration coded in ICD-10 (INEGI switched with the 1998 files). */
  public static final int FIRST_ICD10_YEAR = 1998;

  public static final String HOMICIDE = "homicide";
  public static final String OTHER = "other";
  public static final String UNKNOWN = "unknown";

  private CauseOfDeath() {}

  /** The class of a cause code, given the year of the file it was coded in. */
  public static Column classify(Column cause, Column fileYear) {
    Column code = upper(regexp_replace(trim(cause), "\\.", ""));
    Column icd10 = when(code.rlike("^(X8[5-9]|X9[0-9]|Y0[0-9])[0-9X]?$")
            .or(code.equalTo("Y871")), lit(HOMICIDE))
        .when(code.equalTo("Y87"), lit(UNKNOWN))
        .when(code.rlike("^[A-Z][0-9]{2}[0-9X]?$"), lit(OTHER))
        .otherwise(lit(UNKNOWN));
    Column icd9 = when(code.rlike("^E96[0-9][0-9]?$"), lit(HOMICIDE))
        .when(code.rlike("^(E[89][0-9]{2}|[0-9]{3})[0-9]?$"), lit(OTHER))
        .otherwise(lit(UNKNOWN));
    return when(fileYear.lt(FIRST_ICD10_YEAR), icd9).otherwise(icd10);
  }
}
