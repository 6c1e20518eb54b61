package io.zhiyue.grading.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.zhiyue.grading.model.SubmissionInput;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * A JSON upload, {@code [{studentId, questionNumber, answer}, …]}, read element by element with
 * Jackson's streaming parser. A field of the wrong type rejects only its row; unknown fields are
 * skipped; text that is not a JSON array (or anything after it) rejects the upload.
 */
public final class JsonUploadRows implements UploadRows {

    private final JsonParser parser;
    private int number;
    private JsonToken next;
    private boolean started;
    private boolean finished;

    public JsonUploadRows(InputStream body) {
        try {
            this.parser = JsonCodec.mapper().getFactory().createParser(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean hasNext() {
        if (finished) {
            return false;
        }
        if (next != null) {
            return true;
        }
        return readToken(() -> {
            if (!started) {
                started = true;
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    throw notAnArray();
                }
            }
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw ZhiyueException.validation("body", "is not valid JSON: the array is not closed");
            }
            if (token == JsonToken.END_ARRAY) {
                if (parser.nextToken() != null) {
                    throw ZhiyueException.validation("body", "is not valid JSON: text follows the array");
                }
                finished = true;
                return false;
            }
            next = token;
            return true;
        });
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        JsonToken token = next;
        next = null;
        int row = ++number;
        return readToken(() -> token == JsonToken.START_OBJECT ? object(row) : skipped(row));
    }

    private Row skipped(int row) throws IOException {
        parser.skipChildren();
        return Row.unreadable(row, "expected an object {studentId, questionNumber, answer}");
    }

    /** Reads one object; the first field of the wrong type is the row's problem. */
    private Row object(int row) throws IOException {
        String studentId = null;
        Integer questionNumber = null;
        String answer = null;
        String problem = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "studentId" -> {
                    if (value == JsonToken.VALUE_STRING) {
                        studentId = parser.getText();
                    } else if (value != JsonToken.VALUE_NULL) {
                        problem = problem != null ? problem : "studentId must be a string";
                    }
                }
                case "questionNumber" -> {
                    if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                        questionNumber = parser.getIntValue();
                    } else if (value != JsonToken.VALUE_NULL) {
                        problem = problem != null ? problem : "questionNumber must be a whole number";
                    }
                }
                case "answer" -> {
                    if (value == JsonToken.VALUE_STRING) {
                        answer = parser.getText();
                    } else if (value != JsonToken.VALUE_NULL) {
                        problem = problem != null ? problem : "answer must be a string";
                    }
                }
                default -> {
                    // fields a submission does not have are ignored
                }
            }
            parser.skipChildren();
        }
        return problem != null ? Row.unreadable(row, problem)
                : Row.readable(row, new SubmissionInput(studentId, questionNumber, answer));
    }

    private static ZhiyueException notAnArray() {
        return ZhiyueException.validation("body", "expected a JSON array of {studentId, questionNumber, answer}");
    }

    private <T> T readToken(JsonStep<T> step) {
        try {
            return step.read();
        } catch (JsonProcessingException e) {
            throw ZhiyueException.validation("body", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface JsonStep<T> {
        T read() throws IOException;
    }
}
