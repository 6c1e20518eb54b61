package io.zhiyue.gateway.support;

/** saga-service replaced by a recording stub that echoes what reached it. */
public class SagaStubResource extends ServiceStubResource {

    /** The configuration key of the gateway's list of saga-service instances. */
    public static final String INSTANCES = "quarkus.stork.saga-service.service-discovery.address-list";

    public SagaStubResource() {
        super(INSTANCES, InjectSagaStub.class, true);
    }
}
