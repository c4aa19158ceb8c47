package io.mqttbridge.routes;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementSplitterTest {

    private static List<String> texts(String sql) {
        return StatementSplitter.split("f.sql", sql).stream()
                .map(StatementSplitter.RawStatement::text)
                .collect(Collectors.toList());
    }

    @Test
    void splitsAtSemicolonsAndDropsEmptyStatements() {
        assertThat(texts("CREATE TABLE a (x INT);\n;\n  INSERT INTO a SELECT 1 ;\n"))
                .containsExactly("CREATE TABLE a (x INT)", "INSERT INTO a SELECT 1");
    }

    @Test
    void keepsLastStatementWithoutSemicolon() {
        assertThat(texts("SET 'a' = 'b'; INSERT INTO t SELECT 1")).containsExactly("SET 'a' = 'b'", "INSERT INTO t SELECT 1");
    }

    @Test
    void semicolonInStringWithEscapedQuoteDoesNotSplit() {
        assertThat(texts("SELECT 'it''s; here', x FROM t; SELECT 2"))
                .containsExactly("SELECT 'it''s; here', x FROM t", "SELECT 2");
    }

    @Test
    void semicolonInQuotedIdentifiersDoesNotSplit() {
        assertThat(texts("SELECT `a;b`, \"c;\"\"d\" FROM t; SELECT 2"))
                .containsExactly("SELECT `a;b`, \"c;\"\"d\" FROM t", "SELECT 2");
    }

    @Test
    void semicolonInCommentsDoesNotSplit() {
        assertThat(texts("SELECT 1 -- one; two\n, 2 /* three; ' four */ FROM t; SELECT 2"))
                .containsExactly("SELECT 1 -- one; two\n, 2 /* three; ' four */ FROM t", "SELECT 2");
    }

    @Test
    void commentOnlyStatementsAreDropped() {
        assertThat(texts("-- header; comment\n/* block; */\n;\n-- trailing")).isEmpty();
    }

    @Test
    void quoteCharactersInsideCommentsAreIgnored() {
        assertThat(texts("-- don't\nSELECT 1; /* \" ` */ SELECT 2;")).containsExactly("SELECT 1", "SELECT 2");
    }

    @Test
    void positionIsTheFirstTokenAfterLeadingCommentsAndWhitespace() {
        List<StatementSplitter.RawStatement> statements = StatementSplitter.split(
                "f.sql", "-- routes\n\nCREATE TABLE a (x INT);\n  /* note */  INSERT INTO a\n  SELECT 1;");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).line()).isEqualTo(3);
        assertThat(statements.get(0).column()).isEqualTo(1);
        assertThat(statements.get(1).line()).isEqualTo(4);
        assertThat(statements.get(1).column()).isEqualTo(15);
        assertThat(statements.get(1).text()).isEqualTo("INSERT INTO a\n  SELECT 1");
    }

    @Test
    void positionCountsMultiLineStringsAndComments() {
        List<StatementSplitter.RawStatement> statements =
                StatementSplitter.split("f.sql", "SELECT 'a\nb'; /*\n\n*/ SELECT 2");
        assertThat(statements.get(1).line()).isEqualTo(4);
        assertThat(statements.get(1).column()).isEqualTo(4);
    }

    @Test
    void trailingCommentIsNotPartOfTheStatement() {
        assertThat(texts("SELECT 1 -- end")).containsExactly("SELECT 1");
    }

    @Test
    void unterminatedStringIsLocated() {
        assertThatThrownBy(() -> StatementSplitter.split("f.sql", "SELECT 1;\nSELECT 'abc;"))
                .isInstanceOf(RoutesException.class)
                .hasMessage("f.sql:2:8: string literal '...' starting here is never closed");
    }

    @Test
    void unterminatedBlockCommentIsLocated() {
        assertThatThrownBy(() -> StatementSplitter.split("f.sql", "SELECT 1; /* open"))
                .isInstanceOf(RoutesException.class)
                .hasMessage("f.sql:1:11: block comment '/*' is never closed with '*/'");
    }

    @Test
    void unterminatedBacktickIsLocated() {
        assertThatThrownBy(() -> StatementSplitter.split("f.sql", "\n\n  SELECT `x FROM t"))
                .isInstanceOf(RoutesException.class)
                .hasMessageStartingWith("f.sql:3:10: quoted identifier `...`");
    }
}
