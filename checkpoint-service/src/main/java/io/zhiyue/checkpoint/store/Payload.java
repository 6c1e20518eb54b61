package io.zhiyue.checkpoint.store;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How a checkpoint's bytes (a full state or a patch) are stored: as they are when small, zlib
 * deflated above a threshold, because large JSON states shrink several times over and small ones
 * would only pay the CPU. Reading is transparent and checked: zlib's own checksum plus the recorded
 * raw size catch a damaged payload before anyone parses it.
 */
public final class Payload {

    /** The default: payloads over 1 MiB are stored compressed. */
    public static final int DEFAULT_THRESHOLD_BYTES = 1_048_576;

    private static final int CHUNK = 64 * 1024;

    private final int thresholdBytes;

    /** @param thresholdBytes payloads strictly larger than this are compressed */
    public Payload(int thresholdBytes) {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("thresholdBytes must be >= 0, was " + thresholdBytes);
        }
        this.thresholdBytes = thresholdBytes;
    }

    /**
     * What goes into the row: {@code stored} is the column's bytes, {@code compressed} its
     * {@code is_compressed} flag, {@code rawSize} the length {@link #decode} must get back.
     */
    public record Encoded(byte[] stored, boolean compressed, int rawSize) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Encoded that && compressed == that.compressed && rawSize == that.rawSize
                    && Arrays.equals(stored, that.stored);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(stored) + Boolean.hashCode(compressed)) + rawSize;
        }

        @Override
        public String toString() {
            return "Encoded[" + stored.length + " bytes stored, compressed=" + compressed + ", rawSize=" + rawSize + "]";
        }
    }

    public Encoded encode(byte[] raw) {
        if (raw.length <= thresholdBytes) {
            return new Encoded(raw, false, raw.length);
        }
        byte[] deflated = deflate(raw);
        // data that does not shrink (already compressed, random) is kept as it is: never pay to store more
        return deflated.length < raw.length
                ? new Encoded(deflated, true, raw.length)
                : new Encoded(raw, false, raw.length);
    }

    /** The raw bytes back; the id only names the row when they cannot be recovered. */
    public byte[] decode(UUID checkpointId, Encoded encoded) {
        return decode(checkpointId, encoded.stored(), encoded.compressed(), encoded.rawSize());
    }

    public byte[] decode(UUID checkpointId, byte[] stored, boolean compressed, int rawSize) {
        if (rawSize < 0) {
            throw new CheckpointCorruptException(checkpointId, "negative raw size " + rawSize);
        }
        if (!compressed) {
            if (stored.length != rawSize) {
                throw new CheckpointCorruptException(checkpointId,
                        "payload has " + stored.length + " bytes, " + rawSize + " were recorded");
            }
            return stored;
        }
        return inflate(checkpointId, stored, rawSize);
    }

    // level 1: saves sit on the marking path, and JSON still deflates several times over at the fastest level
    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 4));
            byte[] chunk = new byte[CHUNK];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    // grows as it inflates rather than trusting rawSize up front: a damaged size must not allocate gigabytes
    private static byte[] inflate(UUID checkpointId, byte[] stored, int rawSize) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(rawSize, CHUNK));
            byte[] chunk = new byte[CHUNK];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new CheckpointCorruptException(checkpointId, "compressed payload is truncated");
                }
                out.write(chunk, 0, n);
                if (out.size() > rawSize) {
                    throw new CheckpointCorruptException(checkpointId,
                            "payload inflates past the recorded " + rawSize + " bytes");
                }
            }
            if (out.size() != rawSize) {
                throw new CheckpointCorruptException(checkpointId,
                        "payload inflates to " + out.size() + " bytes, " + rawSize + " were recorded");
            }
            if (inflater.getRemaining() > 0) {
                throw new CheckpointCorruptException(checkpointId,
                        inflater.getRemaining() + " bytes follow the end of the compressed payload");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new CheckpointCorruptException(checkpointId, "payload does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
