package org.violence.lakehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs/bin/lakehouse} on the packaged jar, as a user types it: results alone on stdout
 * (CSV that pandas reads from a pipe), failures as one line on stderr, and the exit codes of
 * {@code --help}. It runs on an empty lakehouse: what is tested is the launcher, not the tables.
 */
class LauncherTest {
  private static final Path PROJECT = Path.of(System.getProperty("lakehouse.project.dir"));
  private static final Path LAUNCHER = PROJECT.resolve("jobs/bin/lakehouse");

  record Result(int exitCode, String out, String err) {}

  private static final String CSV_QUERY =
      "SELECT 1 AS one, 'a,b' AS text, CAST(NULL AS INT) AS nothing";
  private static final String FAILING_QUERY = "SELECT * FROM gold.no_such_table";
  /** Each test's command, by the test's name for it. */
  private static final Map<String, CompletableFuture<Result>> LAUNCHED = new HashMap<>();

  /**
   * Every test's command at once: each is a cold JVM that keeps about one core busy for a few
   * seconds, and one after the other they left the other core idle. Each test awaits its own.
   */
  @BeforeAll
  static void launchEveryCommand() {
    LAUNCHED.put("help", launching("--help"));
    LAUNCHED.put("csv", launching("sql", "--lakehouse", emptyFolder(), "--format", "csv",
        "--query", CSV_QUERY));
    LAUNCHED.put("failing", launching("sql", "--lakehouse", emptyFolder(), "--format", "csv",
        "--query", FAILING_QUERY));
  }

  @Test
  void helpExitsZeroAndListsTheCommands() throws Exception {
    Result help = launched("help");
    assertEquals(0, help.exitCode(), help.err());
    Assertions.assertTrue(help.out().contains("Exit codes:") && help.out().contains("export"),
        help.out());
  }

  @Test
  void csvGoesAloneToStdoutAndPandasReadsItFromAPipe() throws Exception {
    Result csv = launched("csv");
    assertEquals(0, csv.exitCode(), csv.err());
    assertEquals("one,text,nothing\n1,\"a,b\",\n", csv.out());

    Process pandas = new ProcessBuilder("/usr/bin/python3", "-c", "import sys, pandas; "
        + "frame = pandas.read_csv(sys.stdin); print(list(frame.columns), frame.shape, "
        + "frame.text[0])").start();
    pandas.getOutputStream().write(csv.out().getBytes(StandardCharsets.UTF_8));
    pandas.getOutputStream().close();
    String read = new String(pandas.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(pandas.waitFor(60, TimeUnit.SECONDS));
    assertEquals("['one', 'text', 'nothing'] (1, 3) a,b\n", read);
  }

  @Test
  void aFailingQueryExitsTwoWithOneLineOnStderrAndNothingOnStdout() throws Exception {
    Result failed = launched("failing");
    assertEquals(2, failed.exitCode(), failed.err());
    assertEquals("", failed.out());
    List<String> errors = failed.err().lines().filter(line -> line.startsWith("error: "))
        .toList();
    assertEquals(1, errors.size(), failed.err());
    Assertions.assertTrue(errors.get(0).startsWith("error: [TABLE_OR_VIEW_NOT_FOUND]"),
        errors.get(0));
    Assertions.assertFalse(failed.err().contains("\tat "), "no stack trace: " + failed.err());
  }

  private static String emptyFolder() {
    try {
      return Files.createTempDirectory("empty").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The launcher with {@code args}, started now; its outcome once it has exited. */
  private static CompletableFuture<Result> launching(String... args) {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile());
    builder.environment().put("LAKEHOUSE_HEAP", "1g");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Both streams end when the process exits.
    return reading(process.getInputStream()).thenCombine(reading(process.getErrorStream()),
        (stdout, stderr) -> new Result(process.onExit().join().exitValue(), stdout, stderr));
  }

  /** The outcome of a test's command: a launcher that has not ended in 3 minutes hung. */
  private static Result launched(String test) throws Exception {
    try {
      return LAUNCHED.get(test).get(180, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the launcher hung", e);
    }
  }

  /**
   * A stream's text, read to its end on a thread of its own: both streams of every launch are
   * drained at once, so that none blocks on a full pipe while another is read.
   */
  private static CompletableFuture<String> reading(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
