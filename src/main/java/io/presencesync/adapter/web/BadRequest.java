package io.presencesync.adapter.web;

/** A request the client must correct: answered with 400 and the message (and field) in JSON. */
final class BadRequest extends RuntimeException {

    private final String field;

    /** @param field the offending field or parameter, or null when the request as a whole is wrong */
    BadRequest(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() { return field; }
}
