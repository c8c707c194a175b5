package org.violence.lakehouse.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** One run at a time; a lock left by a dead run is taken over. */
class RunLockTest {
  private static final Duration STALE = Duration.ofMinutes(5);

  @Test
  void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
    String root = Files.createTempDirectory("lock").toUri().toString();
    try (RunLock first = RunLock.acquire(new Configuration(), root, "run-1", STALE)) {
      RunLock.RunInProgressException refused = Assertions.assertThrows(
          RunLock.RunInProgressException.class,
          () -> RunLock.acquire(new Configuration(), root, "run-2", STALE));
      Assertions.assertTrue(refused.getMessage().contains("run-1"), refused.getMessage());
      Assertions.assertTrue(first.recoveredFrom().isEmpty());
    }
    try (RunLock afterRelease = RunLock.acquire(new Configuration(), root, "run-3", STALE)) {
      Assertions.assertTrue(afterRelease.recoveredFrom().isEmpty());
    }
  }

  @Test
  void aLockLeftByAKilledProcessIsRecovered() throws Exception {
    Path root = Files.createTempDirectory("lock");
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(root.resolve("_run.lock"), "{\"run_id\":\"killed-run\",\"host\":\""
        + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":\"" + dead.pid()
        + "\",\"started\":\"2026-01-01T00:00:00Z\"}", StandardCharsets.UTF_8);
    try (RunLock lock = RunLock.acquire(new Configuration(), root.toUri().toString(), "next",
        STALE)) {
      Assertions.assertEquals("killed-run", lock.recoveredFrom().orElseThrow());
    }
  }

  @Test
  void aLockWhoseOwnerStoppedItsHeartbeatIsRecoveredAfterTheStalePeriod() throws Exception {
    Path root = Files.createTempDirectory("lock");
    Path lock = root.resolve("_run.lock");
    Files.writeString(lock, "{\"run_id\":\"elsewhere\",\"host\":\"another-host\",\"pid\":\"1\","
        + "\"started\":\"2026-01-01T00:00:00Z\"}", StandardCharsets.UTF_8);
    Assertions.assertThrows(RunLock.RunInProgressException.class,
        () -> RunLock.acquire(new Configuration(), root.toUri().toString(), "next", STALE));
    Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() - STALE.toMillis() - 1000));
    try (RunLock taken = RunLock.acquire(new Configuration(), root.toUri().toString(), "next",
        STALE)) {
      Assertions.assertEquals("elsewhere", taken.recoveredFrom().orElseThrow());
    }
  }

  @Test
  void aLockHoldingNoOwnerRecordIsRefusedWithWhatToDo() throws Exception {
    Path root = Files.createTempDirectory("lock");
    Files.writeString(root.resolve("_run.lock"), "garbage\u0001 not a lock",
        StandardCharsets.UTF_8);
    RunLock.LakehouseUnusableException refused = Assertions.assertThrows(
        RunLock.LakehouseUnusableException.class,
        () -> RunLock.acquire(new Configuration(), root.toUri().toString(), "next", STALE));
    Assertions.assertTrue(refused.getMessage().contains("starts with 'garbage? not a lock'")
        && refused.getMessage().contains("delete that file"), refused.getMessage());
    Assertions.assertTrue(Files.exists(root.resolve("_run.lock")), "the lock is left alone");
  }

  @Test
  void aLakehousePathThatIsAFileIsRefused() throws Exception {
    Path file = Files.createTempFile("lakehouse", ".txt");
    RunLock.LakehouseUnusableException refused = Assertions.assertThrows(
        RunLock.LakehouseUnusableException.class,
        () -> RunLock.acquire(new Configuration(), file.toUri().toString(), "next", STALE));
    Assertions.assertTrue(refused.getMessage().contains("is a file, not a folder"),
        refused.getMessage());
  }
}
