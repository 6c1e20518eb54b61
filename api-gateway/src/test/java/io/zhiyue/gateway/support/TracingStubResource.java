package io.zhiyue.gateway.support;

/** tracing-service replaced by a recording stub that echoes what reached it. */
public class TracingStubResource extends ServiceStubResource {

    /** The configuration key of the gateway's list of tracing-service instances. */
    public static final String INSTANCES = "quarkus.stork.tracing-service.service-discovery.address-list";

    public TracingStubResource() {
        super(INSTANCES, InjectTracingStub.class, true);
    }
}
