package io.presencesync.adapter.sip;

import io.presencesync.application.federation.Activity;
import io.presencesync.application.federation.EventText;
import io.presencesync.domain.EventPresence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An active event presence as a PIDF document (RFC 3863) with RPID activities (RFC 4480): one tuple,
 * basic {@code open}, and one person whose activities name the generic state first ({@code busy},
 * {@code away}: many softphones read only the first), then {@code meeting} or {@code on-the-phone},
 * with the event's end in {@code until}, and a note. The tuple and person ids are presence-sync's
 * own ({@code ps-…}, stable per user), never a device's, so the server merges this publication with
 * the user's own devices instead of dropping one of them. Nothing but the state, reason and times
 * goes in: there is no subject to leak.
 */
final class PidfDocument {

    static final String CONTENT_TYPE = "application";
    static final String CONTENT_SUBTYPE = "pidf+xml";

    private final EventText text;
    private final String language;

    PidfDocument(EventText text, EventText.Language language) {
        this.text = text;
        this.language = language.name().toLowerCase(Locale.ROOT);
    }

    /** The document for {@code entity} (the presentity URI) showing {@code event}, an active one, as of {@code now}. */
    String xml(String entity, String tenant, String userId, EventPresence event, Instant now) {
        String id = id(tenant, userId);
        String note = escape(text.of(event, now));
        StringBuilder b = new StringBuilder(640);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"")
                .append(" xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"").append(escape(entity)).append("\">\n")
                .append("  <tuple id=\"").append(id).append("\">\n")
                .append("    <status><basic>open</basic></status>\n")
                .append("    <note xml:lang=\"").append(language).append("\">").append(note).append("</note>\n")
                .append("  </tuple>\n")
                .append("  <dm:person id=\"").append(id).append("-p\">\n")
                .append("    <rpid:activities from=\"").append(time(event.since())).append('"');
        if (event.until() != null) b.append(" until=\"").append(time(event.until())).append('"');
        b.append('>');
        for (Activity a : Activity.of(event)) b.append("<rpid:").append(element(a)).append("/>");
        b.append("</rpid:activities>\n")
                .append("    <dm:note xml:lang=\"").append(language).append("\">").append(note).append("</dm:note>\n")
                .append("  </dm:person>\n")
                .append("</presence>\n");
        return b.toString();
    }

    /**
     * The tuple id of a user's publication: {@code ps-} and a digest of tenant and user, the same
     * across restarts, so a new publication's tuple replaces one left behind in the server's merge.
     */
    static String id(String tenant, String userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((tenant + "/" + userId).getBytes(StandardCharsets.UTF_8));
            return "ps-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String element(Activity a) {
        return switch (a) {
            case BUSY -> "busy";
            case AWAY -> "away";
            case MEETING -> "meeting";
            case ON_THE_PHONE -> "on-the-phone";
        };
    }

    private static String time(Instant t) { return DateTimeFormatter.ISO_INSTANT.format(t); }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
