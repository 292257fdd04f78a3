package io.presencesync.application.port;

import io.presencesync.domain.User;

import java.util.List;
import java.util.Map;

/** Finds the users behind configured references (UPN, address or object id). */
public interface UserDirectory {

    /**
     * Keyed by reference; every reference gets a result: the user, a definitive error (not found),
     * or Unavailable when the lookup itself failed and should be tried again.
     */
    Map<String, SourceResult<User>> resolve(List<String> references);
}
