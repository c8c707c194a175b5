package org.violence.lakehouse.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.model.FixedEffectsRegression;
import org.violence.lakehouse.model.Formula;
import org.violence.lakehouse.model.GlmFamily;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.model.SmallSampleCorrection;
import org.violence.lakehouse.model.VcovKind;

/** Reads the YAML configuration into a validated {@link LakehouseConfig}. */
public final class ConfigLoader {

  /** Sources the pipeline reads; a config without one of them cannot build the panel. */
  public static final Set<String> REQUIRED_SOURCES = Set.of(
      "homicides_registration", "homicides_occurrence", "population", "coneval_indicators",
      "marginalisation", "marginalisation_2020", "census_counts", "catalogue_2015",
      "catalogue_2020", "municipality_heads", "metro_zones", "adjacency", "drug_war_homicides",
      "ports_of_entry", "poppy_eradication", "marijuana_eradication", "drug_lab_density",
      "pipeline_municipalities", "ca_national_homicides", "ca_department_homicides",
      "subdivision_codes", "slv_municipal_indicators", "slv_admin2_codes", "death_records",
      "municipal_polygons");

  static final Set<String> MODEL_FAMILIES = java.util.Arrays.stream(GlmFamily.values())
      .map(GlmFamily::label).collect(Collectors.toUnmodifiableSet());

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
      .configure(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);

  private ConfigLoader() {}

  public static LakehouseConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist", (Throwable) null);
    }
    try {
      return validate(YAML.readValue(file.toFile(), LakehouseConfig.class));
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(keyOf(e), "unknown key; known keys here are "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
              .collect(Collectors.joining(", ")));
    } catch (InvalidFormatException e) {
      throw new ConfigException(keyOf(e), "value '" + e.getValue() + "' is not a valid "
          + e.getTargetType().getSimpleName().toLowerCase());
    } catch (JsonMappingException e) {
      throw new ConfigException(keyOf(e), e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String keyOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  /** Checks what the types cannot: presence, ranges, and references between keys. */
  public static LakehouseConfig validate(LakehouseConfig config) {
    require(config.lakehouse(), "lakehouse");
    require(config.inputs(), "inputs");
    require(config.years(), "years");
    checkRange(config.years(), "years");
    require(config.spark(), "spark");
    if (config.spark().shufflePartitions() < 1) {
      throw new ConfigException("spark.shuffle_partitions", "must be at least 1");
    }
    require(config.sources(), "sources");
    for (String name : REQUIRED_SOURCES) {
      LakehouseConfig.SourceFile source = config.sources().get(name);
      if (source == null) {
        throw new ConfigException("sources." + name, "missing; the pipeline reads this source");
      }
      require(source.path(), "sources." + name + ".path");
      require(source.encoding(), "sources." + name + ".encoding");
      try {
        java.nio.charset.Charset.forName(source.encoding());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("sources." + name + ".encoding",
            "'" + source.encoding() + "' is not a known character set");
      }
      if (source.isYearly()) {
        require(source.years(), "sources." + name + ".years");
        checkRange(source.years(), "sources." + name + ".years");
      }
    }
    require(config.geography(), "geography");
    require(config.covariateFill(), "covariate_fill");
    for (String covariate : List.of("gini", "poverty", "urbanisation", "marginalisation")) {
      if (config.covariateFill().get(covariate) == null) {
        throw new ConfigException("covariate_fill." + covariate,
            "missing; say how census-year values fill other years (linear, carry_forward, none)");
      }
    }
    require(config.models(), "models");
    Set<String> names = new java.util.HashSet<>();
    List<LakehouseConfig.ModelSpec> models = new java.util.ArrayList<>();
    for (int i = 0; i < config.models().size(); i++) {
      validateModel(config.models().get(i), "models[" + i + "]");
      for (LakehouseConfig.ModelSpec model : PanelModel.expand(config.models().get(i))) {
        if (!names.add(model.name())) {
          throw new ConfigException("models[" + i + "].name", "'" + model.name()
              + "' is used by an earlier model; names identify runs and must be unique");
        }
        models.add(model);
      }
    }
    validateTrafficking(config.trafficking());
    return config.withModels(List.copyOf(models));
  }

  private static void validateTrafficking(LakehouseConfig.Trafficking t) {
    require(t, "trafficking");
    require(t.producerMinIntensity(), "trafficking.producer_min_intensity");
    require(t.portsPerProducer(), "trafficking.ports_per_producer");
    require(t.portAttachmentMaxKm(), "trafficking.port_attachment_max_km");
    require(t.borderMunicipalityKm(), "trafficking.border_municipality_km");
    if (t.producerMinIntensity() <= 0) {
      throw new ConfigException("trafficking.producer_min_intensity",
          "must be positive: a municipality with no eradication is not a producer");
    }
    if (t.portsPerProducer() < 0) {
      throw new ConfigException("trafficking.ports_per_producer",
          "must be 0 (every port) or the number of cheapest ports per producer");
    }
    if (t.portAttachmentMaxKm() <= 0 || t.borderMunicipalityKm() <= 0) {
      throw new ConfigException("trafficking", "distances must be positive kilometres");
    }
    Set<String> names = new java.util.HashSet<>(Set.of("baseline"));
    List<LakehouseConfig.RouteScenario> scenarios = t.scenarios() == null ? List.of()
        : t.scenarios();
    for (int i = 0; i < scenarios.size(); i++) {
      LakehouseConfig.RouteScenario s = scenarios.get(i);
      String key = "trafficking.scenarios[" + i + "]";
      require(s.name(), key + ".name");
      if (!names.add(s.name())) {
        throw new ConfigException(key + ".name", "'" + s.name() + "' is used twice (or is the "
            + "reserved name baseline)");
      }
      if (s.crackdownMunicipalities().isEmpty() && s.closedPorts().isEmpty()) {
        throw new ConfigException(key, "changes nothing: give crackdown_municipalities or "
            + "closed_ports");
      }
      for (String code : s.crackdownMunicipalities()) {
        if (!code.matches("\\d{5}")) {
          throw new ConfigException(key + ".crackdown_municipalities", "'" + code
              + "' is not a 5-digit INEGI municipality code (quote it in YAML)");
        }
      }
      if (s.date() != null) {
        try {
          s.firstYear();
        } catch (java.time.format.DateTimeParseException e) {
          throw new ConfigException(key + ".date", "'" + s.date() + "' is not a date as "
              + "YYYY-MM-DD");
        }
      }
      if (!s.crackdownMunicipalities().isEmpty() && (s.crackdownCostMultiplier() == null
          || s.crackdownCostMultiplier() < 1)) {
        throw new ConfigException(key + ".crackdown_cost_multiplier",
            "missing or below 1: a crackdown makes crossing dearer");
      }
    }
  }

  private static void validateModel(LakehouseConfig.ModelSpec spec, String key) {
    require(spec.name(), key + ".name");
    require(spec.formula(), key + ".formula");
    parsed(() -> Formula.expand(spec.formula()), key + ".formula");
    if (!MODEL_FAMILIES.contains(String.valueOf(spec.family()))) {
      throw new ConfigException(key + ".family",
          "'" + spec.family() + "' is not one of " + MODEL_FAMILIES);
    }
    require(spec.vcov(), key + ".vcov");
    parsed(() -> VcovKind.parse(spec.vcov()), key + ".vcov");
    if (spec.offset() != null) {
      parsed(() -> Formula.expression(spec.offset()), key + ".offset");
    }
    if (spec.weights() != null) {
      parsed(() -> Formula.expression(spec.weights()), key + ".weights");
    }
    if (spec.solver() != null && !FixedEffectsRegression.SOLVERS.contains(spec.solver())) {
      throw new ConfigException(key + ".solver", "'" + spec.solver() + "' is not one of "
          + FixedEffectsRegression.SOLVERS);
    }
    PanelModel.requirePanelColumns(spec, key);
    parsed(() -> SmallSampleCorrection.parse(spec.smallSample()), key + ".small_sample");
    if (spec.maxIterations() != null && spec.maxIterations() < 1) {
      throw new ConfigException(key + ".max_iterations", "must be at least 1");
    }
    LakehouseConfig.Sample sample = spec.sample();
    if (sample != null && sample.years() != null) {
      checkRange(sample.years(), key + ".sample.years");
    }
    if (sample != null && sample.countries() != null
        && !sample.countries().stream().allMatch("MX"::equals)) {
      throw new ConfigException(key + ".sample.countries", sample.countries()
          + ": models read the panel's Mexican rows only, so MX is the one country accepted");
    }
  }

  private static void parsed(Runnable parse, String key) {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  private static void checkRange(LakehouseConfig.YearRange range, String key) {
    if (range.first() > range.last()) {
      throw new ConfigException(key, "first (" + range.first() + ") is after last ("
          + range.last() + ")");
    }
  }

  private static void require(Object value, String key) {
    if (value == null || (value instanceof String s && s.isBlank())
        || (value instanceof java.util.Collection<?> c && c.isEmpty())) {
      throw new ConfigException(key, "missing or empty");
    }
  }
}
