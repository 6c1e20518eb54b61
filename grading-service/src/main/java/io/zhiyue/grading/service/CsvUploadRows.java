package io.zhiyue.grading.service;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.zhiyue.grading.model.SubmissionInput;
import io.zhiyue.shared.error.ZhiyueException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A CSV upload (RFC 4180, UTF-8, header {@code student_id,question_number,answer}, a leading
 * byte-order mark accepted), read record by record with jackson-dataformat-csv. Blank lines are
 * skipped; a record with the wrong number of columns or a question number that is not a whole
 * number rejects only its row; a missing header or a broken quote rejects the upload.
 */
public final class CsvUploadRows implements UploadRows {

    public static final List<String> HEADER = List.of("student_id", "question_number", "answer");
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final MappingIterator<String[]> records;
    private int number;

    public CsvUploadRows(InputStream body) {
        try {
            this.records = MAPPER.readerFor(String[].class).with(CsvSchema.emptySchema())
                    .readValues(new InputStreamReader(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw malformed(e, null);
        }
        readHeader();
    }

    private void readHeader() {
        if (!hasNext()) {
            throw ZhiyueException.validation("body", "the CSV is empty; expected the header student_id,question_number,answer");
        }
        String[] header = read();
        if (header.length > 0 && !header[0].isEmpty() && header[0].charAt(0) == BYTE_ORDER_MARK) {
            header[0] = header[0].substring(1);
        }
        List<String> names = Arrays.stream(header).map(name -> name.trim().toLowerCase(Locale.ROOT)).toList();
        if (!names.equals(HEADER)) {
            throw ZhiyueException.validation("header", "expected the header student_id,question_number,answer but found "
                    + String.join(",", header));
        }
    }

    @Override
    public boolean hasNext() {
        try {
            return records.hasNextValue();
        } catch (IOException e) {
            throw malformed(e, records.getCurrentLocation());
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String[] fields = read();
        int row = ++number;
        if (fields.length != HEADER.size()) {
            return Row.unreadable(row, "expected 3 columns, found " + fields.length);
        }
        Integer questionNumber;
        try {
            questionNumber = Integer.valueOf(fields[1].trim());
        } catch (NumberFormatException e) {
            return Row.unreadable(row, "question_number '" + fields[1] + "' is not a whole number");
        }
        return Row.readable(row, new SubmissionInput(fields[0], questionNumber, fields[2]));
    }

    private String[] read() {
        JsonLocation start = records.getCurrentLocation();
        try {
            return records.nextValue();
        } catch (IOException e) {
            throw malformed(e, start);
        }
    }

    /** A CSV that cannot be read on, naming the line its broken record starts on. */
    private static RuntimeException malformed(IOException e, JsonLocation start) {
        if (!(e instanceof JsonProcessingException parse)) {
            return new UncheckedIOException(e);
        }
        String where = start == null || start.getLineNr() < 1 ? "" : " (the record starting on line "
                + start.getLineNr() + ")";
        return ZhiyueException.validation("body", "malformed CSV" + where + ": " + parse.getOriginalMessage());
    }
}
