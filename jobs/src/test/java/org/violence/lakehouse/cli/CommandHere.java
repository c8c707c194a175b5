package org.violence.lakehouse.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The real command line run in the test JVM, on the shared session (warm: a cold JVM of its own
 * costs ~25 s more per run), with what it prints captured. Only a test that must kill the run
 * needs a JVM of its own.
 */
public final class CommandHere {
  private CommandHere() {}

  /** The command's exit code and what it printed on stdout and on stderr. */
  public record Ending(int exit, String out, String err) {}

  public static Ending run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream terminal = System.out;
    PrintStream errors = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.execute(args);
      return new Ending(exit, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(terminal);
      System.setErr(errors);
    }
  }
}
