package io.zhiyue.grading.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.NoSuchElementException;

/**
 * A JSON upload, an array of objects, read element by element with Jackson's streaming parser
 * (one element in memory at a time). A field of the wrong type rejects only its row; unknown
 * fields are ignored; text that is not a JSON array (or anything after it) rejects the upload.
 */
public final class JsonUploadRows<T> implements UploadRows<T> {

    /** How one array element becomes a row; {@code shape} names the expected object in messages. */
    public record Format<T>(String shape, Reader<T> reader) {
    }

    @FunctionalInterface
    public interface Reader<T> {
        T read(JsonNode object) throws RowProblem;
    }

    private final JsonParser parser;
    private final Format<T> format;
    private int number;
    private JsonToken next;
    private boolean started;
    private boolean finished;

    public JsonUploadRows(InputStream body, Format<T> format) {
        this.format = format;
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
                    throw ZhiyueException.validation("body", "expected a JSON array of " + format.shape());
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
    public Row<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        JsonToken token = next;
        next = null;
        int row = ++number;
        return readToken(() -> {
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return Row.unreadable(row, "expected an object " + format.shape());
            }
            JsonNode object = parser.readValueAsTree();
            try {
                return Row.readable(row, format.reader().read(object));
            } catch (RowProblem problem) {
                return Row.unreadable(row, problem.getMessage());
            }
        });
    }

    /** A text field: absent or null is null, anything but a string the row's problem. */
    public static String text(JsonNode object, String field) throws RowProblem {
        JsonNode value = object.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new RowProblem(field + " must be a string");
        }
        return value.asText();
    }

    /** A whole-number field (an int): absent or null is null. */
    public static Integer wholeNumber(JsonNode object, String field) throws RowProblem {
        JsonNode value = object.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new RowProblem(field + " must be a whole number");
        }
        return value.intValue();
    }

    /** A number field: absent or null is null. */
    public static BigDecimal number(JsonNode object, String field) throws RowProblem {
        JsonNode value = object.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new RowProblem(field + " must be a number");
        }
        return value.decimalValue();
    }

    private <R> R readToken(JsonStep<R> step) {
        try {
            return step.read();
        } catch (JsonProcessingException e) {
            throw ZhiyueException.validation("body", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface JsonStep<R> {
        R read() throws IOException;
    }
}
