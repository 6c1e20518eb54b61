package io.zhiyue.checkpoint.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadTest {

    private static final UUID ID = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    private final Payload payload = new Payload(Payload.DEFAULT_THRESHOLD_BYTES);

    @Test
    void atOrBelowTheThresholdBytesAreStoredAsTheyAre() {
        byte[] raw = repeatedJson(Payload.DEFAULT_THRESHOLD_BYTES);
        Payload.Encoded encoded = payload.encode(raw);
        assertThat(encoded.compressed()).isFalse();
        assertThat(encoded.stored()).isEqualTo(raw);
        assertThat(encoded.rawSize()).isEqualTo(raw.length);
        assertThat(payload.decode(ID, encoded)).isEqualTo(raw);
    }

    @Test
    void aboveTheThresholdBytesAreCompressedAndComeBackExactly() {
        byte[] raw = repeatedJson(Payload.DEFAULT_THRESHOLD_BYTES + 1);
        Payload.Encoded encoded = payload.encode(raw);
        assertThat(encoded.compressed()).isTrue();
        assertThat(encoded.rawSize()).isEqualTo(raw.length);
        assertThat(payload.decode(ID, encoded)).isEqualTo(raw);
    }

    @Test
    void aCompressibleTwoMebibyteStateShrinksWellBelowItsSize() {
        byte[] raw = repeatedJson(2 * 1_048_576);
        Payload.Encoded encoded = payload.encode(raw);
        assertThat(encoded.compressed()).isTrue();
        assertThat(encoded.stored().length).isLessThan(raw.length / 10);
        assertThat(payload.decode(ID, encoded)).isEqualTo(raw);
    }

    @Test
    void randomPayloadsRoundTripAroundASmallThreshold() {
        Payload small = new Payload(64);
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] raw = random.nextBoolean() ? repeatedJson(random.nextInt(4_000)) : randomBytes(random, random.nextInt(4_000));
            Payload.Encoded encoded = small.encode(raw);
            assertThat(small.decode(ID, encoded)).as("case %d", i).isEqualTo(raw);
        }
    }

    @Test
    void incompressibleBytesAboveTheThresholdStayRaw() {
        byte[] raw = randomBytes(new Random(1), 4_096);
        Payload.Encoded encoded = new Payload(1_024).encode(raw);
        assertThat(encoded.compressed()).isFalse();
        assertThat(encoded.stored()).isEqualTo(raw);
    }

    @Test
    void aTruncatedCompressedPayloadIsCorrupt() {
        Payload.Encoded encoded = payload.encode(repeatedJson(2 * 1_048_576));
        byte[] truncated = Arrays.copyOf(encoded.stored(), encoded.stored().length / 2);
        assertThatThrownBy(() -> payload.decode(ID, truncated, true, encoded.rawSize()))
                .isInstanceOfSatisfying(CheckpointCorruptException.class, e -> {
                    assertThat(e.checkpointId()).isEqualTo(ID);
                    assertThat(e.reason()).contains("truncated");
                });
    }

    @Test
    void aFlippedByteOrAWrongSizeIsCorrupt() {
        Payload.Encoded encoded = payload.encode(repeatedJson(2 * 1_048_576));
        byte[] flipped = encoded.stored().clone();
        flipped[flipped.length / 2] ^= 0x5a;
        assertThatThrownBy(() -> payload.decode(ID, flipped, true, encoded.rawSize()))
                .isInstanceOf(CheckpointCorruptException.class);
        assertThatThrownBy(() -> payload.decode(ID, encoded.stored(), true, encoded.rawSize() - 1))
                .isInstanceOf(CheckpointCorruptException.class).hasMessageContaining(ID.toString());
        assertThatThrownBy(() -> payload.decode(ID, encoded.stored(), true, encoded.rawSize() + 1))
                .isInstanceOf(CheckpointCorruptException.class);
        assertThatThrownBy(() -> payload.decode(ID, new byte[] {1, 2, 3}, false, 4))
                .isInstanceOf(CheckpointCorruptException.class);
        assertThatThrownBy(() -> payload.decode(ID, "not zlib at all".getBytes(StandardCharsets.UTF_8), true, 15))
                .isInstanceOf(CheckpointCorruptException.class);
    }

    /** JSON-like text of exactly {@code size} bytes, as repetitive as real marking states. */
    private static byte[] repeatedJson(int size) {
        StringBuilder text = new StringBuilder(size + 64);
        for (int i = 0; text.length() < size; i++) {
            text.append("{\"answerId\":\"a-").append(i).append("\",\"score\":").append(i % 5)
                    .append(",\"reason\":\"matches rubric point ").append(i % 7).append("\"},");
        }
        text.setLength(size);
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}
