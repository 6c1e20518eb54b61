package io.zhiyue.grading.model;

/** One uploaded answer, from a JSON array element or a CSV row. */
public record SubmissionInput(String studentId, Integer questionNumber, String answer) {
}
