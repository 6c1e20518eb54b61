package io.zhiyue.e2e.driver;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What PostgreSQL did between {@link #reset} and {@link #read}: per statement (from
 * {@code pg_stat_statements}, which the devstack loads) calls, execution time, rows, buffers and
 * WAL, and the WAL written in all ({@code pg_stat_wal}).
 */
public final class PgStatements {

    public record Entry(long calls, double execMillis, long rows, long blocks, long walBytes, String text) {
    }

    public record Figures(List<Entry> statements, long walRecords, long walBytes) {
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;

    /** {@code postgresql://user:password@host:port/database}, as the launcher prints it. */
    public PgStatements(String url) {
        URI uri = URI.create(url);
        String[] credentials = uri.getUserInfo() == null ? new String[] {"", ""} : uri.getUserInfo().split(":", 2);
        this.jdbcUrl = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
        this.user = credentials[0];
        this.password = credentials.length > 1 ? credentials[1] : "";
    }

    public void reset() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_stat_statements_reset()");
            statement.execute("SELECT pg_stat_reset_shared('wal')");
        }
    }

    /** The {@code top} statements of this database by execution time, and the WAL since the reset. */
    public Figures read(int top) throws SQLException {
        List<Entry> statements = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("""
                    SELECT calls, total_exec_time, rows, shared_blks_hit + shared_blks_read + local_blks_hit
                           + local_blks_read, wal_bytes, regexp_replace(query, '\\s+', ' ', 'g')
                    FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND query NOT LIKE '%%pg_stat_%%'
                    ORDER BY total_exec_time DESC LIMIT %d""".formatted(top))) {
                while (rows.next()) {
                    statements.add(new Entry(rows.getLong(1), rows.getDouble(2), rows.getLong(3), rows.getLong(4),
                            rows.getLong(5), rows.getString(6)));
                }
            }
            try (ResultSet wal = statement.executeQuery("SELECT wal_records, wal_bytes FROM pg_stat_wal")) {
                wal.next();
                return new Figures(statements, wal.getLong(1), wal.getLong(2));
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }
}
