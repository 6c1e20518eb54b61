package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Stored embeddings, keyed by model and the sha-256 of the normalised answer. */
@ApplicationScoped
public class EmbeddingRepository {

    private final Pool pool;

    public EmbeddingRepository(Pool pool) {
        this.pool = pool;
    }

    /** The stored vectors among {@code hashes}, by hash (hex). */
    public Uni<Map<String, float[]>> find(String model, Collection<byte[]> hashes) {
        Buffer[] keys = hashes.stream().map(Buffer::buffer).toArray(Buffer[]::new);
        return pool.preparedQuery(SqlQueries.FIND_EMBEDDINGS).execute(Tuple.of(model, keys)).map(rows -> {
            Map<String, float[]> found = new HashMap<>();
            for (Row row : rows) {
                found.put(hex(row.getBuffer("text_hash").getBytes()), vector(row.getBuffer("vector").getBytes()));
            }
            return found;
        });
    }

    /** Stores vectors (a concurrent writer of the same answer wins; both wrote the same vector). */
    public Uni<Void> insert(String model, List<byte[]> hashes, List<float[]> vectors) {
        Buffer[] keys = hashes.stream().map(Buffer::buffer).toArray(Buffer[]::new);
        Buffer[] values = vectors.stream().map(vector -> Buffer.buffer(bytes(vector))).toArray(Buffer[]::new);
        return pool.preparedQuery(SqlQueries.INSERT_EMBEDDINGS).execute(Tuple.of(model, keys, values)).replaceWithVoid();
    }

    /** The distinct answers to the tenant's question, as written. */
    public Uni<List<String>> answers(String tenant, UUID questionId) {
        return pool.preparedQuery(SqlQueries.DISTINCT_ANSWERS).execute(Tuple.of(tenant, questionId))
                .map(rows -> Rows.all(rows, row -> row.getString("answer")));
    }

    /** An answer as the exemplar suggestions list it. */
    public record Answer(UUID submissionId, String studentId, String answer) {
    }

    /** The tenant's question's answers that have no teacher mark under its current version. */
    public Uni<List<Answer>> unmarkedAnswers(String tenant, UUID questionId) {
        return pool.preparedQuery(SqlQueries.UNMARKED_ANSWERS).execute(Tuple.of(tenant, questionId))
                .map(rows -> Rows.all(rows, row -> new Answer(row.getUUID("id"), row.getString("student_id"),
                        row.getString("answer"))));
    }

    static byte[] bytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    static float[] vector(byte[] bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
