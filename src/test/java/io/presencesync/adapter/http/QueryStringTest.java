package io.presencesync.adapter.http;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryStringTest {

    @Test
    void namesAndValuesArePercentDecodedAndAPlusIsASpace() {
        assertThat(QueryString.parse("%24select=id%2Cmail&q=anna+schmidt&tenant=contoso"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("$select", "id,mail", "q", "anna schmidt", "tenant", "contoso"));
    }

    @Test
    void theFirstValueOfARepeatedNameWinsAndANameAloneHasTheEmptyValue() {
        assertThat(QueryString.parse("page=1&page=2&debug&&x=")).containsExactlyInAnyOrderEntriesOf(Map.of("page", "1", "debug", "", "x", ""));
    }

    @Test
    void noQueryHasNoParameters() {
        assertThat(QueryString.parse(null)).isEmpty();
        assertThat(QueryString.parse("")).isEmpty();
    }

    @Test
    void malformedPercentEncodingIsRefusedForTheCallerToAnswerInItsOwnFormat() {
        assertThatThrownBy(() -> QueryString.parse("q=%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueryString.parse("q=50%")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenQueriesLeaveOutEmptyValuesAndReadBackAsWritten() {
        String query = QueryString.of("tenant", "contoso", "q", "anna & ben", "empty", "", "none", null, "page", "2");

        assertThat(query).isEqualTo("tenant=contoso&q=anna+%26+ben&page=2");
        assertThat(QueryString.parse(query)).containsExactlyInAnyOrderEntriesOf(Map.of("tenant", "contoso", "q", "anna & ben", "page", "2"));
    }
}
