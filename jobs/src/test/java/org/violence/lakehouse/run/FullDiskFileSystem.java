package org.violence.lakehouse.run;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system on a disk that fills up: once {@value #BUDGET} bytes (a system property)
 * have been written in this JVM to files whose path contains {@value #UNDER} (or to any file
 * without it), every further write there fails as a full disk does. A child JVM of
 * {@link KillAndResumeTest} uses it for {@code file:} paths (Spark's {@code fs.file.impl}), so
 * that Parquet files, Delta commits and checkpoints all run out of space wherever they are.
 */
public class FullDiskFileSystem extends LocalFileSystem {
  static final String BUDGET = "fulldisk.budget.bytes";
  /** A path fragment, such as {@code /silver/}: the disk fills up inside that layer. */
  static final String UNDER = "fulldisk.under";
  private static final AtomicLong WRITTEN = new AtomicLong();
  private static final long LIMIT = Long.getLong(BUDGET, Long.MAX_VALUE);
  private static final String FRAGMENT = System.getProperty(UNDER, "");

  @Override
  public FSDataOutputStream create(Path file, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    FSDataOutputStream out = super.create(file, permission, overwrite, bufferSize, replication,
        blockSize, progress);
    if (!file.toString().contains(FRAGMENT)) {
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
    if (WRITTEN.addAndGet(bytes) > LIMIT) {
      throw new IOException("No space left on device (FullDiskFileSystem: more than " + LIMIT
          + " bytes written)");
    }
  }
}
