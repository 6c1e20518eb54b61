package io.zhiyue.streams.datasource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatementNamesTest {

    @Test
    void namesAStatementByVerbAndFirstTableWithoutItsValues() {
        assertThat(StatementNames.of("UPDATE jobs SET state = $1 WHERE id = $2")).isEqualTo("update jobs");
        assertThat(StatementNames.of("\n  INSERT INTO grading.results (id, score) VALUES ('x', 3)"))
                .isEqualTo("insert grading.results");
        assertThat(StatementNames.of("SELECT count(*) FROM outbox o JOIN x ON true WHERE secret = 'pw'"))
                .isEqualTo("select outbox");
        assertThat(StatementNames.of("WITH picked AS (SELECT id FROM tasks LIMIT 5) UPDATE tasks SET x = 1"))
                .isEqualTo("with tasks");
        assertThat(StatementNames.of("SELECT pg_try_advisory_lock(42)")).isEqualTo("select");
    }

    @Test
    void aLeadingCommentNamesTheStatement() {
        assertThat(StatementNames.of("/* jobs.claim */ UPDATE jobs SET x = 1")).isEqualTo("jobs.claim");
    }
}
