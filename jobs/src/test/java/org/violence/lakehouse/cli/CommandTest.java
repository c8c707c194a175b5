package org.violence.lakehouse.cli;

import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.conf.UsageException;

/**
 * The command registry drives parsing and --help: every command and each of its options is in
 * the help text, a flag needs no value, and an option of another command is refused.
 */
class CommandTest {
  @Test
  void helpListsEveryCommandAndItsOptions() {
    for (Command command : Command.values()) {
      Assertions.assertTrue(Main.HELP.contains("\n  " + command.name + " ")
          || Main.HELP.contains("\n  " + command.name + "\n"), command.name);
      for (Command.Option option : command.options) {
        Assertions.assertTrue(Main.HELP.contains("\n  " + option.name()), option.name());
      }
    }
    Assertions.assertTrue(Main.HELP.lines().allMatch(line -> line.length() <= 90),
        "help lines fit 90 columns");
  }

  @Test
  void commandsAndTheirOptionsParse() {
    Main.Invocation run = Main.Invocation.parse(new String[] {"nightly", "--profile",
        "--years", "2009-2010"});
    Assertions.assertEquals(Command.NIGHTLY, run.command());
    Assertions.assertTrue(run.flag("profile"));
    Assertions.assertEquals(2009, run.years().first());

    Main.Invocation sql = Main.Invocation.parse(new String[] {"sql", "--query", "SELECT 1",
        "--format", "csv"});
    Assertions.assertEquals("SELECT 1", sql.commandOptions().get("query"));
    Assertions.assertFalse(sql.flag("profile"));
    Assertions.assertEquals(Command.RUN, Main.Invocation.parse(new String[0]).command());
    Assertions.assertTrue(Main.Invocation.parse(new String[] {"help"}).help());
  }

  @Test
  void anOptionOfAnotherCommandOrAnUnknownCommandIsRefused() {
    for (List<String> args : List.of(List.of("sql", "--profile"), List.of("run", "--port", "1"),
        List.of("refit"), List.of("report", "--years"))) {
      UsageException refused = Assertions.assertThrows(UsageException.class,
          () -> Main.Invocation.parse(args.toArray(String[]::new)), args.toString());
      Assertions.assertTrue(refused.getMessage().endsWith("(see --help)"), refused.getMessage());
    }
  }
}
