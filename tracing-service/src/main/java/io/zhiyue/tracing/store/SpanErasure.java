package io.zhiyue.tracing.store;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.DataDeletionRequested.Kind;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.lifecycle.DataDeletionHandler;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import io.zhiyue.streams.lifecycle.Pseudonyms;
import io.zhiyue.tracing.config.TracingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * tracing-service's part of an erasure (README "Data lifecycle"): spans keep what the services put in them, and a
 * student's id lands in attributes ({@code url.path} "/api/v1/students/S123/results", {@code zhiyue.channels}
 * "exam:…,user:S123"), in span names and status messages. Each of those is rewritten with the request's pseudonym
 * where the id (or its percent-encoded form, as a URL carries it) stands as a whole token ({@link Pseudonyms}:
 * erasing S1 leaves S12 and S1-2 alone); a span without it is not written. A span tagged with another tenant
 * ({@code zhiyue.tenant}) is left, as the same id there is another student; most spans carry no tenant, and those
 * are rewritten for any tenant's erasure (a trace may lose a label, no one's id is kept). The work waits
 * {@code zhiyue.tracing.erasure-settle} after the request, so spans exported late — the exporters send in batches,
 * the erasure request's own spans among them — are rewritten too. Deleting answers, uploads or exams removes
 * nothing here: spans name them by random ids only, and retention ends them within days.
 */
@ApplicationScoped
public class SpanErasure implements DataDeletionHandler {

    /**
     * $1 LIKE patterns that find candidates cheaply (the id as written, in JSON and percent-encoded), $2 the whole-token pattern, $3 its replacement, $4 the
     * tenants whose spans may hold the student (theirs and platform-wide; most spans name no tenant). Only spans
     * that change are written.
     */
    private static final String PSEUDONYMISE = """
            UPDATE spans s
               SET attributes = f.attributes, events = f.events, links = f.links, resource = f.resource, name = f.name,
                   status_message = f.status_message
              FROM (SELECT trace_id, span_id, pseudonymised(attributes, $2, $3) AS attributes,
                           pseudonymised(events, $2, $3) AS events, pseudonymised(links, $2, $3) AS links,
                           pseudonymised(resource, $2, $3) AS resource, regexp_replace(name, $2, $3, 'g') AS name,
                           regexp_replace(status_message, $2, $3, 'g') AS status_message
                      FROM spans
                     WHERE (tenant_id IS NULL OR tenant_id = ANY($4::text[]))
                       AND (attributes::text LIKE ANY($1::text[]) OR events::text LIKE ANY($1::text[])
                            OR links::text LIKE ANY($1::text[]) OR resource::text LIKE ANY($1::text[])
                            OR name LIKE ANY($1::text[]) OR status_message LIKE ANY($1::text[]))) f
             WHERE s.trace_id = f.trace_id AND s.span_id = f.span_id
               AND (s.attributes, s.events, s.links, s.resource, s.name, s.status_message)
                   IS DISTINCT FROM (f.attributes, f.events, f.links, f.resource, f.name, f.status_message)""";

    private final Duration settle;

    public SpanErasure(TracingConfig config) {
        this.settle = config.erasureSettle();
    }

    void serve(@Observes StartupEvent event, DataDeletionParticipant participant) {
        participant.serve(this);
    }

    /** An erasure waits for late spans; other requests change nothing here and do not wait. */
    @Override
    public Duration settle(DataDeletionRequested request) {
        return request.kind() == Kind.STUDENT ? settle : Duration.ZERO;
    }

    @Override
    public Uni<Map<String, Long>> delete(SqlConnection tx, String tenant, DataDeletionRequested request) {
        String student = request.studentId();
        if (request.kind() != Kind.STUDENT || student == null || student.isEmpty()) {
            return Uni.createFrom().item(Map.of("spansPseudonymised", 0L));
        }
        List<String> forms = Pseudonyms.forms(student);
        String[] candidates = forms.stream().flatMap(form -> Stream.of(form, JsonCodec.write(form)
                        .substring(1, JsonCodec.write(form).length() - 1)))
                .distinct().map(Pseudonyms::containing).toArray(String[]::new);
        return tx.preparedQuery(PSEUDONYMISE).execute(Tuple.of(candidates,
                        Pseudonyms.wholeToken(forms), Pseudonyms.replacement(Pseudonyms.of(request)),
                        new String[] {tenant, TenantHeaders.PLATFORM_TENANT}))
                .map(RowSet::rowCount).map(rewritten -> Map.of("spansPseudonymised", (long) rewritten));
    }
}
