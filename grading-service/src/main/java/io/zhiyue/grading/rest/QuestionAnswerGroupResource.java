package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.AnswerGroupRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.service.AnswerGroupService;
import io.zhiyue.shared.api.QueryString;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A question's answer groups. A class of its own rather than a method of {@link QuestionResource}:
 * Quarkus REST routes a path to one class by its prefix. Listing reads every answer of the
 * question and stores the groups as snapshots, so it has the budget of work that is more than a read.
 */
@Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/questions/{questionId}/answer-groups")
@Produces(MediaType.APPLICATION_JSON)
public class QuestionAnswerGroupResource {

    /** The list is always biggest first: only paging and field selection apply. */
    private static final Set<String> LIST_PARAMETERS = Set.of("page", "page_size", "fields");

    private final AnswerGroupService groups;

    public QuestionAnswerGroupResource(AnswerGroupService groups) {
        this.groups = groups;
    }

    /** {@code ?page=&page_size=&fields=}; biggest group first, then by representative answer, then by id. */
    @GET
    public Uni<Object> list(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("questionId") UUID questionId, @Context UriInfo uri) {
        ListQuery query = listQuery(uri.getRequestUri().getRawQuery());
        return groups.list(TenantHeaders.required(tenant), questionId, query).map(page -> FieldSelection.apply(page, query.fields()));
    }

    private static ListQuery listQuery(String rawQuery) {
        Map<String, List<String>> params = QueryString.parse(rawQuery);
        List<FieldError> errors = params.keySet().stream().filter(name -> !LIST_PARAMETERS.contains(name))
                .map(name -> new FieldError(name, "is not a parameter of this list (page, page_size, fields)"))
                .toList();
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters", errors);
        }
        return ListQuery.parse(params, AnswerGroupRepository.LIST_SPEC);
    }
}
