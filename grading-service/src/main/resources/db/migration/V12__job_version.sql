-- Every write to a job increments its version in the same transaction (one trigger, so no
-- statement can forget it): a write answers the version, the job's events carry it, and a reader
-- of a read model (cache-service) can ask for at least the version it wrote. A write that changes
-- nothing but updated_at (a stall check touching the job) is not a new version.
ALTER TABLE grading_jobs ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION grading_jobs_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'updated_at' - 'version') IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at' - 'version') THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER grading_jobs_version BEFORE UPDATE ON grading_jobs
    FOR EACH ROW EXECUTE FUNCTION grading_jobs_next_version();
