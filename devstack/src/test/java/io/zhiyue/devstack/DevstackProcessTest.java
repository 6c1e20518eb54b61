package io.zhiyue.devstack;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class DevstackProcessTest {

    @Test
    void startsRealPostgresAndRedisAndStopsThem() throws Exception {
        Endpoints endpoints;
        try (DevstackProcess devstack = DevstackProcess.start(true, true, Path.of("target", "devstack-test.log"))) {
            endpoints = devstack.endpoints();
            URI pg = URI.create(endpoints.pgUrl());
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + pg.getPath(), "postgres", "postgres");
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT current_database(), current_setting('server_version_num')::int")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("zhiyue");
                assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(150000);
            }
            URI redis = URI.create(endpoints.redisUrl());
            assertThat(RespProbe.ping(redis.getHost(), redis.getPort())).isEqualTo("+PONG");
        }
        URI redis = URI.create(endpoints.redisUrl());
        assertThat(RespProbe.reachable(redis.getHost(), redis.getPort())).isFalse();
    }
}
