package io.zhiyue.grading.service;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
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
 * A CSV upload (RFC 4180, UTF-8, the format's header, a leading byte-order mark accepted), read
 * record by record with jackson-dataformat-csv. Blank lines are skipped; a record with the wrong
 * number of columns or a field the format cannot read rejects only its row; a missing header or a
 * broken quote rejects the upload.
 */
public final class CsvUploadRows<T> implements UploadRows<T> {

    /** The columns of a CSV upload and how one record's fields (as many as columns) become a row. */
    public record Format<T>(List<String> header, Reader<T> reader) {
    }

    @FunctionalInterface
    public interface Reader<T> {
        T read(String[] fields) throws RowProblem;
    }

    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final MappingIterator<String[]> records;
    private final Format<T> format;
    private int number;

    public CsvUploadRows(InputStream body, Format<T> format) {
        this.format = format;
        try {
            this.records = MAPPER.readerFor(String[].class).with(CsvSchema.emptySchema())
                    .readValues(new InputStreamReader(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw malformed(e, null);
        }
        readHeader();
    }

    private void readHeader() {
        String expected = String.join(",", format.header());
        if (!hasNext()) {
            throw ZhiyueException.validation("body", "the CSV is empty; expected the header " + expected);
        }
        String[] header = read();
        if (header.length > 0 && !header[0].isEmpty() && header[0].charAt(0) == BYTE_ORDER_MARK) {
            header[0] = header[0].substring(1);
        }
        List<String> names = Arrays.stream(header).map(name -> name.trim().toLowerCase(Locale.ROOT)).toList();
        if (!names.equals(format.header())) {
            throw ZhiyueException.validation("header", "expected the header " + expected + " but found "
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
    public Row<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String[] fields = read();
        int row = ++number;
        if (fields.length != format.header().size()) {
            return Row.unreadable(row, "expected " + format.header().size() + " columns, found " + fields.length);
        }
        try {
            return Row.readable(row, format.reader().read(fields));
        } catch (RowProblem problem) {
            return Row.unreadable(row, problem.getMessage());
        }
    }

    private String[] read() {
        JsonLocation start = records.getCurrentLocation();
        try {
            return records.nextValue();
        } catch (IOException e) {
            throw malformed(e, start);
        }
    }

    /** A whole number in a CSV field, or the row's problem naming the column. */
    public static int wholeNumber(String column, String field) throws RowProblem {
        try {
            return Integer.parseInt(field.trim());
        } catch (NumberFormatException e) {
            throw new RowProblem(column + " '" + field + "' is not a whole number");
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
