package io.zhiyue.grading.service;

import io.zhiyue.grading.model.SubmissionInput;
import io.zhiyue.shared.error.ZhiyueException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upload rows as the parsers read them: CSV (RFC 4180) and JSON, row by row. */
class UploadRowsTest {

    private static final String HEADER = "student_id,question_number,answer\n";

    @Test
    void csvQuotesCommasDoubledQuotesAndLineBreaksInsideAField() {
        List<UploadRows.Row<SubmissionInput>> rows = csv(HEADER + "s1,1,\"photosynthesis, and pi\"\n"
                + "s2,1,\"he said \"\"hi\"\"\"\n" + "s3,2,\"first\nsecond\"\n");
        assertThat(rows).extracting(UploadRows.Row::input).containsExactly(
                new SubmissionInput("s1", 1, "photosynthesis, and pi"),
                new SubmissionInput("s2", 1, "he said \"hi\""),
                new SubmissionInput("s3", 2, "first\nsecond"));
        assertThat(rows).extracting(UploadRows.Row::number).containsExactly(1, 2, 3);
    }

    @Test
    void csvLineEndsByteOrderMarkBlankLinesAndSpaces() {
        List<UploadRows.Row<SubmissionInput>> rows = csv("\uFEFFStudent_ID, Question_Number ,ANSWER\r\n\r\n s1 ,1,  an answer \r\n\n"
                + "学生1,2,\"光合作用，需要阳光、水\"\rlast,1,");
        // blanks at the start of a record are skipped with the blank lines (student ids are trimmed anyway)
        assertThat(rows).extracting(UploadRows.Row::input).containsExactly(
                new SubmissionInput("s1 ", 1, "  an answer "),
                new SubmissionInput("学生1", 2, "光合作用，需要阳光、水"),
                new SubmissionInput("last", 1, ""));
        assertThat(rows).extracting(UploadRows.Row::number).containsExactly(1, 2, 3);
    }

    @Test
    void csvRowsOfTheWrongShapeAreRejectedOneByOne() {
        List<UploadRows.Row<SubmissionInput>> rows = csv(HEADER + "s1,1\ns2,1,a,b\ns3,one,x\ns4,1,ok\n");
        assertThat(rows).extracting(UploadRows.Row::problem).containsExactly("expected 3 columns, found 2",
                "expected 3 columns, found 4", "question_number 'one' is not a whole number", null);
    }

    @Test
    void csvWithoutTheHeaderOrWithABrokenQuoteIsRefused() {
        assertThatThrownBy(() -> csv("")).isInstanceOf(ZhiyueException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> csv("\n\r\n")).isInstanceOf(ZhiyueException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> csv("student,question,answer\n")).isInstanceOf(ZhiyueException.class)
                .hasMessageContaining("expected the header");
        assertThatThrownBy(() -> csv(HEADER + "s1,1,ok\ns2,1,\"never closed\nmore"))
                .isInstanceOf(ZhiyueException.class).hasMessageContaining("malformed CSV")
                .hasMessageContaining("line 3");
    }

    @Test
    void csvIsReadAsItArrivesNotWhole() {
        // an endless body: the reader hands out the first rows without reading to the end
        InputStream infinite = new SequenceInputStream(stream(HEADER + "s1,1,a\ns2,1,b\n"), new InputStream() {
            private long served;

            @Override
            public int read() {
                return served++ % 8 == 7 ? '\n' : 'x';
            }
        });
        UploadRows<SubmissionInput> rows = UploadFormats.submissionsCsv(infinite);
        assertThat(rows.next().input()).isEqualTo(new SubmissionInput("s1", 1, "a"));
        assertThat(rows.next().input()).isEqualTo(new SubmissionInput("s2", 1, "b"));
    }

    @Test
    void jsonRowsWithWrongTypesAreRejectedOneByOne() {
        List<UploadRows.Row<SubmissionInput>> rows = json("""
                [{"studentId": "s1", "questionNumber": 1, "answer": "ok", "extra": {"ignored": [1, 2]}},
                 {"studentId": 5, "questionNumber": 1, "answer": "x"},
                 {"studentId": "s3", "questionNumber": 1.5, "answer": "x"},
                 {"studentId": "s4", "questionNumber": 1, "answer": ["a"]},
                 "not an object",
                 {"studentId": "s6", "questionNumber": 99999999999, "answer": "x"},
                 {"questionNumber": 2, "answer": null}]""");
        assertThat(rows).extracting(UploadRows.Row::problem).containsExactly(null, "studentId must be a string",
                "questionNumber must be a whole number", "answer must be a string",
                "expected an object {studentId, questionNumber, answer}", "questionNumber must be a whole number", null);
        assertThat(rows.get(0).input()).isEqualTo(new SubmissionInput("s1", 1, "ok"));
        assertThat(rows.get(6).input()).isEqualTo(new SubmissionInput(null, 2, null));
    }

    @Test
    void jsonThatIsNotAnArrayOrNotWholeIsRefused() {
        for (String body : List.of("", "{\"studentId\": \"s1\"}", "\"s1,1,x\"", "[{\"studentId\": \"s1\"",
                "[] []", "[{\"studentId\": \"s1\", }]")) {
            assertThatThrownBy(() -> json(body)).as(body).isInstanceOf(ZhiyueException.class);
        }
        assertThat(json("[]")).isEmpty();
    }

    private static List<UploadRows.Row<SubmissionInput>> csv(String text) {
        return all(UploadFormats.submissionsCsv(stream(text)));
    }

    private static List<UploadRows.Row<SubmissionInput>> json(String text) {
        return all(UploadFormats.submissionsJson(stream(text)));
    }

    private static List<UploadRows.Row<SubmissionInput>> all(UploadRows<SubmissionInput> rows) {
        List<UploadRows.Row<SubmissionInput>> list = new ArrayList<>();
        rows.forEachRemaining(list::add);
        return list;
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
