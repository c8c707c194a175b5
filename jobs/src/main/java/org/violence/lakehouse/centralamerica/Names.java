package org.violence.lakehouse.centralamerica;

import java.text.Normalizer;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Names as published are matched to official codes once, at the edge, in a normalised form:
 * accents stripped, lower case, hyphens as spaces, single spaces. "COLON" and "Colón" are then
 * the same name, which is why a match must also be unique to count.
 */
final class Names {
  private static final UserDefinedFunction NORMALISED = functions.udf(
      (UDF1<String, String>) Names::normalise, DataTypes.StringType);

  private Names() {}

  static String normalise(String name) {
    if (name == null) {
      return null;
    }
    String stripped = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return stripped.toLowerCase(Locale.ROOT).replace('-', ' ').trim().replaceAll("\\s+", " ");
  }

  static Column normalised(Column name) {
    return NORMALISED.apply(name);
  }
}
