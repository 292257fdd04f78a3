package io.presencesync.domain;

import java.util.Objects;

/**
 * A directory user whose presence is synchronised.
 *
 * @param id          the Entra ID object id (the presence API needs it)
 * @param address     the primary SMTP address (free/busy is asked by address)
 * @param displayName the directory's display name ("Anna Schmidt"), or null when it gives none
 */
public record User(String id, String address, String displayName) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (displayName != null && displayName.isBlank()) displayName = null;
    }

    /** A user the directory gave no display name for. */
    public User(String id, String address) {
        this(id, address, null);
    }
}
