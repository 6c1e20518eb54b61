package io.zhiyue.grading.grader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class TextNormalizerTest {

    @Test
    void fullWidthLettersAndDigitsBecomeHalfWidthLowerCase() {
        assertThat(TextNormalizer.normalize("ＡＢＣ１２３")).isEqualTo("abc123");
    }

    @Test
    void fullWidthPunctuationAndCircledDigitsFoldToAscii() {
        assertThat(TextNormalizer.normalize("３．１４")).isEqualTo("3.14");
        assertThat(TextNormalizer.normalize("（ｘ＋１）")).isEqualTo("(x+1)");
        assertThat(TextNormalizer.normalize("①")).isEqualTo("1");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t\n", "\u3000\u3000", "\u00A0"})
    void nullEmptyAndBlankBecomeEmpty(String text) {
        assertThat(TextNormalizer.normalize(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'  Hello\t\n  World  '|hello world",
            "'光合作用\u3000\u3000是'|光合作用 是",
            "'a\u00A0\u00A0b'|a b",
            "'Cell \r\n Wall'|cell wall",
    })
    void trimsAndCollapsesEveryWhiteSpaceRunToOneSpace(String text, String expected) {
        assertThat(TextNormalizer.normalize(text)).isEqualTo(expected);
    }

    @Test
    void chineseTextIsKeptAsIs() {
        assertThat(TextNormalizer.normalize("植物通过光合作用制造有机物")).isEqualTo("植物通过光合作用制造有机物");
    }

    @Test
    void lowerCasingIgnoresTheDefaultLocale() {
        Locale previous = Locale.getDefault();
        try {
            // In Turkish, "I".toLowerCase() is a dotless ı, which would never match a phrase typed as "i".
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(TextNormalizer.normalize("TITLE")).isEqualTo("title");
        } finally {
            Locale.setDefault(previous);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ＡＢＣ　ＤＥＦ", "  Mixed\tCASE  text ", "３．１４ｍ／ｓ", "光合作用 ATP"})
    void isIdempotent(String text) {
        String once = TextNormalizer.normalize(text);
        assertThat(TextNormalizer.normalize(once)).isEqualTo(once);
    }
}
