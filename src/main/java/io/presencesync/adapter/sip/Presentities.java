package io.presencesync.adapter.sip;

import io.presencesync.domain.User;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A user's presentity URI from the configured template: {address}, {localpart} and {domain} of the
 * user's directory address. A user whose address makes no valid SIP URI is refused (not published).
 */
final class Presentities {

    /** RFC 3261's user characters: unreserved, escaped and user-unreserved ones. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    private final String template;

    Presentities(String template) { this.template = template; }

    /** The presentity, e.g. {@code sip:anna.schmidt@uc.example.com}. */
    String of(User user) {
        String address = user.address();
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) throw new IllegalArgumentException("address " + address + " is not local@domain");
        String uri = template.replace("{address}", address)
                .replace("{localpart}", address.substring(0, at))
                .replace("{domain}", address.substring(at + 1).toLowerCase(Locale.ROOT));
        int sep = uri.lastIndexOf('@');
        String userPart = uri.substring("sip:".length(), sep);
        String host = uri.substring(sep + 1);
        if (!USER.matcher(userPart).matches() || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("address " + address + " makes no valid SIP URI from " + template + " (" + uri + ")");
        }
        return uri;
    }
}
