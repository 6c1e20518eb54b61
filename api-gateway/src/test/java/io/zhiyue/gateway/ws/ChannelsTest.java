package io.zhiyue.gateway.ws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelsTest {

    @Test
    void aStudentsChannelNamesTheStudentAsUploadsTakeIt() {
        assertThat(Channels.isValid("user:s-42")).isTrue();
        assertThat(Channels.isValid("user:2023.class-1_王小明@school")).isTrue();
        assertThat(Channels.isValid("user:")).isFalse();
        assertThat(Channels.isValid("user:Zhang San")).isTrue();
        assertThat(Channels.isValid("user:2023/001")).isTrue();
        assertThat(Channels.isValid("user:a\nb")).isFalse();
        assertThat(Channels.isValid("user:" + "x".repeat(65))).isFalse();
        assertThat(Channels.canonical("user:s-42")).isEqualTo("user:s-42");
        assertThat(Channels.isValid("job:not-a-uuid")).isFalse();
        assertThat(Channels.isValid("system")).isTrue();
    }
}
