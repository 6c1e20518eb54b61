package io.zhiyue.grading.marking;

import io.zhiyue.grading.grader.TextNormalizer;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Groups a question's answers that are identical after {@link TextNormalizer#normalize}, so a
 * teacher marks a common answer once (DESIGN.md "Marking", answer groups). It is fed one answer at
 * a time and keeps no answer text: a group is keyed by the SHA-256 of its normalised text and
 * remembers its members' ids, so a question with 100,000 answers costs ids, not texts. A group has
 * at least two members (a singleton is not a group).
 *
 * <p>A group's id is a name-based UUID over the question, the question version, the normalised
 * text and the exact member set: grouping the same answers again gives the same id, and one member
 * more gives another, so a stored group is a snapshot that a mark applies to exactly. Not thread-safe.
 */
public final class AnswerGrouping {

    /** PostgreSQL's uuid order (bytewise, unsigned), so "first by id" means the same here as in SQL. */
    public static final Comparator<UUID> UUID_ORDER = Comparator
            .comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    /**
     * A group of identical answers: {@code representativeId} is its first member by id, whose text
     * the caller fetches; {@code proposedScore} is the most common non-null proposal among its members
     * (the lowest of equally common ones; null when none); {@code marked} how many already carry a
     * teacher mark.
     */
    public record Group(UUID id, UUID representativeId, List<UUID> members, BigDecimal proposedScore, int marked) {

        public int size() {
            return members.size();
        }
    }

    private final UUID questionId;
    private final UUID rubricId;
    private final Map<TextKey, Candidate> byText = new HashMap<>();

    public AnswerGrouping(UUID questionId, UUID rubricId) {
        this.questionId = questionId;
        this.rubricId = rubricId;
    }

    /**
     * One answer: {@code proposedScore} is the grader's proposal for it (null: none), {@code marked}
     * whether a teacher mark under the question's current version exists.
     */
    public void add(UUID submissionId, String answer, BigDecimal proposedScore, boolean marked) {
        TextKey text = TextKey.of(sha256(TextNormalizer.normalize(answer)));
        byText.computeIfAbsent(text, key -> new Candidate(submissionId)).add(submissionId, proposedScore, marked);
    }

    /** Every group of two or more identical answers, in no particular order. */
    public List<Group> groups() {
        List<Group> groups = new ArrayList<>();
        byText.forEach((text, candidate) -> {
            if (candidate.isGroup()) {
                groups.add(candidate.toGroup(questionId, rubricId, text));
            }
        });
        return groups;
    }

    /** The 256 bits of a normalised text's SHA-256, as a compact map key. */
    private record TextKey(long a, long b, long c, long d) {

        static TextKey of(byte[] digest) {
            ByteBuffer bytes = ByteBuffer.wrap(digest);
            return new TextKey(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong());
        }

        void putInto(ByteBuffer buffer) {
            buffer.putLong(a).putLong(b).putLong(c).putLong(d);
        }
    }

    /** The answers seen so far with one normalised text; most stay alone, so the lists start late. */
    private static final class Candidate {

        private final UUID first;
        private List<UUID> others;
        private List<BigDecimal> proposals;
        private int marked;

        Candidate(UUID first) {
            this.first = first;
        }

        void add(UUID submissionId, BigDecimal proposedScore, boolean isMarked) {
            if (!submissionId.equals(first)) {
                if (others == null) {
                    others = new ArrayList<>(2);
                }
                others.add(submissionId);
            }
            if (proposedScore != null) {
                if (proposals == null) {
                    proposals = new ArrayList<>(2);
                }
                proposals.add(proposedScore);
            }
            if (isMarked) {
                marked++;
            }
        }

        boolean isGroup() {
            return others != null;
        }

        Group toGroup(UUID questionId, UUID rubricId, TextKey text) {
            List<UUID> sorted = new ArrayList<>(others.size() + 1);
            sorted.add(first);
            sorted.addAll(others);
            sorted.sort(UUID_ORDER);
            return new Group(groupId(questionId, rubricId, text, sorted), sorted.get(0), List.copyOf(sorted),
                    mostCommon(proposals == null ? List.of() : proposals), marked);
        }
    }

    /** The most common score (7.5 and 7.50 are one score); the lowest of equally common ones; null for none. */
    static BigDecimal mostCommon(List<BigDecimal> scores) {
        Map<BigDecimal, Integer> counts = new TreeMap<>();
        for (BigDecimal score : scores) {
            counts.merge(score, 1, Integer::sum);
        }
        BigDecimal best = null;
        int bestCount = 0;
        for (Map.Entry<BigDecimal, Integer> entry : counts.entrySet()) {
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
            }
        }
        return best;
    }

    private static UUID groupId(UUID questionId, UUID rubricId, TextKey text, List<UUID> sortedMembers) {
        ByteBuffer name = ByteBuffer.allocate(16 * 2 + 32 + 16 * sortedMembers.size());
        put(name, questionId);
        put(name, rubricId);
        text.putInto(name);
        for (UUID member : sortedMembers) {
            put(name, member);
        }
        return UUID.nameUUIDFromBytes(name.array());
    }

    private static void put(ByteBuffer buffer, UUID id) {
        buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
