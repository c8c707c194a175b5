package org.violence.lakehouse.run;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.violence.lakehouse.io.ForklessLocalFileSystem;

/**
 * The local file system on a disk that fills up: once {@link #fillUpAfter} has been told a
 * budget, files whose path contains its path fragment take that many bytes in all, and every
 * further write there fails as a full disk does. {@link KillAndResumeTest} makes it Spark's
 * {@code fs.file.impl} for one run, so that Parquet files, Delta commits and checkpoints all run
 * out of space wherever they are; writes elsewhere are the session's local file system's own.
 */
public class FullDiskFileSystem extends ForklessLocalFileSystem {
  private static final AtomicLong WRITTEN = new AtomicLong();
  private static volatile long limit = Long.MAX_VALUE;
  /** A path fragment, such as {@code /silver/}: the disk fills up inside that layer. */
  private static volatile String fragment;

  /** From now on, {@code budget} more bytes fit in files whose path contains {@code under}. */
  static void fillUpAfter(String under, long budget) {
    WRITTEN.set(0);
    limit = budget;
    fragment = under;
  }

  /** An empty disk again: nothing this file system writes counts. */
  static void empty() {
    fragment = null;
    limit = Long.MAX_VALUE;
  }

  @Override
  public FSDataOutputStream create(Path file, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    FSDataOutputStream out = super.create(file, permission, overwrite, bufferSize, replication,
        blockSize, progress);
    String under = fragment;
    if (under == null || !file.toString().contains(under)) {
      return out;
    }
    return new FSDataOutputStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        spend(1);
        out.write(b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        spend(length);
        out.write(bytes, offset, length);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    }, null);
  }

  private static void spend(long bytes) throws IOException {
    long budget = limit;
    if (WRITTEN.addAndGet(bytes) > budget) {
      throw new IOException("No space left on device (FullDiskFileSystem: more than " + budget
          + " bytes written)");
    }
  }
}
