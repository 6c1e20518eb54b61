package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** One Kubernetes object and where it came from (file, document number), for messages. */
record Manifest(HasMetadata object, String origin) {

    String kind() {
        return object.getKind();
    }

    String name() {
        return object.getMetadata() == null ? null : object.getMetadata().getName();
    }

    @Override
    public String toString() {
        return kind() + " " + name() + " (" + origin + ")";
    }
}
