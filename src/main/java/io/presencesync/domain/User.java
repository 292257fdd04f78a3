package io.presencesync.domain;

import java.util.Objects;

/**
 * A directory user whose presence is synchronised.
 *
 * @param id      the Entra ID object id (the presence API needs it)
 * @param address the primary SMTP address (free/busy is asked by address)
 */
public record User(String id, String address) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }
}
