package io.zhiyue.checkpoint.rest;

import com.fasterxml.jackson.core.JsonParser;
import io.zhiyue.checkpoint.model.CheckpointPut;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;

/**
 * A put's body, parsed with the codec reads use (so a number is the same number both ways: exact
 * decimals, 1e400 a number rather than an infinity the hash cannot take) straight from the stream
 * over the request's buffered bytes. Taking the body as one {@code byte[]} first copied a large
 * state twice more (the chunks it was gathered in, then the array), about a fifth of what a 100 KB
 * put allocated. An empty (or blank) body is no put (null), which the store refuses as a missing
 * state.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class CheckpointPutReader implements MessageBodyReader<CheckpointPut> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == CheckpointPut.class;
    }

    @Override
    public CheckpointPut readFrom(Class<CheckpointPut> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, String> headers, InputStream body) {
        // the parser closes the stream when done: nothing reads the request's body after its reader
        try (JsonParser parser = JsonCodec.mapper().createParser(body)) {
            return parser.nextToken() == null ? null : parser.readValueAs(CheckpointPut.class);
        } catch (IOException e) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "the body is not a checkpoint as JSON",
                    List.of(new FieldError("body", "must be {\"state\": {…}, \"metadata\"?: {…}, \"parentId\"?: \"…\"}")));
        }
    }
}
