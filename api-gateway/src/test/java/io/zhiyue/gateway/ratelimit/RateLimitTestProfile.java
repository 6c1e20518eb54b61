package io.zhiyue.gateway.ratelimit;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.util.List;
import java.util.Map;

/** Real Redis from the devstack and limits small enough to reach in a test. */
public class RateLimitTestProfile implements QuarkusTestProfile {

    /** reads: 3 per subject and 5 per tenant a minute. */
    static final int READS_PER_SUBJECT = 3;
    static final int READS_PER_TENANT = 5;
    /** writes: 2 per subject a second, so the credit comes back while a test waits. */
    static final int WRITES_PER_SUBJECT = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "zhiyue.rate-limit.reads.subject.limit", Integer.toString(READS_PER_SUBJECT),
                "zhiyue.rate-limit.reads.tenant.limit", Integer.toString(READS_PER_TENANT),
                "zhiyue.rate-limit.writes.subject.limit", Integer.toString(WRITES_PER_SUBJECT),
                "zhiyue.rate-limit.writes.subject.period", "1s",
                "zhiyue.rate-limit.redis-timeout", "250ms",
                "zhiyue.rate-limit.redis-retry-interval", "200ms");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class));
    }
}
