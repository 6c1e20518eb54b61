package io.zhiyue.grading.grader;

import io.zhiyue.shared.error.Problem;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a question's scale and rubric before it is stored. Returns every problem found as a
 * field error with a JSON path ({@code rubric.points[2].match.regex}); an empty list means valid.
 */
public final class RubricValidator {

    public static final BigDecimal MAX_SCORE_LIMIT = new BigDecimal("1000");
    public static final int MAX_POINTS = 100;
    public static final int MAX_ID_LENGTH = 64;
    private static final String NUL_MESSAGE = "must not contain the NUL character (U+0000)";

    private RubricValidator() {
    }

    public static List<Problem.FieldError> validate(BigDecimal maxScore, BigDecimal scoreStep, Rubric rubric) {
        List<Problem.FieldError> errors = new ArrayList<>(validateScale(maxScore, scoreStep));
        errors.addAll(validateRubric(rubric));
        return List.copyOf(errors);
    }

    /** A question's maxScore and scoreStep alone (a question in ai marking mode may have no rubric points). */
    public static List<Problem.FieldError> validateScale(BigDecimal maxScore, BigDecimal scoreStep) {
        List<Problem.FieldError> errors = new ArrayList<>();
        boolean maxScoreValid = false;
        if (maxScore == null) {
            errors.add(error("maxScore", "is required"));
        } else if (maxScore.signum() <= 0) {
            errors.add(error("maxScore", "must be greater than 0"));
        } else if (maxScore.compareTo(MAX_SCORE_LIMIT) > 0) {
            errors.add(error("maxScore", "must be at most " + MAX_SCORE_LIMIT));
        } else {
            maxScoreValid = true;
        }
        if (scoreStep != null) {
            if (scoreStep.signum() <= 0) {
                errors.add(error("scoreStep", "must be greater than 0"));
            } else if (maxScoreValid && scoreStep.compareTo(maxScore) > 0) {
                errors.add(error("scoreStep", "must not exceed maxScore"));
            }
        }
        return errors;
    }

    /** The rubric part alone; the grader uses it to refuse a rubric it could only misgrade. */
    public static List<Problem.FieldError> validateRubric(Rubric rubric) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (rubric == null) {
            errors.add(error("rubric", "is required"));
            return errors;
        }
        List<ScoringPoint> points = rubric.points();
        if (points == null || points.isEmpty()) {
            errors.add(error("rubric.points", "must contain at least 1 scoring point"));
            return errors;
        }
        if (points.size() > MAX_POINTS) {
            // Per-point errors of an oversized rubric would only bloat the response.
            errors.add(error("rubric.points", "must contain at most " + MAX_POINTS + " scoring points"));
            return errors;
        }
        Map<String, Integer> firstIndexById = new HashMap<>();
        for (int i = 0; i < points.size(); i++) {
            String path = "rubric.points[" + i + "]";
            ScoringPoint point = points.get(i);
            if (point == null) {
                errors.add(error(path, "is required"));
                continue;
            }
            validateId(point.id(), path, i, firstIndexById, errors);
            if (point.points() == null) {
                errors.add(error(path + ".points", "is required"));
            } else if (point.points().abs().compareTo(MAX_SCORE_LIMIT) > 0) {
                errors.add(error(path + ".points", "must be between -" + MAX_SCORE_LIMIT + " and " + MAX_SCORE_LIMIT));
            } else if (point.points().stripTrailingZeros().scale() > 2) {
                errors.add(error(path + ".points", "takes at most two decimals"));
            }
            rejectNul(point.description(), path + ".description", errors);
            validateMatch(point.match(), path + ".match", errors);
        }
        return errors;
    }

    private static void validateId(String id, String path, int index, Map<String, Integer> firstIndexById,
            List<Problem.FieldError> errors) {
        if (id == null || id.isBlank()) {
            errors.add(error(path + ".id", "is required"));
        } else if (id.indexOf('\u0000') >= 0) {
            errors.add(error(path + ".id", NUL_MESSAGE));
        } else if (id.length() > MAX_ID_LENGTH) {
            errors.add(error(path + ".id", "must be at most " + MAX_ID_LENGTH + " characters"));
        } else {
            Integer first = firstIndexById.putIfAbsent(id, index);
            if (first != null) {
                errors.add(error(path + ".id", "must be unique; '" + id + "' is already used by rubric.points["
                        + first + "]"));
            }
        }
    }

    private static void validateMatch(Match match, String path, List<Problem.FieldError> errors) {
        if (match == null) {
            errors.add(error(path, "is required"));
            return;
        }
        if (match.anyOf() == null && match.allOf() == null && match.regex() == null && match.numeric() == null) {
            errors.add(error(path, "must name at least one of anyOf, allOf, regex, numeric"));
            return;
        }
        validatePhrases(match.anyOf(), path + ".anyOf", errors);
        validatePhrases(match.allOf(), path + ".allOf", errors);
        if (match.regex() != null) {
            validateRegex(match.regex(), path + ".regex", errors);
        }
        NumericMatch numeric = match.numeric();
        if (numeric != null) {
            if (numeric.value() == null) {
                errors.add(error(path + ".numeric.value", "is required"));
            }
            if (numeric.tolerance() == null) {
                errors.add(error(path + ".numeric.tolerance", "is required"));
            } else if (numeric.tolerance().signum() < 0) {
                errors.add(error(path + ".numeric.tolerance", "must be at least 0"));
            }
        }
    }

    private static void validatePhrases(List<String> phrases, String path, List<Problem.FieldError> errors) {
        if (phrases == null) {
            return;
        }
        if (phrases.isEmpty()) {
            errors.add(error(path, "must not be empty"));
            return;
        }
        for (int i = 0; i < phrases.size(); i++) {
            // Checked in normalised form: a phrase of only no-break or ideographic spaces matches every answer.
            if (TextNormalizer.normalize(phrases.get(i)).isEmpty()) {
                errors.add(error(path + "[" + i + "]", "must not be blank"));
            } else {
                rejectNul(phrases.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static void validateRegex(String regex, String path, List<Problem.FieldError> errors) {
        if (regex.isBlank()) {
            errors.add(error(path, "must not be blank"));
            return;
        }
        if (regex.indexOf('\u0000') >= 0) {
            errors.add(error(path, NUL_MESSAGE));
            return;
        }
        try {
            Pattern.compile(regex, RuleBasedGrader.REGEX_FLAGS);
        } catch (PatternSyntaxException e) {
            errors.add(error(path, "is not a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "")));
        }
    }

    /** PostgreSQL text and jsonb cannot hold U+0000, so it is refused up front with the field named. */
    private static void rejectNul(String text, String path, List<Problem.FieldError> errors) {
        if (text != null && text.indexOf('\u0000') >= 0) {
            errors.add(error(path, NUL_MESSAGE));
        }
    }

    private static Problem.FieldError error(String field, String message) {
        return new Problem.FieldError(field, message);
    }
}
