package io.zhiyue.grading.model;

public record ExamCreate(String title, String subject) {
}
