package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class StateHashTest {

    @Test
    void keyOrderDoesNotChangeTheHash() {
        JsonNode a = read("{\"b\":{\"y\":[1,{\"q\":1,\"p\":2}],\"x\":\"学生\"},\"a\":null}");
        JsonNode b = read("{\"a\":null,\"b\":{\"x\":\"学生\",\"y\":[1,{\"p\":2,\"q\":1}]}}");
        assertThat(StateHash.of(a)).isEqualTo(StateHash.of(b)).matches("[0-9a-f]{64}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            string                 | {"a":"x"}           | {"a":"y"}
            number                 | {"a":1.5}           | {"a":1.6}
            big decimal last digit | {"a":12345678901234567890.123} | {"a":12345678901234567890.124}
            array order            | {"a":[1,2]}         | {"a":[2,1]}
            null vs missing        | {"a":null}          | {}
            null vs "null"         | {"a":null}          | {"a":"null"}
            number vs string       | {"a":1}             | {"a":"1"}
            boolean vs string      | {"a":true}          | {"a":"true"}
            empty array vs object  | {"a":[]}            | {"a":{}}
            key renamed            | {"a":1}             | {"b":1}
            nested value           | [{"a":[{"b":0}]}]   | [{"a":[{"b":-0.5}]}]
            unicode                | {"a":"答案"}        | {"a":"答 案"}
            """)
    void anyValueChangeChangesTheHash(String name, String before, String after) {
        assertThat(StateHash.of(read(before))).isNotEqualTo(StateHash.of(read(after)));
    }

    @Test
    void randomEditsThatChangeTheStateChangeTheHash() {
        for (long seed = 1; seed <= 300; seed++) {
            RandomJson json = new RandomJson(seed);
            JsonNode state = json.tree();
            JsonNode edited = json.mutate(state);
            boolean sameState = JsonCodec.canonical(state).equals(JsonCodec.canonical(edited));
            assertThat(StateHash.of(edited).equals(StateHash.of(state))).as("seed %d", seed).isEqualTo(sameState);
        }
    }

    @Test
    void numericallyEqualNumbersHashAlike() {
        // a state read back through another path may carry 1.50 as 1.5, or 2 as 2.0: still the same state
        JsonNodeFactory exact = JsonNodeFactory.withExactBigDecimals(true);
        JsonNode a = exact.objectNode().put("x", new BigDecimal("1.50")).put("y", 2);
        JsonNode b = exact.objectNode().put("x", new BigDecimal("1.5")).put("y", new BigDecimal("2.0"));
        assertThat(StateHash.of(a)).isEqualTo(StateHash.of(b));
    }

    private static JsonNode read(String json) {
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
