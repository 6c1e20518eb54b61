package io.zhiyue.gateway.support;

/**
 * cache-service replaced by a recording stub: a job read it was not told about answers 404, as a
 * read model that has not seen the job does.
 */
public class CacheStubResource extends ServiceStubResource {

    /** The configuration key of the gateway's list of cache-service instances. */
    public static final String INSTANCES = "quarkus.stork.cache-service.service-discovery.address-list";

    public CacheStubResource() {
        super(INSTANCES, InjectCacheStub.class, false);
    }
}
