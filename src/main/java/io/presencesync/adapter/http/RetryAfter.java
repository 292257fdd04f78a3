package io.presencesync.adapter.http;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one reader of HTTP's {@code Retry-After} (RFC 9110 §10.2.3), for Graph answers, Graph's
 * {@code $batch} items and HTTP presence stores alike. What a caller does with the wait (a cap, a
 * minimum, a back-off when there is none) stays the caller's policy.
 */
public final class RetryAfter {

    /**
     * The longest wait read: a larger one is read as this. Nobody sensibly asks for more than a day,
     * and it keeps {@code now + wait} far inside {@link Instant}'s range for every caller.
     */
    public static final Duration LONGEST = Duration.ofDays(1);
    private static final Pattern DELAY_SECONDS = Pattern.compile("\\d+");

    private RetryAfter() {}

    /**
     * The wait {@code value} asks for: delay-seconds ({@code 120}) or an HTTP-date
     * ({@code Wed, 21 Oct 2015 07:28:00 GMT}) measured from {@code clock}'s now; a date gone by is no
     * wait. Whitespace around the value is ignored. Empty when the value is absent, blank or
     * unreadable (a sign, a fraction, any other text): then the caller's own back-off applies.
     */
    public static Optional<Duration> parse(String value, Clock clock) {
        if (value == null || value.isBlank()) return Optional.empty();
        String v = value.strip();
        if (DELAY_SECONDS.matcher(v).matches()) {
            // A number too long for a long is still a valid, if absurd, delay.
            return Optional.of(v.length() > 18 ? LONGEST : atMostLongest(Duration.ofSeconds(Long.parseLong(v))));
        }
        try {
            Instant at = DateTimeFormatter.RFC_1123_DATE_TIME.parse(v, Instant::from);
            Duration wait = Duration.between(clock.instant(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : atMostLongest(wait));
        } catch (DateTimeException unreadable) {
            return Optional.empty();
        }
    }

    private static Duration atMostLongest(Duration wait) {
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }
}
