package io.presencesync.application.port;

/**
 * What a source learned about one user: a value, an error that concerns this user only (unknown
 * address, mailbox access denied), or no answer because the whole request failed (keep what was
 * known before and try again at the next poll).
 */
public sealed interface SourceResult<T> {

    /** The same result with an answer turned by {@code f}; errors stay as they are. */
    default <R> SourceResult<R> map(java.util.function.Function<T, R> f) {
        if (this instanceof Ok<T> ok) return new Ok<>(f.apply(ok.value()));
        if (this instanceof UserError<T> e) return new UserError<>(e.code(), e.message());
        return new Unavailable<>(((Unavailable<T>) this).message());
    }

    record Ok<T>(T value) implements SourceResult<T> {}

    /** A definitive answer for this user, e.g. code 5009 (unknown address) or ErrorAccessDenied. */
    record UserError<T>(String code, String message) implements SourceResult<T> {}

    /** The request carrying this user failed (network, throttling, 5xx); says nothing about the user. */
    record Unavailable<T>(String message) implements SourceResult<T> {}
}
