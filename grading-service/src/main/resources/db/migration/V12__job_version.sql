-- Every write to a job increments its version in the same transaction (one trigger, so no
-- statement can forget it): a write answers the version, the job's events carry it, and a reader
-- of a read model (cache-service) can ask for at least the version it wrote.
ALTER TABLE grading_jobs ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION grading_jobs_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER grading_jobs_version BEFORE UPDATE ON grading_jobs
    FOR EACH ROW EXECUTE FUNCTION grading_jobs_next_version();
