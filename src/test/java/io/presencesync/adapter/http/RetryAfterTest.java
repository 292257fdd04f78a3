package io.presencesync.adapter.http;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    static final Clock NOW = Clock.fixed(Instant.parse("2025-03-10T08:00:00Z"), ZoneOffset.UTC);

    static Optional<Duration> parse(String value) {
        return RetryAfter.parse(value, NOW);
    }

    @Test
    void delaySecondsAreAWaitOfThatManySeconds() {
        assertThat(parse("120")).contains(Duration.ofSeconds(120));
        assertThat(parse("0")).contains(Duration.ZERO);
    }

    @Test
    void anHttpDateIsAWaitUntilThenByTheInjectedClock() {
        assertThat(parse("Mon, 10 Mar 2025 08:00:30 GMT")).contains(Duration.ofSeconds(30));
    }

    @Test
    void aDateGoneByMeansNoWait() {
        assertThat(parse("Mon, 10 Mar 2025 07:59:00 GMT")).contains(Duration.ZERO);
        assertThat(parse("Thu, 01 Jan 1970 00:00:00 GMT")).contains(Duration.ZERO);
    }

    @Test
    void whitespaceAroundTheValueIsIgnored() {
        assertThat(parse("  7 \t")).contains(Duration.ofSeconds(7));
        assertThat(parse(" Mon, 10 Mar 2025 08:01:00 GMT ")).contains(Duration.ofMinutes(1));
    }

    @Test
    void aNegativeSignedOrFractionalNumberIsUnreadableSoTheCallersBackOffApplies() {
        assertThat(parse("-5")).isEmpty();
        assertThat(parse("+5")).isEmpty();
        assertThat(parse("1.5")).isEmpty();
        assertThat(parse("1 5")).isEmpty();
    }

    @Test
    void garbageAndAbsentValuesAreUnreadable() {
        assertThat(parse("soon")).isEmpty();
        assertThat(parse("Mon, 32 Mar 2025 08:00:00 GMT")).isEmpty();
        assertThat(parse("")).isEmpty();
        assertThat(parse("   ")).isEmpty();
        assertThat(parse(null)).isEmpty();
    }

    @Test
    void aHugeWaitIsReadAsTheLongestSoNoCallerOverflowsAnInstant() {
        assertThat(parse("172800")).contains(RetryAfter.LONGEST);
        assertThat(parse("9223372036854775807")).contains(RetryAfter.LONGEST);
        assertThat(parse("99999999999999999999999999")).contains(RetryAfter.LONGEST);
        assertThat(parse("Fri, 31 Dec 9999 23:59:59 GMT")).contains(RetryAfter.LONGEST);
    }
}
