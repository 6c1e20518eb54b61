package io.zhiyue.gateway.support;

/** checkpoint-service replaced by a recording stub that echoes what reached it. */
public class CheckpointStubResource extends ServiceStubResource {

    /** The configuration key of the gateway's list of checkpoint-service instances. */
    public static final String INSTANCES = "quarkus.stork.checkpoint-service.service-discovery.address-list";

    public CheckpointStubResource() {
        super(INSTANCES, InjectCheckpointStub.class, true);
    }
}
