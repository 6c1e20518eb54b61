package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/** Payload of SYSTEM_STATUS on the {@code system} channel: a service came up or is going down. */
@RegisterForReflection
public record SystemStatus(String service, String instance, String status, Instant at) {
}
