package io.zhiyue.deploy;

/** A manifest that does not load into the Kubernetes model as written: unknown field, kind, type or duplicate key. */
final class ManifestException extends RuntimeException {

    ManifestException(String message) {
        super(message);
    }

    ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
