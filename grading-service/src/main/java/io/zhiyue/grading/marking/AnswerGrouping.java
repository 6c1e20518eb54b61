package io.zhiyue.grading.marking;

import io.zhiyue.grading.grader.TextNormalizer;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Groups a question's answers that are identical after {@link TextNormalizer#normalize}, and
 * answers that are near-identical ({@link NearIdentical}: the same words, numbers and signs, only
 * white space and punctuation apart, and close by their stored embeddings), so a teacher marks a
 * common answer once (DESIGN.md "Marking", answer groups). A group has at least two members (a
 * singleton is not a group).
 *
 * <p>It is fed one answer at a time and keeps no answer text: each distinct normalised text is
 * keyed by its SHA-256 and remembers its members' ids, its language and the SHA-256 of its
 * {@link NearIdentical#skeleton}, so a question with 100,000 answers costs ids and hashes, not texts.
 *
 * <p>Near-identical grouping needs vectors, so it takes three steps: {@link #comparisons} pairs
 * every distinct text with the most common text of the same skeleton (most answers, then first
 * submission id), its head; the caller looks the pairs' stored vectors up and hands each pair to
 * {@link #compare}, which joins the text to its head's group when the vectors are close enough;
 * {@link #groups} then answers. A text compared without both vectors stays apart, so answers
 * without stored vectors group by identical text only. Every text of a group is compared with the
 * head itself, never through a chain of others. Finding the pairs costs two passes over the
 * distinct texts (a hash map from skeleton to head), and comparing them one cosine per pair.
 *
 * <p>A group's id is a name-based UUID over the question, the question version, the head's
 * normalised text and the exact member set: grouping the same answers (with the same stored
 * vectors) again gives the same id, and one member more gives another, so a stored group is a
 * snapshot that a mark applies to exactly. Not thread-safe.
 */
public final class AnswerGrouping {

    /** PostgreSQL's uuid order (bytewise, unsigned), so "first by id" means the same here as in SQL. */
    public static final Comparator<UUID> UUID_ORDER = Comparator
            .comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    /** Heads first: the text with most answers, then the one with the first submission id. */
    private static final Comparator<Candidate> MOST_ANSWERS_FIRST = Comparator
            .comparingInt(Candidate::size).reversed()
            .thenComparing(Candidate::smallest, UUID_ORDER);

    /**
     * A group of identical or near-identical answers: {@code representativeId} is the first member
     * by id of its most common text, whose answer the caller fetches; {@code proposedScore} is the
     * most common non-null proposal among its members (the lowest of equally common ones; null when
     * none); {@code marked} how many already carry a teacher mark; {@code variants} how many distinct
     * normalised texts it holds (1: all identical).
     */
    public record Group(UUID id, UUID representativeId, List<UUID> members, BigDecimal proposedScore, int marked,
            int variants) {

        public int size() {
            return members.size();
        }
    }

    /**
     * A distinct text and its head, by the SHA-256 of their normalised texts (the key of their
     * stored vectors), and the language whose threshold applies.
     */
    public record Comparison(byte[] headSha256, byte[] textSha256, NearIdentical.Language language) {
    }

    private final UUID questionId;
    private final UUID rubricId;
    private final Map<TextKey, Candidate> byText = new HashMap<>();
    private final Map<Candidate, List<Candidate>> variantsByHead = new HashMap<>();
    private final Set<Candidate> joined = new HashSet<>();

    public AnswerGrouping(UUID questionId, UUID rubricId) {
        this.questionId = questionId;
        this.rubricId = rubricId;
    }

    /**
     * One answer: {@code proposedScore} is the grader's proposal for it (null: none), {@code marked}
     * whether a teacher mark under the question's current version exists.
     */
    public void add(UUID submissionId, String answer, BigDecimal proposedScore, boolean marked) {
        String normalized = TextNormalizer.normalize(answer);
        TextKey text = TextKey.of(TextNormalizer.key(normalized));
        Candidate candidate = byText.get(text);
        if (candidate == null) {
            String skeleton = NearIdentical.skeleton(normalized);
            // most short answers are their own skeleton: no second hash, no second key
            TextKey skeletonKey = skeleton.equals(normalized) ? text : TextKey.of(TextNormalizer.key(skeleton));
            candidate = new Candidate(text, skeletonKey, NearIdentical.language(normalized), submissionId);
            byText.put(text, candidate);
        }
        candidate.add(submissionId, proposedScore, marked);
    }

    /**
     * Every distinct text that has a head: a more common text (or, as common, one with a first
     * submission id before its own) of the same skeleton; in no particular order.
     */
    public List<Comparison> comparisons() {
        Map<TextKey, Candidate> heads = new HashMap<>();
        for (Candidate candidate : byText.values()) {
            heads.merge(candidate.skeleton, candidate,
                    (head, other) -> MOST_ANSWERS_FIRST.compare(head, other) <= 0 ? head : other);
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (Candidate candidate : byText.values()) {
            Candidate head = heads.get(candidate.skeleton);
            if (head != candidate) {
                comparisons.add(new Comparison(head.text.bytes(), candidate.text.bytes(), head.language));
            }
        }
        return comparisons;
    }

    /**
     * Joins the compared text to its head's group when both vectors are there (null: not stored)
     * and {@link NearIdentical#similar}.
     */
    public void compare(Comparison comparison, float[] headVector, float[] textVector) {
        if (headVector == null || textVector == null
                || !NearIdentical.similar(comparison.language(), headVector, textVector)) {
            return;
        }
        Candidate head = byText.get(TextKey.of(comparison.headSha256()));
        Candidate text = byText.get(TextKey.of(comparison.textSha256()));
        if (head != null && text != null && joined.add(text)) {
            variantsByHead.computeIfAbsent(head, key -> new ArrayList<>()).add(text);
        }
    }

    /** Every group of two or more identical or near-identical answers, in no particular order. */
    public List<Group> groups() {
        List<Group> groups = new ArrayList<>();
        for (Candidate candidate : byText.values()) {
            List<Candidate> variants = variantsByHead.get(candidate);
            if (variants != null) {
                List<Candidate> all = new ArrayList<>(variants.size() + 1);
                all.add(candidate);
                all.addAll(variants);
                groups.add(toGroup(all));
            } else if (candidate.isGroup() && !joined.contains(candidate)) {
                groups.add(toGroup(List.of(candidate)));
            }
        }
        return groups;
    }

    private Group toGroup(List<Candidate> candidates) {
        Candidate head = candidates.get(0);
        List<UUID> members = new ArrayList<>();
        List<BigDecimal> proposals = new ArrayList<>();
        int marked = 0;
        for (Candidate candidate : candidates) {
            members.addAll(candidate.members());
            if (candidate.proposals != null) {
                proposals.addAll(candidate.proposals);
            }
            marked += candidate.marked;
        }
        members.sort(UUID_ORDER);
        return new Group(groupId(questionId, rubricId, head.text, members), head.smallest, List.copyOf(members),
                mostCommon(proposals), marked, candidates.size());
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

        byte[] bytes() {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            putInto(buffer);
            return buffer.array();
        }
    }

    /** The answers seen so far with one normalised text; most stay alone, so the lists start late. */
    private static final class Candidate {

        private final TextKey text;
        private final TextKey skeleton;
        private final NearIdentical.Language language;
        private final UUID first;
        private UUID smallest;
        private List<UUID> others;
        private List<BigDecimal> proposals;
        private int marked;

        Candidate(TextKey text, TextKey skeleton, NearIdentical.Language language, UUID first) {
            this.text = text;
            this.skeleton = skeleton;
            this.language = language;
            this.first = first;
            this.smallest = first;
        }

        void add(UUID submissionId, BigDecimal proposedScore, boolean isMarked) {
            if (!submissionId.equals(first)) {
                if (others == null) {
                    others = new ArrayList<>(2);
                }
                others.add(submissionId);
                if (UUID_ORDER.compare(submissionId, smallest) < 0) {
                    smallest = submissionId;
                }
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

        int size() {
            return others == null ? 1 : others.size() + 1;
        }

        UUID smallest() {
            return smallest;
        }

        List<UUID> members() {
            if (others == null) {
                return List.of(first);
            }
            List<UUID> members = new ArrayList<>(others.size() + 1);
            members.add(first);
            members.addAll(others);
            return members;
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
}
