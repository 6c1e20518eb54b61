package io.zhiyue.shared;

import io.zhiyue.shared.stream.StreamId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamIdTest {

    @Test
    void comparesNumericallyNotAsText() {
        assertThat(StreamId.parse("9-0")).isLessThan(StreamId.parse("10-0"));
        assertThat(StreamId.parse("1732312312312-9")).isLessThan(StreamId.parse("1732312312312-10"));
        assertThat(StreamId.parse("1732312312313-0")).isGreaterThan(StreamId.parse("1732312312312-99"));
        assertThat(StreamId.parse("5-1").isAfter(null)).isTrue();
    }

    @Test
    void printsWhatItParsed() {
        assertThat(StreamId.parse("1732312312312-0")).hasToString("1732312312312-0");
    }

    @Test
    void rejectsAnythingThatIsNotAFullId() {
        for (String bad : new String[] {"", "-", "12", "12-", "-3", "a-1", "1-b", "1-2-3", "+", "$"}) {
            assertThatThrownBy(() -> StreamId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
