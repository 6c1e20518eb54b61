package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.embedding.EmbeddingService;
import io.zhiyue.grading.embedding.ExemplarSuggestions;
import io.zhiyue.grading.grader.Rubric;
import io.zhiyue.grading.model.Question;
import io.zhiyue.grading.service.ExamService;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

@Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/questions")
@Produces(MediaType.APPLICATION_JSON)
public class QuestionResource {

    private final ExamService exams;
    private final EmbeddingService embeddings;
    private final ExemplarSuggestions suggestions;

    public QuestionResource(ExamService exams, EmbeddingService embeddings, ExemplarSuggestions suggestions) {
        this.exams = exams;
        this.embeddings = embeddings;
        this.suggestions = suggestions;
    }

    /** The answers whose teacher marks teach the exemplar grader most: {@code ?count=N} (1..200, default 10). */
    @GET
    @Path("/{questionId}/exemplar-suggestions")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<ExemplarSuggestions.Suggestions> exemplarSuggestions(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("questionId") UUID questionId, @QueryParam("count") String count) {
        return suggestions.suggest(TenantHeaders.required(tenant), questionId, count);
    }

    /**
     * Embeds every answer of the question that has no stored embedding yet (the exemplar grader's
     * first stage, one core at most); answers how many were embedded and how fast.
     */
    @POST
    @Path("/{questionId}/embeddings")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<EmbeddingService.QuestionEmbeddings> embed(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("questionId") UUID questionId) {
        return embeddings.embedQuestion(TenantHeaders.required(tenant), questionId);
    }

    /** Body: the rubric {@code {points: [...]}}. Answers the question with its new rubric version. */
    @PUT
    @Path("/{questionId}/rubric")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Question> replaceRubric(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("questionId") UUID questionId,
            Rubric rubric) {
        if (rubric == null) {
            throw ZhiyueException.validation("body", "expected a rubric {points: [...]}");
        }
        return exams.replaceRubric(TenantHeaders.required(tenant), subject, questionId, rubric);
    }

    /** Body {@code {enabled}}; jobs analysed from then on auto-accept (or not) the question's confident proposals. */
    public record AutoAcceptSwitch(Boolean enabled) {
    }

    @PUT
    @Path("/{questionId}/marking/auto-accept")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Question> setAutoAccept(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("questionId") UUID questionId,
            AutoAcceptSwitch body) {
        if (body == null) {
            throw ZhiyueException.validation("body", "expected {\"enabled\": true|false}");
        }
        return exams.setAutoAccept(TenantHeaders.required(tenant), subject, questionId, body.enabled());
    }
}
