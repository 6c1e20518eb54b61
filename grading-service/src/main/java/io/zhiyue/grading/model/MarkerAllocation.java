package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * Who marks which questions of an exam ({@code PUT /exams/{id}/markers} replaces it). With no
 * markers every marker may mark every question; with some, each marker's queue holds only their
 * questions, and only a chief of a question arbitrates it. {@code recheckEvery}: after every so many
 * marks a marker is served one of their marked answers again, blind (回评), default 20.
 */
@RegisterForReflection
public record MarkerAllocation(Integer recheckEvery, List<Assignment> markers) {

    @RegisterForReflection
    public record Assignment(String markerId, List<Integer> questionNumbers, Boolean chief) {
    }
}
