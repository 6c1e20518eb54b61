package io.zhiyue.cache.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.layered.EntryKey;
import io.zhiyue.cache.layered.Hit;
import io.zhiyue.cache.layered.Layer;
import io.zhiyue.cache.layered.LayeredCache;
import io.zhiyue.cache.layered.ScopeKey;
import io.zhiyue.cache.model.ResultEntry;
import io.zhiyue.cache.model.ResultHit;
import io.zhiyue.cache.model.ResultHits;
import io.zhiyue.cache.model.ResultRef;
import io.zhiyue.cache.model.ResultVersions;
import io.zhiyue.cache.repository.CacheEntryRepository.NewValue;
import io.zhiyue.cache.repository.CacheEntryRepository.StoredEntry;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Marking results reused for identical answers: the {@code results} region of the layered cache, a question
 * version per scope. AI workers look up a whole batch in one call and put what they marked; review marks (and
 * later the score-override saga) invalidate a key or a whole question version, so an overridden score is never
 * reused.
 */
@ApplicationScoped
public class ResultCache {

    public static final String REGION = "results";

    /** Caller-built hashes: printable, at most 256 characters. */
    private static final Pattern ID = Pattern.compile("[^\\p{Cntrl}]{1,256}");

    /** What a lookup found, and the deepest layer it had to ask (the {@code X-Cache-Source} of the answer). */
    public record Found(ResultHits hits, Layer deepest) {
    }

    private final LayeredCache cache;
    private final CacheConfig config;

    public ResultCache(LayeredCache cache, CacheConfig config) {
        this.cache = cache;
        this.config = config;
    }

    @WithSpan("ResultCache.lookup")
    public Uni<Found> lookup(String tenant, List<ResultRef> refs) {
        checkCount(refs);
        List<FieldError> errors = new ArrayList<>();
        Set<EntryKey> keys = new LinkedHashSet<>();
        for (int i = 0; i < refs.size(); i++) {
            ResultRef ref = refs.get(i);
            if (checkAddress("entries[" + i + "]", ref.questionVersion(), ref.key(), errors)) {
                keys.add(new EntryKey(REGION, tenant, ref.questionVersion(), ref.key()));
            }
        }
        throwIfAny(errors);
        return cache.getAll(keys).map(lookup -> {
            List<ResultHit> hits = new ArrayList<>();
            for (EntryKey key : keys) {
                Hit hit = lookup.hits().get(key);
                if (hit != null) {
                    hits.add(new ResultHit(key.scope(), key.key(), hit.json(), hit.version(), hit.source().label()));
                }
            }
            return new Found(new ResultHits(hits), lookup.deepest());
        });
    }

    @WithSpan("ResultCache.put")
    public Uni<ResultVersions> put(String tenant, List<ResultEntry> entries) {
        checkCount(entries);
        List<FieldError> errors = new ArrayList<>();
        List<NewValue> values = new ArrayList<>(entries.size());
        Set<EntryKey> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            ResultEntry entry = entries.get(i);
            String at = "entries[" + i + "]";
            boolean addressed = checkAddress(at, entry.questionVersion(), entry.key(), errors);
            String json = checkValue(at, entry, errors);
            if (!addressed || json == null) {
                continue;
            }
            EntryKey key = new EntryKey(REGION, tenant, entry.questionVersion(), entry.key());
            if (!seen.add(key)) {
                errors.add(new FieldError(at, "repeats an earlier entry's questionVersion and key"));
            }
            values.add(new NewValue(key, json));
        }
        throwIfAny(errors);
        return cache.put(values).map(stored -> new ResultVersions(stored.stream()
                .map(entry -> entry.value().version()).toList()));
    }

    @WithSpan("ResultCache.invalidate")
    public Uni<Void> invalidate(String tenant, String questionVersion, String key) {
        List<FieldError> errors = new ArrayList<>();
        checkAddress("path", questionVersion, key, errors);
        throwIfAny(errors);
        return cache.invalidate(new EntryKey(REGION, tenant, questionVersion, key)).replaceWithVoid();
    }

    /**
     * Deletes the entries from every layer and instance, as {@link #invalidate} does, in batches of at most
     * {@code max-entries}; answers how many PostgreSQL held. An address no entry can have (one a put would refuse)
     * is passed over: there is nothing under it to delete.
     */
    @WithSpan("ResultCache.delete")
    public Uni<Long> delete(String tenant, List<ResultRef> refs) {
        List<EntryKey> keys = new ArrayList<>();
        for (ResultRef ref : refs) {
            if (ref.questionVersion() != null && ID.matcher(ref.questionVersion()).matches() && ref.key() != null
                    && ID.matcher(ref.key()).matches()) {
                keys.add(new EntryKey(REGION, tenant, ref.questionVersion(), ref.key()));
            }
        }
        int batch = config.results().maxEntries();
        List<List<EntryKey>> batches = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += batch) {
            batches.add(keys.subList(from, Math.min(keys.size(), from + batch)));
        }
        return Multi.createFrom().iterable(batches).onItem().transformToUniAndConcatenate(cache::invalidateAll)
                .collect().with(Collectors.summingLong(Long::longValue));
    }

    @WithSpan("ResultCache.invalidateQuestionVersion")
    public Uni<Void> invalidateQuestionVersion(String tenant, String questionVersion) {
        if (questionVersion == null || !ID.matcher(questionVersion).matches()) {
            throw ZhiyueException.validation("questionVersion", "must be 1 to 256 printable characters");
        }
        return cache.invalidateScope(new ScopeKey(REGION, tenant, questionVersion)).replaceWithVoid();
    }

    private void checkCount(List<?> entries) {
        int max = config.results().maxEntries();
        if (entries.isEmpty() || entries.size() > max) {
            throw ZhiyueException.validation("entries", "must hold 1 to " + max + " entries, not " + entries.size());
        }
    }

    private static boolean checkAddress(String at, String questionVersion, String key, List<FieldError> errors) {
        boolean valid = true;
        if (questionVersion == null || !ID.matcher(questionVersion).matches()) {
            errors.add(new FieldError(at + ".questionVersion", "must be 1 to 256 printable characters"));
            valid = false;
        }
        if (key == null || !ID.matcher(key).matches()) {
            errors.add(new FieldError(at + ".key", "must be 1 to 256 printable characters"));
            valid = false;
        }
        return valid;
    }

    /** The value as JSON text, or null (with an error) when it is not an object or too large. */
    private String checkValue(String at, ResultEntry entry, List<FieldError> errors) {
        if (entry.value() == null || !entry.value().isObject()) {
            errors.add(new FieldError(at + ".value", "must be a JSON object"));
            return null;
        }
        String json = JsonCodec.write(entry.value());
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.results().maxValueBytes()) {
            throw new ZhiyueException(ErrorCode.PAYLOAD_TOO_LARGE, at + ".value has " + bytes
                    + " bytes; an entry holds at most " + config.results().maxValueBytes(),
                    List.of(new FieldError(at + ".value", "is too large")));
        }
        return json;
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid result cache request", errors);
        }
    }
}
