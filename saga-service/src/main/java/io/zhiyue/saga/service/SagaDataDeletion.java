package io.zhiyue.saga.service;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.saga.repository.SagaRepository;
import io.zhiyue.saga.repository.SagaRepository.Concerned;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.DataDeletionRequested.Kind;
import io.zhiyue.streams.lifecycle.DataDeletionHandler;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import io.zhiyue.streams.lifecycle.Pseudonyms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * saga-service's part of a deletion or erasure (README "Data lifecycle"). The sagas concerned are those whose data
 * names a deleted answer ({@code submissionId}); for an exam also one of its jobs or the exam itself; for an erased
 * student also the student ({@code studentId}).
 *
 * <p>A deleted answer's (upload's, exam's) sagas that ended are deleted with their steps and actions: they only
 * record what was done to data that is gone. One still running, compensating or parked for an operator is kept, so
 * it can end, with its student's id replaced by the request's pseudonym. An erased student's sagas are all kept
 * (the history of scores that were changed) with the id replaced. The id is replaced where a JSON document holds it
 * as a whole value and where free text holds it as a whole token ({@link SagaRepository#pseudonymise}).
 */
@ApplicationScoped
public class SagaDataDeletion implements DataDeletionHandler {

    private final SagaRepository sagas;

    public SagaDataDeletion(SagaRepository sagas) {
        this.sagas = sagas;
    }

    void serve(@Observes StartupEvent event, DataDeletionParticipant participant) {
        participant.serve(this);
    }

    @Override
    public Uni<Map<String, Long>> delete(SqlConnection tx, String tenant, DataDeletionRequested request) {
        boolean exam = request.kind() == Kind.EXAM;
        boolean student = request.kind() == Kind.STUDENT;
        if (student && request.studentId() == null) {
            return Uni.createFrom().item(counts(0, 0));
        }
        return sagas.concerned(tx, tenant, request.submissionIds(), exam ? request.jobIds() : List.of(),
                        exam ? request.examIds() : List.of(), student ? request.studentId() : null)
                .chain(concerned -> student ? erase(tx, tenant, request, concerned) : remove(tx, tenant, request,
                        concerned));
    }

    /** An erasure: every saga concerned is kept, the student's id replaced. */
    private Uni<Map<String, Long>> erase(SqlConnection tx, String tenant, DataDeletionRequested request,
            List<Concerned> concerned) {
        List<UUID> ids = concerned.stream().map(Concerned::id).toList();
        return pseudonymise(tx, tenant, Map.of(request.studentId(), ids), Pseudonyms.of(request))
                .map(changed -> counts(0, changed));
    }

    /** A deletion: the ended sagas go, the others are kept with their student's id replaced. */
    private Uni<Map<String, Long>> remove(SqlConnection tx, String tenant, DataDeletionRequested request,
            List<Concerned> concerned) {
        List<UUID> ended = concerned.stream().filter(saga -> saga.state().ended()).map(Concerned::id).toList();
        Map<String, List<UUID>> kept = concerned.stream()
                .filter(saga -> !saga.state().ended() && saga.studentId() != null)
                .collect(Collectors.groupingBy(Concerned::studentId, LinkedHashMap::new,
                        Collectors.mapping(Concerned::id, Collectors.toList())));
        Uni<Integer> deleted = ended.isEmpty() ? Uni.createFrom().item(0) : sagas.delete(tx, tenant, ended);
        return deleted.chain(gone -> pseudonymise(tx, tenant, kept, Pseudonyms.of(request))
                .map(changed -> counts(gone, changed)));
    }

    /** Replaces each student id in its sagas, one statement per student (a connection runs one at a time). */
    private Uni<Integer> pseudonymise(SqlConnection tx, String tenant, Map<String, List<UUID>> sagasByStudent,
            String pseudonym) {
        return Multi.createFrom().iterable(sagasByStudent.entrySet())
                .filter(student -> !student.getValue().isEmpty() && !student.getKey().equals(pseudonym))
                .onItem().transformToUniAndConcatenate(student -> sagas.pseudonymise(tx, tenant, student.getValue(),
                        student.getKey(), pseudonym, Pseudonyms.wholeToken(student.getKey()),
                        Pseudonyms.replacement(pseudonym)))
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    private static Map<String, Long> counts(long deleted, long pseudonymised) {
        return Map.of("sagasDeleted", deleted, "sagasPseudonymised", pseudonymised);
    }
}
