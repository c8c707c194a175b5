package org.violence.lakehouse.centralamerica;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;

/**
 * The eight countries of the study, keyed by ISO 3166-1 alpha-3. ISO 3166-2 subdivision codes
 * start with the alpha-2 code, and the UNODC/OAS compilation names countries in English.
 */
final class Countries {
  public static final String MEXICO = "MEX";
  public static final String EL_SALVADOR = "SLV";

  /** A country: its alpha-3 key, alpha-2 prefix of its subdivision codes, and English name. */
  public record Country(String alpha3, String alpha2, String name) {}

  public static final List<Country> ALL = List.of(
      new Country("BLZ", "BZ", "Belize"),
      new Country("CRI", "CR", "Costa Rica"),
      new Country(EL_SALVADOR, "SV", "El Salvador"),
      new Country("GTM", "GT", "Guatemala"),
      new Country("HND", "HN", "Honduras"),
      new Country(MEXICO, "MX", "Mexico"),
      new Country("NIC", "NI", "Nicaragua"),
      new Country("PAN", "PA", "Panama"));

  private Countries() {}

  /** Alpha-3 of an English country name; null when the name is not one of the eight. */
  static Column alpha3OfName(Column name) {
    return lookup(name, Country::name, Country::alpha3);
  }

  /** Alpha-3 of an ISO 3166-2 subdivision code (its prefix before the hyphen). */
  static Column alpha3OfSubdivision(Column subdivisionCode) {
    return lookup(substring_index(subdivisionCode, "-", 1), Country::alpha2, Country::alpha3);
  }

  /** English name of an alpha-3 code. */
  static Column nameOf(Column alpha3) {
    return lookup(alpha3, Country::alpha3, Country::name);
  }

  private static Column lookup(Column key, Function<Country, String> from,
      Function<Country, String> to) {
    Column value = lit(null).cast("string");
    for (Country country : ALL) {
      value = when(key.equalTo(from.apply(country)), to.apply(country)).otherwise(value);
    }
    return value;
  }

  static Column isMexico(String column) {
    return col(column).equalTo(MEXICO);
  }
}
