package org.violence.lakehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
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

  @Test
  void helpExitsZeroAndListsTheCommands() throws Exception {
    Result help = launch("--help");
    assertEquals(0, help.exitCode(), help.err());
    Assertions.assertTrue(help.out().contains("Exit codes:") && help.out().contains("export"),
        help.out());
  }

  @Test
  void csvGoesAloneToStdoutAndPandasReadsItFromAPipe() throws Exception {
    Result csv = launch("sql", "--lakehouse", Files.createTempDirectory("empty").toString(),
        "--format", "csv", "--query",
        "SELECT 1 AS one, 'a,b' AS text, CAST(NULL AS INT) AS nothing");
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
    Result failed = launch("sql", "--lakehouse", Files.createTempDirectory("empty").toString(),
        "--format", "csv", "--query", "SELECT * FROM gold.no_such_table");
    assertEquals(2, failed.exitCode(), failed.err());
    assertEquals("", failed.out());
    List<String> errors = failed.err().lines().filter(line -> line.startsWith("error: "))
        .toList();
    assertEquals(1, errors.size(), failed.err());
    Assertions.assertTrue(errors.get(0).startsWith("error: [TABLE_OR_VIEW_NOT_FOUND]"),
        errors.get(0));
    Assertions.assertFalse(failed.err().contains("\tat "), "no stack trace: " + failed.err());
  }

  private static Result launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile());
    builder.environment().put("LAKEHOUSE_HEAP", "1g");
    Process process = builder.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> text(process, true));
    String out = text(process, false);
    Assertions.assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the launcher hung");
    return new Result(process.exitValue(), out, err.join());
  }

  private static String text(Process process, boolean stderr) {
    try {
      return new String((stderr ? process.getErrorStream() : process.getInputStream())
          .readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
