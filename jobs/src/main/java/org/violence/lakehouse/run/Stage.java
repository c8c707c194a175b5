package org.violence.lakehouse.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.Table;

/**
 * One table-producing step of the pipeline: the tables it writes, what each part of them is built
 * from, and how to build some of the parts. Deciding what to rebuild, checking and writing are
 * the {@link StageRunner}'s job, so a stage only computes, from the input tables the runner
 * hands it ({@link StageInputs}: those it declared, and no other).
 *
 * <p>A table is built in parts (years) when it is partitioned that way and a part depends only
 * on the same part of its inputs: then a new year of data rewrites that year alone.
 */
public final class Stage {
  /** The column a {@link #byYear} stage's tables are partitioned on, and its parts named by. */
  public static final String YEAR = "year";

  /**
   * What a stage built: rows per output table, and refused records for the quarantine, none at
   * all for a stage that cannot refuse anything ({@link #of}): the runner then spends no Spark
   * job on its quarantine.
   */
  public record Output(Map<Table, Dataset<Row>> rows,
      Optional<Function<Map<Table, Dataset<Row>>, Dataset<Row>>> refusedGivenRows) {
    public Output(Map<Table, Dataset<Row>> rows, Dataset<Row> refused) {
      this(rows, Optional.of(regardlessOfRows(refused)));
    }

    /** The output of a stage that refuses nothing. */
    public static Output of(Map<Table, Dataset<Row>> rows) {
      return new Output(rows, Optional.empty());
    }

    /** The output of a stage that may refuse records, or cannot ({@link #of(Map)}). */
    public static Output of(Map<Table, Dataset<Row>> rows, Optional<Dataset<Row>> refused) {
      return new Output(rows, refused.map(Output::regardlessOfRows));
    }

    private static Function<Map<Table, Dataset<Row>>, Dataset<Row>> regardlessOfRows(
        Dataset<Row> refused) {
      return computed -> refused;
    }

    /**
     * Refused records derived from the rows of the output tables, given as the runner computed
     * them for the gate: derived from {@link #rows} themselves, they would compute those again.
     */
    public static Output refusing(Map<Table, Dataset<Row>> rows,
        Function<Map<Table, Dataset<Row>>, Dataset<Row>> refusedGivenRows) {
      return new Output(rows, Optional.of(refusedGivenRows));
    }

    /** The refused records, derived from the rows {@code computed} for each output table. */
    Optional<Dataset<Row>> refused(Map<Table, Dataset<Row>> computed) {
      return refusedGivenRows.map(refused -> refused.apply(computed));
    }
  }

  /**
   * An input table, read whole or part by part: the same year of input for each output year,
   * and also the year before when {@code previousYear} (an output with a one-year lag).
   */
  public record Input(Table table, boolean perPart, boolean previousYear) {
    public static Input whole(Table table) {
      return new Input(table, false, false);
    }

    public static Input sameYear(Table table) {
      return new Input(table, true, false);
    }

    public static Input sameAndPreviousYear(Table table) {
      return new Input(table, true, true);
    }
  }

  private final List<Table> outputs;
  private final Function<Function<Table, BuildState>, BuildState> desiredState;
  private final Function<Set<String>, String> partsPredicate;
  private final BiFunction<StageInputs, Set<String>, Output> build;
  private final List<Table> inputs;

  private Stage(List<Table> outputs, List<Table> inputs,
      Function<Function<Table, BuildState>, BuildState> desiredState,
      Function<Set<String>, String> partsPredicate,
      BiFunction<StageInputs, Set<String>, Output> build) {
    this.outputs = List.copyOf(outputs);
    this.inputs = List.copyOf(inputs);
    this.desiredState = desiredState;
    this.partsPredicate = partsPredicate;
    this.build = build;
  }

  /** A stage whose state is computed by the caller, e.g. from the raw files' checksums. */
  public static Stage fromState(List<Table> outputs, Function<Function<Table, BuildState>, BuildState> state,
      Function<Set<String>, String> partsPredicate, Function<Set<String>, Output> build) {
    return new Stage(outputs, List.of(), state, partsPredicate,
        (inputs, parts) -> build.apply(parts));
  }

  /**
   * The table of a yearly source none of whose files falls in the run's years (INEGI's
   * occurrence cube ends in 2010; a run over 2011-2015): built whole from no file, with a
   * fingerprint naming {@code why}, so that the stages reading it find a table and their years
   * come out empty, not zero, and a later run with files in its years rebuilds it by year.
   */
  public static Stage withNoFileInTheYears(Table table, String why,
      Supplier<Dataset<Row>> emptyRows) {
    return fromState(List.of(table),
        stateOf -> BuildState.whole(Fingerprints.of(Fingerprints.codeVersion(), why)), null,
        parts -> Output.of(Map.of(table, emptyRows.get())));
  }

  /**
   * A stage built whole from other tables; it is rebuilt when any input or the settings it
   * depends on (given as text) change.
   */
  public static Stage whole(List<Table> outputs, List<Table> inputs, String settings,
      Function<StageInputs, Output> build) {
    return new Stage(outputs, inputs,
        stateOf -> BuildState.whole(fingerprint(statesOf(stateOf, inputs.stream()
            .map(Input::whole).toList()), settings, BuildState.WHOLE)),
        null, (tables, parts) -> build.apply(tables));
  }

  /**
   * A stage built year by year: year {@code y} of the output is rebuilt when year {@code y} of a
   * {@link Input#sameYear} input (or year y - 1 of a {@link Input#sameAndPreviousYear} one), any
   * whole input, or the settings change.
   */
  public static Stage byYear(List<Table> outputs, List<Input> inputs, String settings,
      Supplier<Set<Integer>> years, BiFunction<StageInputs, Set<String>, Output> build) {
    return new Stage(outputs, inputs.stream().map(Input::table).toList(), stateOf -> {
      Map<Input, BuildState> states = statesOf(stateOf, inputs);
      TreeMap<String, String> parts = new TreeMap<>();
      for (int year : years.get()) {
        String part = Integer.toString(year);
        parts.put(part, fingerprint(states, settings, part));
      }
      return new BuildState(parts);
    }, parts -> YEAR + " IN (" + String.join(", ", parts) + ")", build);
  }

  /** The rows of some parts of a {@link #byYear} stage: those of the years {@code parts}. */
  public static Dataset<Row> inYears(Dataset<Row> rows, Set<String> parts) {
    return rows.where(functions.col(YEAR).isin(parts.stream().map(Integer::valueOf).toArray()));
  }

  private static Map<Input, BuildState> statesOf(Function<Table, BuildState> stateOf,
      List<Input> inputs) {
    Map<Input, BuildState> states = new java.util.LinkedHashMap<>();
    inputs.forEach(input -> states.put(input, stateOf.apply(input.table())));
    return states;
  }

  private static String fingerprint(Map<Input, BuildState> states, String settings, String part) {
    StringBuilder text = new StringBuilder(Fingerprints.codeVersion()).append('|').append(settings);
    for (Map.Entry<Input, BuildState> entry : states.entrySet()) {
      Input input = entry.getKey();
      BuildState state = entry.getValue();
      text.append('|').append(input.table().qualifiedName()).append('=')
          .append(input.perPart() ? state.fingerprintOf(part) : state.fingerprint());
      if (input.previousYear()) {
        text.append('<').append(state.fingerprintOf(Integer.toString(Integer.parseInt(part) - 1)));
      }
    }
    return Fingerprints.of(text.toString());
  }

  public List<Table> outputs() {
    return outputs;
  }

  public List<Table> inputs() {
    return inputs;
  }

  public String name() {
    return outputs.get(0).qualifiedName();
  }

  /** The state the outputs should have, given the current state of each input table. */
  BuildState desiredState(Function<Table, BuildState> stateOf) {
    return desiredState.apply(stateOf);
  }

  boolean builtInParts() {
    return partsPredicate != null;
  }

  String partsPredicate(Set<String> parts) {
    return partsPredicate.apply(parts);
  }

  Output build(StageInputs inputs, Set<String> parts) {
    return build.apply(inputs, parts);
  }
}
