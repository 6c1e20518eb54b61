package io.zhiyue.checkpoint.service;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered ids (RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then random bits), so ordering
 * checkpoints by id orders them by time and keyset pages need no second column. The JDK has no
 * UUIDv7 yet; this is the whole of it.
 */
public final class Uuid7 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Uuid7() {
    }

    public static UUID next() {
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
