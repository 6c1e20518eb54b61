package io.zhiyue.streams.consumer;

import io.zhiyue.shared.event.Envelope;

/**
 * One delivery of a stream entry to a handler.
 *
 * @param deliveries how often the entry has been delivered, this time included
 * @param traceparent the consumer span's W3C traceparent (the producer's trace continued):
 *                    pass it on to whatever this handler publishes
 */
public record Delivery(String stream, String entryId, Envelope envelope, int deliveries, String traceparent) {
}
