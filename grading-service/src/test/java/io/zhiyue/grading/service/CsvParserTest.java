package io.zhiyue.grading.service;

import io.zhiyue.grading.service.CsvParser.MalformedCsvException;
import io.zhiyue.grading.service.CsvParser.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvParserTest {

    @Test
    void plainRecords() {
        List<Record> records = CsvParser.parse("student_id,question_number,answer\ns1,1,yes\ns2,2,no\n");
        assertThat(records).extracting(Record::fields).containsExactly(
                List.of("student_id", "question_number", "answer"),
                List.of("s1", "1", "yes"),
                List.of("s2", "2", "no"));
        assertThat(records).extracting(Record::line).containsExactly(1, 2, 3);
    }

    @Test
    void noTrailingLineBreakStillEndsTheLastRecord() {
        assertThat(CsvParser.parse("a,b\nc,d")).extracting(Record::fields)
                .containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void quotedFieldKeepsItsCommas() {
        assertThat(CsvParser.parse("s1,1,\"photosynthesis, and pi is 3.14\"").get(0).fields())
                .containsExactly("s1", "1", "photosynthesis, and pi is 3.14");
    }

    @Test
    void doubledQuotesInsideAQuotedFieldAreOneQuote() {
        assertThat(CsvParser.parse("s1,1,\"he said \"\"hi\"\", then left\"").get(0).fields())
                .containsExactly("s1", "1", "he said \"hi\", then left");
        assertThat(CsvParser.parse("\"\"\"\"").get(0).fields()).containsExactly("\"");
    }

    @Test
    void lineBreaksInsideQuotesBelongToTheFieldAndLinesAreStillCounted() {
        List<Record> records = CsvParser.parse("h1,h2\n\"first\nsecond\",x\nnext,y\n");
        assertThat(records).extracting(Record::fields).containsExactly(
                List.of("h1", "h2"), List.of("first\nsecond", "x"), List.of("next", "y"));
        assertThat(records).extracting(Record::line).containsExactly(1, 2, 4);
    }

    @Test
    void crlfLineEndsAreOneLineEnd() {
        List<Record> records = CsvParser.parse("a,b\r\nc,d\r\n");
        assertThat(records).extracting(Record::fields).containsExactly(List.of("a", "b"), List.of("c", "d"));
        assertThat(records.get(1).fields().get(1)).doesNotContain("\r");
        assertThat(records).extracting(Record::line).containsExactly(1, 2);
    }

    @Test
    void crlfInsideQuotesIsKept() {
        assertThat(CsvParser.parse("\"a\r\nb\",c\r\n").get(0).fields()).containsExactly("a\r\nb", "c");
    }

    @Test
    void aLoneCarriageReturnEndsALine() {
        assertThat(CsvParser.parse("a,b\rc,d")).extracting(Record::fields)
                .containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void leadingByteOrderMarkIsIgnored() {
        List<Record> records = CsvParser.parse("\uFEFFstudent_id,question_number,answer\r\ns1,1,x\r\n");
        assertThat(records.get(0).fields()).containsExactly("student_id", "question_number", "answer");
        assertThat(records.get(0).fields().get(0)).hasSize("student_id".length());
    }

    @Test
    void blankLinesAreSkippedButKeepTheLineCount() {
        List<Record> records = CsvParser.parse("a,b\n\n\r\nc,d\n\n");
        assertThat(records).extracting(Record::fields).containsExactly(List.of("a", "b"), List.of("c", "d"));
        assertThat(records).extracting(Record::line).containsExactly(1, 4);
    }

    @Test
    void emptyFieldsAndAQuotedEmptyFieldAreRecords() {
        assertThat(CsvParser.parse("s1,1,").get(0).fields()).containsExactly("s1", "1", "");
        assertThat(CsvParser.parse(",,").get(0).fields()).containsExactly("", "", "");
        assertThat(CsvParser.parse("\"\"\n")).extracting(Record::fields).containsExactly(List.of(""));
    }

    @Test
    void emptyInputHasNoRecords() {
        assertThat(CsvParser.parse("")).isEmpty();
        assertThat(CsvParser.parse("\n\r\n")).isEmpty();
        assertThat(CsvParser.parse("\uFEFF")).isEmpty();
    }

    @Test
    void chineseAndFullWidthTextPassesThroughUnchanged() {
        assertThat(CsvParser.parse("学生1,1,\"光合作用，需要阳光、水\"\n").get(0).fields())
                .containsExactly("学生1", "1", "光合作用，需要阳光、水");
    }

    @Test
    void spacesAreKeptAsTheyAre() {
        assertThat(CsvParser.parse(" s1 , 1 ,  an answer ").get(0).fields()).containsExactly(" s1 ", " 1 ", "  an answer ");
    }

    @Test
    void unclosedQuoteIsMalformedAndNamesTheLineItStartsOn() {
        assertThatThrownBy(() -> CsvParser.parse("a,b\ns1,\"never closed\nmore"))
                .isInstanceOf(MalformedCsvException.class).hasMessageContaining("line 2").hasMessageContaining("never closed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s1,ab\"c\"d,x", "s1,a\"", "s1,\"quoted\"trailing,x", "s1,\"quoted\" ,x"})
    void strayQuotesAreMalformed(String text) {
        assertThatThrownBy(() -> CsvParser.parse(text)).isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void malformedLineNumberCountsEarlierLines() {
        assertThatThrownBy(() -> CsvParser.parse("h\nok\n\"multi\nline\"\nbad\"quote\n"))
                .isInstanceOf(MalformedCsvException.class).hasMessageContaining("line 5");
    }
}
