package io.zhiyue.grading.service;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF line
 * ends; a leading byte-order mark (as spreadsheet programs write) is ignored.
 */
public final class CsvParser {

    /** One record and the physical line it starts on (1-based), for error messages. */
    public record Record(int line, List<String> fields) {
    }

    public static final class MalformedCsvException extends RuntimeException {
        MalformedCsvException(String message) {
            super(message, null, false, false);
        }
    }

    private CsvParser() {
    }

    public static List<Record> parse(String text) {
        List<Record> records = new ArrayList<>();
        int start = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        int line = 1;
        int recordLine = 1;
        int i = start;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (field.isEmpty() && !fieldWasQuoted) {
                        quoted = true;
                        fieldWasQuoted = true;
                    } else {
                        throw new MalformedCsvException("line " + line + ": a quote inside an unquoted field");
                    }
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldWasQuoted = false;
                }
                case '\r' -> {
                    // part of CRLF; a lone CR is treated as a line end too
                    if (i + 1 >= n || text.charAt(i + 1) != '\n') {
                        endRecord(records, fields, field, fieldWasQuoted, recordLine);
                        fieldWasQuoted = false;
                        line++;
                        recordLine = line;
                    }
                }
                case '\n' -> {
                    endRecord(records, fields, field, fieldWasQuoted, recordLine);
                    fieldWasQuoted = false;
                    line++;
                    recordLine = line;
                }
                default -> {
                    if (fieldWasQuoted) {
                        throw new MalformedCsvException("line " + line + ": text after a closing quote");
                    }
                    field.append(c);
                }
            }
            i++;
        }
        if (quoted) {
            throw new MalformedCsvException("line " + recordLine + ": a quoted field is never closed");
        }
        endRecord(records, fields, field, fieldWasQuoted, recordLine);
        return records;
    }

    private static void endRecord(List<Record> records, List<String> fields, StringBuilder field,
            boolean fieldWasQuoted, int line) {
        if (fields.isEmpty() && field.isEmpty() && !fieldWasQuoted) {
            return; // blank line
        }
        fields.add(field.toString());
        records.add(new Record(line, List.copyOf(fields)));
        fields.clear();
        field.setLength(0);
    }
}
