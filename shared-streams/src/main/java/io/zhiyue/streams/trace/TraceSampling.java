package io.zhiyue.streams.trace;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every service's sampler (Quarkus uses a {@link Sampler} bean in place of the configured one): {@link TraceRoots}.
 * A default bean: the gateway's {@code PollingReadSampler} replaces it. Quarkus takes the first {@link Sampler} bean
 * of any qualifier, so no other one may be added.
 */
@Dependent
public class TraceSampling {

    @Produces
    @Singleton
    @DefaultBean
    Sampler sampler(
            @ConfigProperty(name = "quarkus.otel.traces.sampler", defaultValue = "parentbased_always_on") String sampler,
            @ConfigProperty(name = "quarkus.otel.traces.sampler.arg", defaultValue = "1.0") double ratio) {
        return new TraceRoots(TraceRoots.configured(sampler, ratio));
    }
}
