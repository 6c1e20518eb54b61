package io.zhiyue.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;

/** The one JSON configuration used for stream payloads and hashes outside REST. */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    /** The settings {@code JsonNode.toString()} writes with (Jackson's defaults): canonical text escapes as it does. */
    private static final JsonFactory PLAIN = new JsonFactory();

    private JsonCodec() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Canonical JSON: object keys sorted, no white space, numbers as plain decimals without
     * trailing zeros ({@code 1.50} and {@code 1.5} are the same number). Stable input for hashes.
     * Trees nest at most 1,000 deep (Jackson's write limit, the same as its read limit).
     */
    public static String canonical(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = PLAIN.createGenerator(text)) {
            writeCanonical(node, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * {@code sha256Hex(canonical(node))} without holding the text: the canonical JSON is encoded
     * to UTF-8 (unpaired surrogates as {@code ?}, as {@link String#getBytes} encodes them) straight
     * into the digest, so a large tree costs no copy of itself as text.
     */
    public static String canonicalSha256Hex(JsonNode node) {
        MessageDigest digest = sha256();
        OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest);
        try (JsonGenerator out = PLAIN.createGenerator(
                // buffered: the generator writes each escape on its own, and the encoder wraps every write
                new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 8192))) {
            writeCanonical(node, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }

    /**
     * One generator for the whole tree (a generator per string, as {@code JsonNode.toString()}
     * makes, cost most of a large state's hash); strings and names are escaped as
     * {@code toString()} escapes them, so the text, and every hash stored from it, stays the same.
     */
    private static void writeCanonical(JsonNode node, JsonGenerator out) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.writeNull();
        } else if (node.isObject()) {
            String[] names = new String[node.size()];
            Iterator<String> fields = node.fieldNames();
            for (int i = 0; fields.hasNext(); i++) {
                names[i] = fields.next();
            }
            Arrays.sort(names);
            out.writeStartObject();
            for (String name : names) {
                out.writeFieldName(name);
                writeCanonical(node.get(name), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                writeCanonical(element, out);
            }
            out.writeEndArray();
        } else if (node.isIntegralNumber()) {
            out.writeRawValue(node.asText());
        } else if (node.isNumber()) {
            BigDecimal number = node.decimalValue().stripTrailingZeros();
            out.writeRawValue(number.signum() == 0 ? "0" : number.toPlainString());
        } else if (node.isTextual()) {
            out.writeString(node.textValue());
        } else if (node.isBoolean()) {
            out.writeBoolean(node.booleanValue());
        } else {
            out.writeRawValue(node.toString());
        }
    }
}
