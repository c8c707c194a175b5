package org.violence.lakehouse.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.AbstractFileSystem;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;

/**
 * The session's local file system starts no process where Hadoop's started one per file, and
 * otherwise behaves as Hadoop's: the same permission bits on what it creates, the same refusal
 * of a rename onto an existing file (what Delta's commits rely on), links still seen as links.
 */
class ForklessLocalFileSystemTest extends LakehouseTestBase {
  /**
   * A Delta table created, overwritten and read through the session, with the JVM recording
   * every process it starts (Java's own {@code jdk.ProcessStart} event): none by Hadoop's file
   * system code. With Hadoop's own as the session's {@code fs.file.impl} the same writes
   * started 11 ({@code chmod} for each file and folder).
   */
  @Test
  void writingAndCommittingADeltaTableStartsNoProcess() throws IOException {
    String table = Files.createTempDirectory("forkless").resolve("table").toUri().toString();
    Path recorded = Files.createTempFile("process-starts", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ProcessStart").withStackTrace();
      recording.start();
      spark().range(100).repartition(2).write().format("delta").save(table);
      spark().range(50).write().format("delta").mode("overwrite").save(table);
      Assertions.assertEquals(50, spark().read().format("delta").load(table).count());
      recording.stop();
      recording.dump(recorded);
    }
    // Spark's executor asks getconf for the page size once per JVM: not the file system's.
    Assertions.assertEquals(List.of(), RecordingFile.readAllEvents(recorded).stream()
        .filter(started -> started.getStackTrace().getFrames().stream().anyMatch(frame -> frame
            .getMethod().getType().getName().startsWith("org.apache.hadoop.fs.")))
        .map(ForklessLocalFileSystemTest::whoStarted).toList());
    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    Assertions.assertInstanceOf(ForklessLocalFileSystem.class,
        FileSystem.get(java.net.URI.create(table), hadoop));
  }

  /** "chmod 0644 /tmp/x by org.apache.hadoop.fs.RawLocalFileSystem": a command and its caller. */
  private static String whoStarted(RecordedEvent processStart) {
    return processStart.getString("command") + " by " + processStart.getStackTrace().getFrames()
        .stream().map(frame -> frame.getMethod().getType().getName())
        .filter(type -> !type.startsWith("java.") && !type.startsWith("org.apache.hadoop.util."))
        .findFirst().orElse("?");
  }

  @Test
  void filesAndFoldersGetHadoopsPermissions() throws IOException {
    Path root = Files.createTempDirectory("permissions");
    Configuration hadoop = new Configuration();
    try (FileSystem hadoops = new LocalFileSystem(); FileSystem ours =
        new ForklessLocalFileSystem()) {
      hadoops.initialize(java.net.URI.create("file:///"), hadoop);
      ours.initialize(java.net.URI.create("file:///"), hadoop);
      for (FileSystem fs : List.of(hadoops, ours)) {
        String name = fs == ours ? "ours" : "hadoops";
        fs.mkdirs(pathOf(root.resolve(name + "/a/b")));
        fs.create(pathOf(root.resolve(name + "/a/b/file"))).close();
        fs.mkdirs(pathOf(root.resolve(name + "/private")),
            new org.apache.hadoop.fs.permission.FsPermission((short) 0700));
      }
      for (String path : List.of("a", "a/b", "a/b/file", "a/b/.file.crc", "private")) {
        Assertions.assertEquals(
            Files.getPosixFilePermissions(root.resolve("hadoops").resolve(path)),
            Files.getPosixFilePermissions(root.resolve("ours").resolve(path)), path);
      }
    }
  }

  @Test
  void fileContextRefusesARenameOntoAFileAndSeesLinks() throws IOException {
    Path root = Files.createTempDirectory("renames");
    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    FileContext files = FileContext.getFileContext(root.toUri(), hadoop);
    Assertions.assertInstanceOf(ForklessLocalFileSystem.ForFileContext.class,
        AbstractFileSystem.get(root.toUri(), hadoop));
    org.apache.hadoop.fs.Path first = pathOf(root.resolve("00.json"));
    org.apache.hadoop.fs.Path temporary = pathOf(root.resolve(".tmp"));
    files.create(first, EnumSet.of(CreateFlag.CREATE)).close();
    files.create(temporary, EnumSet.of(CreateFlag.CREATE)).close();
    Assertions.assertThrows(FileAlreadyExistsException.class,
        () -> files.rename(temporary, first, Options.Rename.NONE));
    org.apache.hadoop.fs.Path second = pathOf(root.resolve("01.json"));
    files.rename(temporary, second, Options.Rename.NONE);
    Assertions.assertTrue(files.util().exists(second));
    Assertions.assertFalse(files.util().exists(temporary));

    Path link = Files.createSymbolicLink(root.resolve("link"), root.resolve("01.json"));
    // Unqualified, so that the text the lookup takes for a file name names the link (a
    // qualified file:/ path names no file, for Hadoop's own lookup as for this one).
    Assertions.assertTrue(files.getFileLinkStatus(new org.apache.hadoop.fs.Path(link.toString()))
        .isSymlink());
    Assertions.assertFalse(files.getFileLinkStatus(second).isSymlink());
  }

  /** Hadoop's name of a local file, qualified ({@code file:/...}) as Spark and Delta name files. */
  private static org.apache.hadoop.fs.Path pathOf(Path file) {
    return new org.apache.hadoop.fs.Path(file.toUri());
  }
}
