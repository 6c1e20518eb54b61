-- A write that changes nothing but updated_at (a stall check touching the job) is not a new version of the job.
-- (V12 as released incremented the version on every write; migrations are append-only, so the trigger's function
-- is replaced here.)
CREATE OR REPLACE FUNCTION grading_jobs_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'updated_at' - 'version') IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at' - 'version') THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END
$$;
