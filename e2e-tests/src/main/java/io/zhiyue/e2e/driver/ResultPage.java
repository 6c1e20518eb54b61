package io.zhiyue.e2e.driver;

import java.util.List;

/** One page of {@code GET /grading-jobs/{jobId}/results}; {@code nextCursor} continues (null: the last page). */
public record ResultPage(List<Result> items, int page, int pageSize, long total, String nextCursor) {
}
