package io.zhiyue.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.config.ConnectionUrls;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonCodecTest {

    @Test
    void canonicalJsonSortsKeysAndNormalisesNumbers() throws Exception {
        JsonNode a = JsonCodec.mapper().readTree("{\"b\": 1.50, \"a\": [2, {\"z\": 1, \"y\": \"文\"}]}");
        JsonNode b = JsonCodec.mapper().readTree("{\"a\":[2,{\"y\":\"文\",\"z\":1.0}],\"b\":1.5}");
        assertThat(JsonCodec.canonical(a)).isEqualTo("{\"a\":[2,{\"y\":\"文\",\"z\":1}],\"b\":1.5}");
        assertThat(JsonCodec.sha256Hex(JsonCodec.canonical(a))).isEqualTo(JsonCodec.sha256Hex(JsonCodec.canonical(b)));
    }

    /**
     * Every hash stored so far (rubric content hashes, reuse keys, checkpoint hashes) was taken over
     * the text the former renderer made (a {@code toString()} per key and string): the one-generator
     * renderer must give that text for any tree, control characters, surrogates and odd numbers included.
     */
    @Test
    void canonicalTextIsTheTextTheFormerRendererGave() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            JsonNode tree = randomTree(random, 0);
            String former = formerCanonical(tree);
            assertThat(JsonCodec.canonical(tree)).as("seed %d", seed).isEqualTo(former);
            assertThat(JsonCodec.canonicalSha256Hex(tree)).as("seed %d", seed).isEqualTo(JsonCodec.sha256Hex(former));
        }
        assertThat(JsonCodec.canonical(null)).isEqualTo("null");
    }

    /** Long text crosses the generator's and the writer's buffers: escapes and surrogates at their edges. */
    @Test
    void longTextHashesAsItsCanonicalTextWhereverItsSurrogatesAndEscapesFall() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        for (int edge : new int[] {1999, 2000, 2001, 4000, 8191, 8192, 8193, 16_384}) {
            for (String tail : new String[] {"\uD83D\uDE00", "\uD800", "\uDC00x", "\"\n", "文"}) {
                for (int shift = -3; shift <= 3; shift++) {
                    String text = "a".repeat(Math.max(0, edge + shift)) + tail + "\u0001".repeat(3) + "b".repeat(50);
                    ObjectNode tree = nodes.objectNode();
                    tree.put("k" + "~".repeat(2100) + tail, text);
                    tree.putArray("items").add(text).add(tail + text);
                    String former = formerCanonical(tree);
                    assertThat(JsonCodec.canonical(tree)).as("edge %d %s %d", edge, tail, shift).isEqualTo(former);
                    assertThat(JsonCodec.canonicalSha256Hex(tree)).as("edge %d %s %d", edge, tail, shift)
                            .isEqualTo(JsonCodec.sha256Hex(former));
                }
            }
        }
    }

    private static JsonNode randomTree(Random random, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        int kind = depth >= 4 ? 2 + random.nextInt(12) : random.nextInt(14);
        return switch (kind) {
            case 0 -> {
                ObjectNode object = nodes.objectNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    object.set(randomText(random), randomTree(random, depth + 1));
                }
                yield object;
            }
            case 1 -> {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    array.add(randomTree(random, depth + 1));
                }
                yield array;
            }
            case 2, 3, 4 -> nodes.textNode(randomText(random));
            case 5 -> nodes.numberNode(random.nextInt(2001) - 1000);
            case 6 -> nodes.numberNode(random.nextLong());
            case 7 -> nodes.numberNode(new BigInteger(80, random).negate());
            case 8 -> nodes.numberNode(random.nextBoolean() ? -0.0 : random.nextDouble() * 1e6 - 5e5);
            case 9 -> nodes.numberNode(new BigDecimal(BigInteger.valueOf(random.nextInt(100_000) - 50_000),
                    random.nextInt(9) - 4));
            case 10 -> nodes.booleanNode(random.nextBoolean());
            case 11 -> nodes.nullNode();
            case 12 -> nodes.binaryNode(new byte[] {(byte) random.nextInt(), (byte) random.nextInt()});
            default -> nodes.numberNode(random.nextFloat());
        };
    }

    private static String randomText(Random random) {
        String alphabet = "aZ09 \"\\/\n\t\r\b\f\u0000\u0001\u001f\u007f\u2028文字光合作用é~\uD83D\uDE00\uD800";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** The renderer every stored hash was taken with until the one-generator one replaced it. */
    private static String formerCanonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        formerAppend(node, out);
        return out.toString();
    }

    private static void formerAppend(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue()));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(JsonNodeFactory.instance.textNode(field.getKey()).toString()).append(':');
                formerAppend(field.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                formerAppend(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            BigDecimal number = node.decimalValue().stripTrailingZeros();
            out.append(number.signum() == 0 ? "0" : number.toPlainString());
        } else {
            out.append(node.toString());
        }
    }

    @Test
    void envelopeRoundTripsThroughStreamFields() {
        GradingTaskBatch batch = new GradingTaskBatch(UUID.randomUUID(), 7, 100);
        Envelope envelope = Envelope.of(EventType.GRADING_TASK, "demo-school", batch.idempotencyKey(), batch,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        Map<String, String> fields = envelope.toFields();
        Envelope back = Envelope.fromFields(fields);
        assertThat(back).isEqualTo(envelope);
        assertThat(back.payloadAs(GradingTaskBatch.class)).isEqualTo(batch);
    }

    @Test
    void malformedEnvelopeIsRejected() {
        assertThatThrownBy(() -> Envelope.fromFields(Map.of("id", "nope")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectionUrlsBecomeQuarkusProperties() {
        Map<String, String> props = ConnectionUrls.quarkusProperties(
                "postgresql://zy:p%40ss@db.local:6543/zhiyue", "redis://cache:6380");
        assertThat(props).containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://db.local:6543/zhiyue")
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://db.local:6543/zhiyue")
                .containsEntry("quarkus.datasource.username", "zy")
                .containsEntry("quarkus.datasource.password", "p@ss")
                .containsEntry("quarkus.redis.hosts", "redis://cache:6380");
        assertThatThrownBy(() -> ConnectionUrls.quarkusProperties("mysql://x/y", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutAJdbcDriverOnlyTheReactiveAndRedisPropertiesAreSet() {
        // shared-model's test class path has no PostgreSQL JDBC driver, like the gateway's
        Map<String, String> props = ConnectionUrls.forThisApplication(
                "postgresql://zy:pw@db.local:6543/zhiyue", "redis://cache:6380");
        assertThat(props).containsEntry("quarkus.datasource.reactive.url", "postgresql://db.local:6543/zhiyue")
                .containsEntry("quarkus.redis.hosts", "redis://cache:6380")
                .doesNotContainKey("quarkus.datasource.jdbc.url");
    }
}
