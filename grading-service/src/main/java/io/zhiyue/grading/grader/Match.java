package io.zhiyue.grading.grader;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The conditions of one scoring point; every condition it names must hold. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Match(List<String> anyOf, List<String> allOf, String regex, NumericMatch numeric) {
}
