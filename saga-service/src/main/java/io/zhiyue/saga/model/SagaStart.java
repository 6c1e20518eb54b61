package io.zhiyue.saga.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request to start a saga (internal: services start the sagas they need): the definition's name, the caller's
 * key (the same key starts the saga once), and the data its steps get.
 */
public record SagaStart(String definition, String requestKey, JsonNode data) {
}
