package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.zhiyue.grading.embedding.AnswerEmbedder;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.marking.AnswerGrouping;
import io.zhiyue.grading.marking.AnswerGrouping.Comparison;
import io.zhiyue.grading.marking.ReviewState;
import io.zhiyue.grading.marking.ScoreScale;
import io.zhiyue.grading.model.AnswerGroup;
import io.zhiyue.grading.model.AnswerGroup.MarkReport;
import io.zhiyue.grading.model.AnswerGroup.MarkRequest;
import io.zhiyue.grading.model.ReviewItem;
import io.zhiyue.grading.repository.AnswerGroupRepository;
import io.zhiyue.grading.repository.AnswerGroupRepository.NewGroup;
import io.zhiyue.grading.repository.AnswerGroupRepository.OpenItem;
import io.zhiyue.grading.repository.AnswerGroupRepository.QuestionVersion;
import io.zhiyue.grading.repository.AnswerGroupRepository.StoredGroup;
import io.zhiyue.grading.repository.EmbeddingRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.MarkerRepository;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Answer groups (DESIGN.md "Marking"): a question's answers that are identical after
 * normalisation or near-identical ({@link AnswerGrouping}), so a teacher marks a common answer
 * once. Listing groups the answers as they are now and stores each group as a snapshot (its id
 * names its exact members), so a mark on a group reaches exactly the answers the teacher saw, even
 * when more identical answers arrive later.
 *
 * <p>Listing never embeds: near-identical grouping uses only the vectors already stored (by
 * grading jobs and {@code POST /questions/{id}/embeddings}), since the embedding model takes about
 * 300 short answers a second and a question of 100,000 answers would keep the list waiting for
 * minutes. An answer whose text has no stored vector groups with identical answers only.
 *
 * <p>A group mark first resolves the members' open single-mark review items through
 * {@link ReviewService}, one after another, each in its own transaction (so the exam's marker
 * allocation and leases apply, and a refused marker is refused before anything is stored). Then it
 * is a teacher mark on every member (source ANSWER_GROUP) under the group's question version, stored
 * in one statement, so later jobs give those answers that score (HUMAN). Double-marked and audit
 * items are left to their blind process: a group mark was made seeing the grouped answers and
 * proposal, so it is no independent blind mark.
 */
@ApplicationScoped
public class AnswerGroupService {

    /** Rows a cursor fetches at a time while the answers are grouped. */
    private static final int FETCH = 1_000;
    /** Near-identical comparisons whose vectors are looked up at once: at most 1,000 vectors, 2 MB. */
    private static final int COMPARISONS_PER_ROUND = 500;

    /** Biggest first, then by representative answer, then by id, so pages are stable. */
    private static final Comparator<Grouped> BIGGEST_FIRST = Comparator
            .comparingInt((Grouped grouped) -> grouped.group().size()).reversed()
            .thenComparing(Grouped::representative)
            .thenComparing(grouped -> grouped.group().id(), AnswerGrouping.UUID_ORDER);

    private final AnswerGroupRepository groups;
    private final EmbeddingRepository embeddings;
    private final ReviewService reviews;
    private final MarkerRepository markers;

    public AnswerGroupService(AnswerGroupRepository groups, EmbeddingRepository embeddings, ReviewService reviews,
            MarkerRepository markers) {
        this.groups = groups;
        this.embeddings = embeddings;
        this.reviews = reviews;
        this.markers = markers;
    }

    /** A group found now, with its representative answer as written. */
    private record Grouped(AnswerGrouping.Group group, String representative) {
    }

    /** The question's groups as its answers are now, biggest first; every group is stored as a snapshot. */
    @WithSpan
    public Uni<PageResponse<AnswerGroup>> list(String tenant, UUID questionId, ListQuery query) {
        return groups.question(tenant, questionId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("question", questionId))
                .chain(question -> groupAnswers(tenant, question)
                        .chain(found -> withRepresentatives(tenant, found))
                        .call(found -> store(tenant, question, found))
                        .chain(found -> page(tenant, question.questionId(), found, query)));
    }

    /**
     * Normalising and hashing every answer, and comparing vectors, is CPU work: off the event loop
     * that reads the rows and the vectors.
     */
    private Uni<List<AnswerGrouping.Group>> groupAnswers(String tenant, QuestionVersion question) {
        return groups.answers(tenant, question, FETCH)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .collect().in(() -> new AnswerGrouping(question.questionId(), question.rubricId()),
                        (grouping, row) -> grouping.add(row.submissionId(), row.answer(), row.proposedScore(),
                                row.marked()))
                .call(this::compareByStoredVectors)
                .map(AnswerGrouping::groups);
    }

    /**
     * Hands each of the grouping's comparisons its stored vectors, a round of them at a time, so
     * no more than a round's vectors are held at once.
     */
    private Uni<Void> compareByStoredVectors(AnswerGrouping grouping) {
        List<Comparison> comparisons = grouping.comparisons();
        List<List<Comparison>> rounds = new ArrayList<>();
        for (int from = 0; from < comparisons.size(); from += COMPARISONS_PER_ROUND) {
            rounds.add(comparisons.subList(from, Math.min(comparisons.size(), from + COMPARISONS_PER_ROUND)));
        }
        return Multi.createFrom().iterable(rounds)
                .onItem().transformToUniAndConcatenate(round -> compareRound(grouping, round))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> compareRound(AnswerGrouping grouping, List<Comparison> round) {
        List<byte[]> hashes = new ArrayList<>(round.size() * 2);
        for (Comparison comparison : round) {
            hashes.add(comparison.headSha256());
            hashes.add(comparison.textSha256());
        }
        return embeddings.find(AnswerEmbedder.MODEL, hashes)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(vectors -> round.forEach(comparison -> grouping.compare(comparison,
                        vectors.get(EmbeddingRepository.hex(comparison.headSha256())),
                        vectors.get(EmbeddingRepository.hex(comparison.textSha256())))))
                .replaceWithVoid();
    }

    private Uni<List<Grouped>> withRepresentatives(String tenant, List<AnswerGrouping.Group> found) {
        if (found.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return groups.answerTexts(tenant, found.stream().map(AnswerGrouping.Group::representativeId).toList())
                .map(texts -> found.stream()
                        .map(group -> new Grouped(group, texts.get(group.representativeId())))
                        // submissions are never deleted; this only keeps a vanished one out of the sort
                        .filter(grouped -> grouped.representative() != null)
                        .sorted(BIGGEST_FIRST)
                        .toList());
    }

    private Uni<Void> store(String tenant, QuestionVersion question, List<Grouped> found) {
        return groups.store(tenant, question, found.stream()
                .map(grouped -> new NewGroup(grouped.group().id(), grouped.representative(),
                        grouped.group().proposedScore(), grouped.group().members()))
                .toList());
    }

    private Uni<PageResponse<AnswerGroup>> page(String tenant, UUID questionId, List<Grouped> found,
            ListQuery query) {
        int from = (int) Math.min(query.offset(), found.size());
        int to = (int) Math.min((long) from + query.pageSize(), found.size());
        List<Grouped> page = found.subList(from, to);
        return groups.createdAt(tenant, page.stream().map(grouped -> grouped.group().id()).toList())
                .map(created -> new PageResponse<>(
                        page.stream().map(grouped -> view(questionId, grouped, created)).toList(),
                        query.page(), query.pageSize(), found.size()));
    }

    private static AnswerGroup view(UUID questionId, Grouped grouped, Map<UUID, OffsetDateTime> created) {
        AnswerGrouping.Group group = grouped.group();
        return new AnswerGroup(group.id(), questionId, grouped.representative(),
                TextNormalizer.normalize(grouped.representative()), group.size(), group.variants(),
                group.proposedScore(), group.marked(), created.get(group.id()));
    }

    /**
     * Marks every member of the stored group; answers how many members were marked and what became
     * of their open review items.
     */
    @WithSpan
    public Uni<MarkReport> mark(String tenant, UUID groupId, MarkRequest request, MarkerIdentity marker) {
        MarkRequest mark = validated(request, marker);
        return groups.find(tenant, groupId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("answer group", groupId))
                .call(group -> mayMark(group, mark.markerId(), marker))
                .chain(group -> {
                    group.scale().requireValid(mark.score());
                    // the review items first: a marker the exam's allocation refuses is refused
                    // before anything is stored
                    return groups.openReviewItems(tenant, group)
                            .chain(items -> resolveReviewItems(tenant, group, items, mark, marker))
                            .chain(resolved -> groups.markMembers(tenant, group, mark.score(), mark.markerId(),
                                            mark.comment())
                                    .map(marked -> new MarkReport(groupId, marked, resolved.resolved(),
                                            resolved.skippedBlind())));
                });
    }

    private record Resolution(int resolved, int skippedBlind) {
    }

    /**
     * A caller that marks only what its allocation gives it is refused a group of another question (403), whether
     * or not the group has open review items (those check it again as they are marked).
     */
    private Uni<Void> mayMark(StoredGroup group, String markerId, MarkerIdentity marker) {
        if (!marker.allocatedOnly()) {
            return Uni.createFrom().voidItem();
        }
        return markers.assignment(group.examId(), markerId, group.questionNumber()).chain(assignment ->
                marker.mayMark(assignment.allocated(), assignment.assigned()) ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "marker "
                                + markerId + " is not assigned question " + group.questionNumber() + " of this exam")));
    }

    private Uni<Resolution> resolveReviewItems(String tenant, StoredGroup group, List<OpenItem> items,
            MarkRequest mark, MarkerIdentity marker) {
        List<UUID> single = items.stream().filter(item -> !item.blind()).map(OpenItem::id).toList();
        int skipped = items.size() - single.size();
        ReviewItem.MarkRequest asReviewMark = new ReviewItem.MarkRequest(mark.score(), mark.markerId(), false,
                "answer group " + group.id(), null);
        return Multi.createFrom().iterable(single)
                .onItem().transformToUniAndConcatenate(itemId -> resolve(tenant, itemId, asReviewMark, marker))
                .collect().asList()
                .map(outcomes -> new Resolution((int) outcomes.stream().filter(Boolean::booleanValue).count(),
                        skipped));
    }

    /**
     * Whether the mark resolved the item. An item resolved by someone else, or whose job was
     * cancelled, since the items were read is no longer this mark's to resolve.
     */
    private Uni<Boolean> resolve(String tenant, UUID itemId, ReviewItem.MarkRequest mark, MarkerIdentity marker) {
        return reviews.mark(tenant, itemId, mark, marker)
                .map(item -> ReviewState.RESOLVED.name().equals(item.state()))
                .onFailure(AnswerGroupService::overtaken).recoverWithItem(false);
    }

    private static boolean overtaken(Throwable failure) {
        return failure instanceof ZhiyueException e && e.code() == ErrorCode.ILLEGAL_STATE;
    }

    /** The mark as given, by the marker {@code marker} names (the gateway's subject over the body's). */
    private static MarkRequest validated(MarkRequest request, MarkerIdentity marker) {
        if (request == null) {
            throw ZhiyueException.validation("body", "expected {score, markerId, comment?}");
        }
        String markerId = marker.markerId(request.markerId());
        ExamService.failIfAny(MarkFields.markErrors(request.score(), markerId, "comment", request.comment()));
        return new MarkRequest(ScoreScale.normalise(request.score()), markerId.trim(), request.comment());
    }
}
