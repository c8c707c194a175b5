package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.sources.DelimitedFile.field;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.bronze.BronzeSource;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.sources.DelimitedFile;
import org.violence.lakehouse.sources.DelimitedFile.FieldType;
import org.violence.lakehouse.sources.ParsedFile;

/** The delimited Central American sources and the municipal input contract, declared once. */
public final class CentralAmericaSources {
  public static final String COUNTRY_CODE = "country_code";
  public static final String MUNICIPALITY_CODE = "municipality_code";
  public static final String YEAR = "year";
  public static final String HOMICIDES = "homicides";
  public static final String POPULATION = "population";
  public static final String BASIS = "basis";
  public static final String SOURCE = "source";

  /** Config key of the optional municipal input contract (see README, "Municipal input"). */
  public static final String MUNICIPAL_CONTRACT_KEY = "municipal_homicides";

  private static final Set<String> NOT_AVAILABLE = Set.of("NA", "ND");

  public static final DelimitedSources NATIONAL_HOMICIDES = DelimitedSources.declare(
      "ca_national_homicides", "ca_national_homicides",
      "National homicide counts and rates, 1995-2011, as compiled by UNODC/OAS: one row per "
          + "area, year and source",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("Country or Area", "area_name", FieldType.TEXT),
          field("Year", YEAR, FieldType.INTEGER),
          field("Count", HOMICIDES, FieldType.INTEGER),
          field("Rate", "rate_per_100k", FieldType.DECIMAL),
          field("Source", SOURCE, FieldType.TEXT),
          field("Source Type", "source_type", FieldType.TEXT)),
      Map.of("area_name", "Country (or, in a few rows, group of Mexican states) as published",
          YEAR, "Year", HOMICIDES, "Homicides counted by the source",
          "rate_per_100k", "Homicides per 100,000 inhabitants, as published",
          SOURCE, "Who counted them, as published (e.g. National police/OAS)",
          "source_type", "CJ = criminal justice (police), PH = public health; INEGI as published"));

  /** The department file has no year column: its title and provenance say 2010. */
  public static final int DEPARTMENT_FILE_YEAR = 2010;

  public static final DelimitedSources DEPARTMENT_HOMICIDES = DelimitedSources.declare(
      "ca_department_homicides", "ca_department_homicides_2010",
      "Population, homicides and rate of every first-level subdivision of the seven Central "
          + "American countries in 2010; named, without codes or country",
      new DelimitedFile('\t', List.of(
          field("id", "department_name", FieldType.TEXT),
          field("pop", POPULATION, FieldType.DECIMAL),
          field("hom", HOMICIDES, FieldType.INTEGER),
          field("rate", "rate_per_100k", FieldType.DECIMAL)), NOT_AVAILABLE, List.of()),
      Map.of("department_name", "Department, district, province or region name as published",
          POPULATION, "Population 2010", HOMICIDES, "Homicides 2010",
          "rate_per_100k", "Homicides per 100,000 inhabitants, as published"));

  public static final DelimitedSources SUBDIVISION_CODES = DelimitedSources.declare(
      "subdivision_codes", "iso_3166_2_subdivisions",
      "ISO 3166-2 first-level subdivisions of Mexico and Central America (Debian iso-codes 4.15)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("code", "subdivision_code", FieldType.TEXT),
          field("name", "subdivision_name", FieldType.TEXT),
          field("type", "subdivision_type", FieldType.TEXT)),
      Map.of("subdivision_code", "ISO 3166-2 code, e.g. SV-PA",
          "subdivision_name", "Name in ISO 3166-2",
          "subdivision_type", "State, Department, District, Province, ..."));

  public static final DelimitedSources SLV_INDICATORS = DelimitedSources.declare(
      "slv_municipal_indicators", "slv_municipal_sociodemographic",
      "El Salvador: DIGESTYC socio-demographic indicators of the 262 municipalities (2007 census); "
          + "names lower-case without accents, no codes",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("departamento", "department_name", FieldType.TEXT),
          field("municipio", "municipality_name", FieldType.TEXT),
          field("percent_urbano", "percent_urban", FieldType.DECIMAL),
          field("densidad", "population_density", FieldType.DECIMAL),
          field("tasa_analfabetismo", "illiteracy_rate", FieldType.DECIMAL),
          field("agua_potable", "percent_piped_water", FieldType.DECIMAL),
          field("tmi", "infant_mortality_rate", FieldType.DECIMAL)),
      Map.of("department_name", "Department as published (lower case, no accents)",
          "municipality_name", "Municipality as published (lower case, no accents)",
          "percent_urban", "% of residents in urban areas",
          "population_density", "Inhabitants per km2",
          "illiteracy_rate", "% of people 10+ who cannot read and write",
          "percent_piped_water", "% of households with piped water",
          "infant_mortality_rate", "Infant deaths per 1,000 live births"));

  /**
   * The documented municipal input contract: homicides and population per municipality and
   * year, from any country, keyed by the codes of silver.geographic_units. Lines starting with
   * '#' are comments (the format example says what it is there).
   */
  public static final BronzeSource MUNICIPAL_CONTRACT = new CommentedSource(
      DelimitedSources.declare(MUNICIPAL_CONTRACT_KEY, "municipal_homicides_contract",
          "Municipality-year homicides and population brought by users (national police, "
              + "observatories), in the documented input contract",
          DelimitedFile.commaSeparated(NOT_AVAILABLE,
              field(COUNTRY_CODE, COUNTRY_CODE, FieldType.TEXT),
              field(MUNICIPALITY_CODE, MUNICIPALITY_CODE, FieldType.TEXT),
              field(YEAR, YEAR, FieldType.INTEGER),
              field(HOMICIDES, HOMICIDES, FieldType.INTEGER),
              field(POPULATION, POPULATION, FieldType.DECIMAL),
              field(BASIS, BASIS, FieldType.TEXT),
              field(SOURCE, SOURCE, FieldType.TEXT)),
          Map.of(COUNTRY_CODE, "ISO 3166-1 alpha-3", MUNICIPALITY_CODE, "Official municipal "
                  + "code, as in silver.geographic_units", YEAR, "Year",
              HOMICIDES, "Homicides", POPULATION, "Mid-year population",
              BASIS, "registration or occurrence: which year the count is by",
              SOURCE, "Who counted them")));

  /** Every delimited Central American source the pipeline needs. */
  public static final List<DelimitedSources> REQUIRED = List.of(NATIONAL_HOMICIDES,
      DEPARTMENT_HOMICIDES, SUBDIVISION_CODES, SLV_INDICATORS);

  private CentralAmericaSources() {}

  /** A delimited source whose lines starting with '#' are comments; line numbers are kept. */
  private record CommentedSource(DelimitedSources delimited) implements BronzeSource {
    @Override
    public String configKey() {
      return delimited.configKey();
    }

    @Override
    public Table table() {
      return delimited.table();
    }

    @Override
    public StructType schema() {
      return delimited.schema();
    }

    @Override
    public ParsedFile<Row> parse(String file, List<String> lines, Integer year) {
      List<String> uncommented = new ArrayList<>(lines.size());
      lines.forEach(line -> uncommented.add(line.stripLeading().startsWith("#") ? "" : line));
      return delimited.parse(file, uncommented, year);
    }
  }
}
