package io.zhiyue.devstack;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A backup taken while PostgreSQL and Redis are written to restores to a consistent state as of
 * the backup, and a restore refuses what is not a whole backup without touching the data. Its own
 * devstack with a data directory (it is stopped and replaced, never the shared one).
 */
class BackupTest {

    private static final Path LOG = Path.of("target", "devstack-backup.log");

    @Test
    void aBackupTakenDuringWritesRestoresConsistentlyAndLaterWritesAreGone() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "backup-data").toAbsolutePath();
        Path file = data.resolveSibling(data.getFileName() + ".zip");
        String[] args = {"--data", data.toString()};
        long rowsAtBackup;
        long committedBeforeBackup;
        try (DevstackProcess devstack = DevstackProcess.start(args, LOG)) {
            Endpoints endpoints = devstack.endpoints();
            try (Connection pg = Backup.connect(endpoints.pgUrl()); Statement statement = pg.createStatement()) {
                statement.execute("CREATE TABLE pairs (id bigserial PRIMARY KEY, pair bigint NOT NULL, side int NOT NULL)");
            }
            try (RespClient redis = new RespClient(endpoints.redisUrl())) {
                redis.call("SET", "kept", "before the backup");
            }
            // a writer commits pairs of rows the whole time: a consistent copy holds whole pairs only
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong pairs = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writePairs(endpoints, writing, pairs));
            awaitPairs(pairs, 50);
            long committedBefore = pairs.get();
            Backup.Made made = Backup.create(endpoints, file);
            writing.set(false);
            writer.join();
            committedBeforeBackup = committedBefore;
            assertThat(made.walSegments()).isPositive();
            assertThat(made.redis()).isTrue();
            try (Connection pg = Backup.connect(endpoints.pgUrl()); Statement statement = pg.createStatement()) {
                statement.execute("INSERT INTO pairs (pair, side) VALUES (-1, 0), (-1, 1)");
                rowsAtBackup = count(statement, "SELECT count(*) FROM pairs") - 2;
            }
            try (RespClient redis = new RespClient(endpoints.redisUrl())) {
                redis.call("SET", "kept", "after the backup");
                redis.call("SET", "later", "after the backup");
            }
        }

        Backup.Restored restored = Backup.restore(file, data);
        assertThat(restored.keptAside()).isDirectory();
        try (DevstackProcess devstack = DevstackProcess.start(args, LOG)) {
            try (Connection pg = Backup.connect(devstack.endpoints().pgUrl()); Statement statement = pg.createStatement()) {
                long rows = count(statement, "SELECT count(*) FROM pairs");
                assertThat(rows).as("rows restored: at least every pair committed before the backup began (%d), "
                        + "at most what the writer committed by its end (%d rows)", committedBeforeBackup, rowsAtBackup)
                        .isGreaterThanOrEqualTo(2 * committedBeforeBackup).isLessThanOrEqualTo(rowsAtBackup);
                assertThat(count(statement, "SELECT count(*) FROM (SELECT pair FROM pairs GROUP BY pair HAVING count(*) <> 2) torn"))
                        .as("pairs restored half").isZero();
                assertThat(count(statement, "SELECT count(*) FROM pairs WHERE pair = -1")).as("a write after the backup").isZero();
                statement.execute("INSERT INTO pairs (pair, side) VALUES (-2, 0)");
            }
            try (RespClient redis = new RespClient(devstack.endpoints().redisUrl())) {
                assertThat(redis.call("GET", "kept")).isEqualTo("before the backup");
                assertThat(redis.call("GET", "later")).isNull();
                redis.call("SET", "written", "after the restore");
            }
        }
        // the restored Redis keeps what is written after the restore (its AOF is on again)
        try (DevstackProcess devstack = DevstackProcess.start(args, LOG);
             RespClient redis = new RespClient(devstack.endpoints().redisUrl())) {
            assertThat(redis.call("GET", "written")).isEqualTo("after the restore");
        }
    }

    @Test
    void aRestoreRefusesWhatIsNotAWholeBackupAndLeavesTheDataAlone() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "backup-refused").toAbsolutePath();
        Files.writeString(data.resolve("marker"), "the data before");
        Path notAZip = data.resolveSibling(data.getFileName() + "-not.zip");
        Files.writeString(notAZip, "name,score\nZhang San,5\n");
        Path noManifest = data.resolveSibling(data.getFileName() + "-half.zip");
        try (OutputStream out = Files.newOutputStream(noManifest); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("postgres/PG_VERSION"));
            zip.write("16\n".getBytes());
            zip.closeEntry();
        }
        Path escaping = data.resolveSibling(data.getFileName() + "-escape.zip");
        try (OutputStream out = Files.newOutputStream(escaping); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("postgres/../../outside"));
            zip.write(1);
            zip.closeEntry();
        }
        for (Path bad : new Path[] {notAZip, noManifest, escaping}) {
            assertThatThrownBy(() -> Backup.verify(bad)).as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a");
            assertThatThrownBy(() -> Backup.restore(bad, data)).as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a");
            assertThat(data.resolve("marker")).hasContent("the data before");
            assertThat(data.resolveSibling(data.getFileName() + ".restoring")).doesNotExist();
        }
        // where the escaping entry would have landed: beside the staging directory
        assertThat(data.getParent().resolve("outside")).doesNotExist();
    }

    private static void writePairs(Endpoints endpoints, AtomicBoolean writing, AtomicLong pairs) {
        try (Connection pg = Backup.connect(endpoints.pgUrl()); Statement statement = pg.createStatement()) {
            for (long pair = 1; writing.get(); pair++) {
                statement.execute("INSERT INTO pairs (pair, side) VALUES (" + pair + ", 0), (" + pair + ", 1)");
                pairs.set(pair);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitPairs(AtomicLong pairs, long atLeast) {
        await("the writer commits " + atLeast + " pairs").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> pairs.get() >= atLeast);
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
