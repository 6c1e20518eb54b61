-- cache-service takes part in sagas (the score override): its fence per saga (shared-streams SagaParticipant).
CREATE TABLE saga_fences (
    saga_id     uuid        PRIMARY KEY,
    token       bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
