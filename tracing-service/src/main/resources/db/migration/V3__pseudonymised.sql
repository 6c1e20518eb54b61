-- An erased student's id in stored spans (README "Data lifecycle"): the document with every string in it, keys and
-- values at any depth, passed through regexp_replace(text, pattern, replacement, 'g'); numbers, booleans and the
-- shape stay as they were. plpgsql, as the function calls itself (a SQL function's body is checked when created).
CREATE FUNCTION pseudonymised(doc jsonb, pattern text, replacement text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    CASE jsonb_typeof(doc)
        WHEN 'string' THEN
            RETURN to_jsonb(regexp_replace(doc #>> '{}', pattern, replacement, 'g'));
        WHEN 'array' THEN
            RETURN coalesce((SELECT jsonb_agg(pseudonymised(item, pattern, replacement) ORDER BY position)
                             FROM jsonb_array_elements(doc) WITH ORDINALITY AS a(item, position)), '[]'::jsonb);
        WHEN 'object' THEN
            RETURN coalesce((SELECT jsonb_object_agg(regexp_replace(key, pattern, replacement, 'g'),
                                                     pseudonymised(value, pattern, replacement))
                             FROM jsonb_each(doc)), '{}'::jsonb);
        ELSE
            RETURN doc;
    END CASE;
END
$$;
