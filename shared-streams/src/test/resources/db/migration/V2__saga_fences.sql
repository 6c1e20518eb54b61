-- What a saga participant's own migration adds (SagaParticipant).
CREATE TABLE saga_fences (
    saga_id     uuid        PRIMARY KEY,
    token       bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
