package io.zhiyue.e2e.driver;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Checkpoint ids as checkpoint-service advises them: UUIDv7 (RFC 9562), whose first 48 bits are
 * Unix milliseconds, so ids sort by the time they were made, like the ids it makes for forks.
 */
public final class CheckpointIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CheckpointIds() {
    }

    /** A UUIDv7 of {@code epochMillis}. */
    public static UUID at(long epochMillis) {
        long high = (epochMillis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
