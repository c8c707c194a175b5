package org.violence.lakehouse.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;

/**
 * The code version, which enters every table's fingerprint, is the same for the same code however
 * it is packaged: the build's class folder (Maven, the tests) and the packaged jar (the launcher,
 * spark-submit), whose bytes differ from one build to the next. A changed class changes it.
 */
class FingerprintsTest {
  private static final Path PROJECT = LakehouseTestBase.projectDir();
  private static final Path CLASSES = PROJECT.resolve("jobs/target/classes");

  @Test
  void thePackagedJarHasTheCodeVersionOfTheClassFolder() {
    Path jar = PROJECT.resolve("jobs/target/violence-lakehouse.jar");
    Assertions.assertTrue(Files.isRegularFile(jar), "the build packs the jar before the tests");
    Assertions.assertEquals(Fingerprints.codeVersionOf(CLASSES), Fingerprints.codeVersionOf(jar));
    Assertions.assertEquals(Fingerprints.codeVersionOf(CLASSES), Fingerprints.codeVersion());
  }

  @Test
  void aJarOfOtherTimesHasTheSameVersionAndAChangedClassAnother() throws IOException {
    Path folder = Files.createTempDirectory("code-version");
    Path again = jarOfTheClasses(folder.resolve("again.jar"), null);
    Path changed = jarOfTheClasses(folder.resolve("changed.jar"), "cli/Main.class");
    Assertions.assertNotEquals(Fingerprints.codeVersionOf(again),
        Fingerprints.codeVersionOf(changed));
    Assertions.assertEquals(Fingerprints.codeVersionOf(CLASSES),
        Fingerprints.codeVersionOf(again));
  }

  /**
   * Our classes in a jar of their own, entries in reverse order and stamped with another time;
   * {@code changedClass} (relative to our package) gets one byte more.
   */
  private static Path jarOfTheClasses(Path jar, String changedClass) throws IOException {
    Path own = CLASSES.resolve(Fingerprints.OWN_CLASSES);
    try (OutputStream file = Files.newOutputStream(jar);
         JarOutputStream out = new JarOutputStream(file);
         var walk = Files.walk(own)) {
      for (Path path : walk.filter(Files::isRegularFile).sorted(Comparator.reverseOrder())
          .toList()) {
        JarEntry entry = new JarEntry(CLASSES.relativize(path).toString());
        entry.setTime(0L);
        out.putNextEntry(entry);
        out.write(Files.readAllBytes(path));
        if (own.relativize(path).toString().equals(changedClass)) {
          out.write(0);
        }
        out.closeEntry();
      }
    }
    return jar;
  }
}
