package io.zhiyue.streams.lifecycle;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole-token rule as PostgreSQL applies it ({@code regexp_replace} with {@link Pseudonyms#wholeToken}): the id
 * goes wherever it stands on its own — in a path, a channel name, a list, a sentence, percent-encoded in a URL —
 * and nowhere it is only part of another token.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class PseudonymsTest {

    @Inject
    Pool pool;

    @Test
    void anAsciiIdGoesWhereItStandsAloneAndNowhereElse() {
        String pattern = Pseudonyms.wholeToken(Pseudonyms.forms("S1"));
        assertThat(replace("/api/v1/students/S1/results", pattern)).isEqualTo("/api/v1/students/X/results");
        assertThat(replace("exam:e1,user:S1", pattern)).isEqualTo("exam:e1,user:X");
        assertThat(replace("S1", pattern)).isEqualTo("X");
        assertThat(replace("score of S1 changed (S1=4)", pattern)).isEqualTo("score of X changed (X=4)");
        assertThat(replace("学生S1的答案", pattern)).isEqualTo("学生X的答案");
        for (String other : new String[] {"S12", "XS1", "S1-2", "S1.x", "S1_3", "2-S1", "s1"}) {
            assertThat(replace("user:" + other, pattern)).as(other).isEqualTo("user:" + other);
        }
    }

    @Test
    void anIdInAnotherScriptOrWithOperatorsIsMatchedLiterallyAndPercentEncoded() {
        String name = Pseudonyms.wholeToken(Pseudonyms.forms("张三"));
        assertThat(replace("user:张三", name)).isEqualTo("user:X");
        assertThat(replace("/api/v1/students/%E5%BC%A0%E4%B8%89/results", name))
                .isEqualTo("/api/v1/students/X/results");
        assertThat(replace("user:张三丰", name)).isEqualTo("user:张三丰");
        String operators = Pseudonyms.wholeToken("a+b(1)*");
        assertThat(replace("user:a+b(1)*", operators)).isEqualTo("user:X");
        assertThat(replace("user:aab(1)", operators)).isEqualTo("user:aab(1)");
        assertThat(Pseudonyms.containing("50%_off\\")).isEqualTo("%50\\%\\_off\\\\%");
    }

    private String replace(String text, String pattern) {
        return pool.preparedQuery("SELECT regexp_replace($1, $2, $3, 'g') AS r")
                .execute(Tuple.of(text, pattern, Pseudonyms.replacement("X"))).await().indefinitely().iterator().next()
                .getString("r");
    }
}
