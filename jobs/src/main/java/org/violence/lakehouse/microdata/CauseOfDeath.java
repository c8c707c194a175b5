package org.violence.lakehouse.microdata;

import static org.apache.spark.sql.functions.udf;

import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Homicide as the cause of death says it: ICD-10 X85-Y09 (assault) and Y87.1 (sequelae of
 * assault) from 1998, ICD-9 E960-E969 before, when INEGI still coded in ICD-9. A code that is
 * empty, malformed, or the bare three-character Y87 (sequelae of assault, of self-harm or of
 * undetermined intent: it cannot be told apart) is counted as an unknown cause, never silently
 * as "not a homicide".
 *
 * <p>A code is read as written: spaces around it and the dot are ignored, and so is the case.
 * The rules are plain character tests rather than regular expressions: classified once per
 * certificate, four patterns and a replacement cost a fifth of counting 14 million of them.
 */
public final class CauseOfDeath {
  /** First year of registration coded in ICD-10 (INEGI switched with the 1998 files). */
  public static final int FIRST_ICD10_YEAR = 1998;

  public static final String HOMICIDE = "homicide";
  public static final String OTHER = "other";
  public static final String UNKNOWN = "unknown";

  private static final UserDefinedFunction CLASS_OF_CAUSE = udf(
      (UDF2<String, Integer, String>) CauseOfDeath::classOf, DataTypes.StringType);

  private CauseOfDeath() {}

  /** The class of a cause code, given the year of the file it was coded in. */
  public static Column classify(Column cause, Column fileYear) {
    return CLASS_OF_CAUSE.apply(cause, fileYear);
  }

  static String classOf(String cause, Integer fileYear) {
    if (cause == null) {
      return UNKNOWN;
    }
    int start = 0;
    int end = cause.length();
    // Spaces only, as Spark's trim has it; a tab is part of the code, which is then malformed.
    while (start < end && cause.charAt(start) == ' ') {
      start++;
    }
    while (end > start && cause.charAt(end - 1) == ' ') {
      end--;
    }
    String code = cause.substring(start, end).replace(".", "").toUpperCase(Locale.ROOT);
    return fileYear != null && fileYear < FIRST_ICD10_YEAR ? icd9(code) : icd10(code);
  }

  /** X85-Y09 with an optional fourth character (a digit or X), or Y87.1. */
  private static String icd10(String code) {
    boolean shape = (code.length() == 3 || code.length() == 4) && isLetter(code.charAt(0))
        && isDigit(code.charAt(1)) && isDigit(code.charAt(2))
        && (code.length() == 3 || isDigit(code.charAt(3)) || code.charAt(3) == 'X');
    if (!shape || code.equals("Y87")) {
      return UNKNOWN;
    }
    String category = code.substring(0, 3);
    boolean assault = category.compareTo("X85") >= 0 && category.compareTo("Y09") <= 0;
    return assault || code.equals("Y871") ? HOMICIDE : OTHER;
  }

  /** E960-E969 with an optional fifth digit; other codes are E800-E999 or 000-999, likewise. */
  private static String icd9(String code) {
    boolean external = code.length() >= 4 && code.length() <= 5 && code.charAt(0) == 'E'
        && (code.charAt(1) == '8' || code.charAt(1) == '9') && allDigits(code, 2);
    if (external) {
      return code.startsWith("E96") ? HOMICIDE : OTHER;
    }
    return code.length() >= 3 && code.length() <= 4 && allDigits(code, 0) ? OTHER : UNKNOWN;
  }

  private static boolean allDigits(String code, int from) {
    for (int i = from; i < code.length(); i++) {
      if (!isDigit(code.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
