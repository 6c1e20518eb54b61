package io.zhiyue.grading.service;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.embedding.ExemplarProposals;
import io.zhiyue.grading.repository.ExemplarRepository.MarkedAnswer;
import io.zhiyue.grading.repository.MarkerRepository;
import io.zhiyue.grading.repository.ReviewRepository;
import io.zhiyue.grading.repository.ReviewRepository.ItemVersion;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What a marker sees beside a review item when it is not blind: the nearest marked exemplars (the teacher-marked
 * answers of the same question version most like the item's answer, with their scores, as the exemplar grader
 * weighed them; never a student) and the LLM's explanation of the proposal. A blind item (double marking, the
 * audit, a recheck) has neither: no exemplars and a 404 for the explanation, as for an answer the LLM never saw,
 * so the answer tells nobody whether an item is an audit draw. A marker whose allocation does not give them the
 * question is refused (403), as a mark of theirs would be.
 */
@ApplicationScoped
public class ReviewItemContext {

    private final ReviewRepository reviews;
    private final MarkerRepository markers;
    private final ExemplarProposals proposals;

    public ReviewItemContext(ReviewRepository reviews, MarkerRepository markers, ExemplarProposals proposals) {
        this.reviews = reviews;
        this.markers = markers;
        this.proposals = proposals;
    }

    /** The nearest marked exemplars, most similar first; none for a blind item or under five teacher marks. */
    public Uni<List<MarkedAnswer>> exemplars(String tenant, UUID itemId, MarkerIdentity marker) {
        return item(tenant, itemId, marker).chain(item -> item.blind() ? Uni.createFrom().item(List.<MarkedAnswer>of())
                : proposals.nearest(tenant, item.rubricId(), item.answer()));
    }

    /** The submission whose explanation the marker may stream; 404 for a blind item. */
    public Uni<UUID> explained(String tenant, UUID itemId, MarkerIdentity marker) {
        return item(tenant, itemId, marker).map(item -> {
            if (item.blind()) {
                throw new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, "review item " + itemId + " has no explanation");
            }
            return item.submissionId();
        });
    }

    private Uni<ItemVersion> item(String tenant, UUID itemId, MarkerIdentity marker) {
        return reviews.version(tenant, itemId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("review item", itemId))
                .call(item -> allowed(tenant, item, marker));
    }

    private Uni<Void> allowed(String tenant, ItemVersion item, MarkerIdentity marker) {
        if (!marker.allocatedOnly()) {
            return Uni.createFrom().voidItem();
        }
        return markers.questionsOf(tenant, item.examId(), marker.subject()).map(questions -> {
            Integer[] mine = marker.queueQuestions(questions.numbers());
            if (mine != null && !Arrays.asList(mine).contains(item.questionNumber())) {
                throw new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "marker " + marker.subject()
                        + " is not assigned question " + item.questionNumber() + " of this exam");
            }
            return null;
        });
    }
}
