package io.zhiyue.shared.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** RFC 9457 problem details with ZhiYue's stable {@code code}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String code,
        String instance,
        String requestId,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    public static Problem of(ErrorCode code, String detail, String instance, String requestId,
            List<FieldError> errors) {
        return new Problem(code.type(), code.title(), code.status(), detail, code.name(), instance,
                requestId, errors == null || errors.isEmpty() ? null : List.copyOf(errors));
    }
}
