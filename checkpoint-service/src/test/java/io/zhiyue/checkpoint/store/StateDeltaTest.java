package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class StateDeltaTest {

    private static final int SEEDS = 500;
    private static final int STEPS_PER_SEED = 4;

    @Test
    void randomNestedStatesRoundTripExactly() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomJson json = new RandomJson(seed);
            JsonNode parent = json.tree();
            for (int step = 0; step < STEPS_PER_SEED; step++) {
                JsonNode state = json.mutate(parent);
                assertRoundTrip(seed, parent, state);
                parent = state;
            }
        }
    }

    @Test
    void randomStatesRoundTripThroughStoredText() {
        // what the store does: both states and the patch go through bytes and come back through the mapper
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomJson json = new RandomJson(seed);
            JsonNode parent = reparse(json.tree());
            JsonNode state = reparse(json.mutate(parent));
            JsonNode patch = reparse(StateDelta.diff(parent, state));
            JsonNode rebuilt = StateDelta.apply(parent, patch);
            // compared as stored text: Jackson writes a scale-0 decimal (1E+23) as an integer, which reads
            // back as another node type with the same value and the same text
            assertThat(reparse(rebuilt)).as("seed %d", seed).isEqualTo(reparse(state));
            assertThat(StateHash.of(rebuilt)).as("seed %d", seed).isEqualTo(StateHash.of(state));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            array insert in the middle    | {"a":[1,2,3,4]}                       | {"a":[1,2,99,3,4]}
            array removal                 | {"a":[1,2,3,4]}                       | {"a":[1,3,4]}
            array reorder                 | {"a":[1,2,3,4]}                       | {"a":[4,3,2,1]}
            move an element to the front  | {"a":["x","y","z",{"k":1}]}          | {"a":[{"k":1},"x","y","z"]}
            repeated elements             | {"a":[1,1,2,1,2,2]}                   | {"a":[2,1,1,2,1]}
            same value in two places      | {"a":{"v":[1,2]},"b":null}            | {"a":{"v":[1,2]},"b":{"v":[1,2]}}
            value moved between keys      | {"a":{"deep":[1,2,3]},"b":1}          | {"b":{"deep":[1,2,3]}}
            object becomes array          | {"a":{"x":1}}                         | {"a":[1]}
            number becomes string         | {"a":1}                               | {"a":"1"}
            null to value                 | {"a":null,"b":[null]}                 | {"a":{"x":null},"b":[0]}
            value to null                 | {"a":[1,{"b":2}]}                     | {"a":null}
            key removed vs null           | {"a":1,"b":2}                         | {"b":null}
            big decimal                   | {"a":1}                               | {"a":12345678901234567890.123}
            big decimal change in last digit | {"a":12345678901234567890.123}     | {"a":12345678901234567890.124}
            huge integer                  | {"a":[1]}                             | {"a":[123456789012345678901234567890]}
            unicode and escaped keys      | {"a/b":1,"m~n":2,"":3}                | {"a/b":"学生 😀","m~n":[],"":{}}
            empty containers              | {"a":[],"b":{}}                       | {"a":{},"b":[]}
            root object to array          | {"a":1}                               | [1,2]
            root array to scalar          | [1,2]                                 | "text"
            root scalar to object         | 7                                     | {"a":7}
            nested array edits            | [[1,[2,3]],[4]]                       | [[1,[3,2,5]],[],[4]]
            key with a literal ~1 added   | {"x":{}}                              | {"x":{"~1":1,"a~0b":2}}
            key with a literal ~01 changed | {"x":{"~01":1,"/":2}}                | {"x":{"~01":3,"/":2}}
            key with a literal ~1 removed | [{"~1":{"~0":[1]}}]                   | [{"~0":[1]}]
            """)
    void targetedCasesRoundTrip(String name, String parentJson, String stateJson) {
        JsonNode parent = read(parentJson);
        JsonNode state = read(stateJson);
        assertRoundTrip(0, parent, state);
        assertRoundTrip(0, reparse(parent), reparse(state));
    }

    @Test
    void equalStatesGiveAnEmptyPatch() {
        JsonNode state = read("{\"a\":[1,{\"b\":null}],\"c\":\"文\"}");
        assertThat(StateDelta.diff(state, state.deepCopy())).isEmpty();
    }

    @Test
    void aSmallChangeInALargeStateGivesASmallPatch() {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        for (int i = 0; i < 2_000; i++) {
            state.putObject("answer-" + i).put("text", "学生的答案 " + i).put("score", i % 5);
        }
        ObjectNode next = state.deepCopy();
        next.putObject("answer-2000").put("text", "新的答案").put("score", 3);
        JsonNode patch = StateDelta.diff(state, next);
        assertThat(patch).hasSize(1);
        assertThat(JsonCodec.write(patch).length()).isLessThan(JsonCodec.write(next).length() / 100);
    }

    @Test
    void neitherArgumentIsModifiedAndTheResultSharesNothingWithThePatch() {
        JsonNode parent = read("{\"a\":[1,2],\"b\":{\"c\":1}}");
        JsonNode state = read("{\"a\":[2],\"b\":{\"c\":2,\"d\":{\"e\":[]}}}");
        JsonNode parentBefore = parent.deepCopy();
        JsonNode patch = StateDelta.diff(parent, state);
        ((ObjectNode) state.get("b")).put("c", 99);
        assertThat(patch.toString()).doesNotContain("99");

        JsonNode patchBefore = patch.deepCopy();
        JsonNode rebuilt = StateDelta.apply(parent, patch);
        ((ObjectNode) rebuilt.get("b").get("d")).put("mutated", true);
        assertThat(parent).isEqualTo(parentBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }

    @Test
    void aPatchThatDoesNotFitIsRejected() {
        JsonNode patch = read("[{\"op\":\"remove\",\"path\":\"/missing/0\"}]");
        assertThatThrownBy(() -> StateDelta.apply(read("{\"a\":1}"), patch))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StateDelta.apply(read("{\"a\":1}"), read("[{\"op\":\"frobnicate\",\"path\":\"/a\"}]")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRoundTrip(long seed, JsonNode parent, JsonNode state) {
        JsonNode patch = StateDelta.diff(parent, state);
        JsonNode rebuilt;
        try {
            rebuilt = StateDelta.apply(parent, patch);
        } catch (IllegalArgumentException e) {
            fail("seed %d: patch %s does not apply to %s: %s", seed, patch, parent, e.getMessage());
            return;
        }
        assertThat(rebuilt).as("seed %d, patch %s from %s", seed, patch, parent).isEqualTo(state);
        // JsonNode equality ignores key order, and so does JSON; a patch cannot move a kept key, so only canonical text matches
        assertThat(JsonCodec.canonical(rebuilt)).as("seed %d", seed).isEqualTo(JsonCodec.canonical(state));
    }

    private static JsonNode read(String json) {
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode reparse(JsonNode node) {
        return read(JsonCodec.write(node));
    }
}
