package io.zhiyue.saga.service;

import io.smallrye.mutiny.Uni;
import io.zhiyue.saga.definition.SagaDefinitions;
import io.zhiyue.saga.model.Saga;
import io.zhiyue.saga.model.SagaState;
import io.zhiyue.saga.repository.SagaRepository;
import io.zhiyue.saga.repository.SagaRow;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.zhiyue.shared.api.ListParameters.first;
import static io.zhiyue.shared.api.ListParameters.number;

/** Sagas as operators read them: one with its attempts and actions, or a page of them. */
@ApplicationScoped
public class SagaViews {

    static final int MAX_PAGE_SIZE = 200;
    private static final Set<String> PARAMETERS = Set.of("page", "page_size", "filter[state]", "filter[definition]");

    private final SagaRepository sagas;
    private final SagaDefinitions definitions;

    public SagaViews(SagaRepository sagas, SagaDefinitions definitions) {
        this.sagas = sagas;
        this.definitions = definitions;
    }

    public Uni<Saga> find(String tenant, UUID id) {
        return sagas.find(tenant, id).chain(row -> {
            if (row == null) {
                throw ZhiyueException.notFound("saga", id);
            }
            return sagas.attempts(id).chain(attempts -> sagas.actions(id)
                    .map(actions -> view(row).withDetails(attempts, actions)));
        });
    }

    /** A page, newest first; {@code filter[state]}, {@code filter[definition]}; unknown parameters are refused. */
    public Uni<PageResponse<Saga>> list(String tenant, Map<String, List<String>> query) {
        List<FieldError> errors = new ArrayList<>();
        query.keySet().stream().filter(name -> !PARAMETERS.contains(name)).sorted()
                .forEach(name -> errors.add(new FieldError(name, "is not a parameter of this list")));
        int page = number(query, "page", 1, Integer.MAX_VALUE, 1, errors);
        int pageSize = number(query, "page_size", 1, MAX_PAGE_SIZE, 50, errors);
        String state = first(query, "filter[state]");
        if (state != null && !isState(state)) {
            errors.add(new FieldError("filter[state]", "must be one of " + List.of(SagaState.values())));
        }
        String definition = first(query, "filter[definition]");
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters", errors);
        }
        long offset = (long) (page - 1) * pageSize;
        if (offset > Integer.MAX_VALUE) {
            throw ZhiyueException.validation("page", "is too far");
        }
        return sagas.list(tenant, state, definition, pageSize, (int) offset)
                .chain(rows -> sagas.count(tenant, state, definition).map(total -> new PageResponse<>(
                        rows.stream().map(this::view).toList(), page, pageSize, total)));
    }

    public Saga view(SagaRow row) {
        String stepName;
        try {
            stepName = definitions.version(row.definition, row.definitionVersion).step(row.step).name();
        } catch (RuntimeException e) {
            stepName = null;
        }
        return new Saga(row.id, row.definition, row.definitionVersion, row.state, row.step, stepName,
                row.kind.name(), row.attempt, row.awaiting, row.completed, row.cancelRequested, row.startedBy,
                row.error, row.data, row.results, row.createdAt, row.updatedAt, row.endedAt, null, null);
    }

    private static boolean isState(String state) {
        for (SagaState known : SagaState.values()) {
            if (known.name().equals(state)) {
                return true;
            }
        }
        return false;
    }
}
