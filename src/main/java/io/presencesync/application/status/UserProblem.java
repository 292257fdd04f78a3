package io.presencesync.application.status;

import java.util.Objects;

/**
 * A user (or configured reference or group) that a source answered with a definitive error, e.g.
 * an unknown address (5009, Request_ResourceNotFound) or a mailbox the app may not read (ErrorAccessDenied).
 *
 * @param user the user's address, or the configured reference or group id that failed
 * @param code the source's error code: the reason admins group by
 */
public record UserProblem(String user, SyncStep step, String code, String message) {
    public UserProblem {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }
}
