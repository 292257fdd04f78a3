package io.presencesync.adapter.web;

import io.presencesync.domain.PresenceState;

import java.util.Locale;

/**
 * A presence as the source document draws it, in inline SVG: a disc in the normative colour with
 * its arrow; DO NOT DISTURB interrupted by a white horizontal bar; INACTIVE split into yellow and
 * green by a white diagonal bar, with both arrows.
 */
final class PresenceIcon {

    static final PresenceState AVAILABLE = PresenceState.AVAILABLE;
    static final PresenceState AWAY = PresenceState.AWAY;

    private PresenceIcon() {}

    static String svg(PresenceState state, int size) {
        StringBuilder svg = new StringBuilder()
                .append("<svg class=\"icon\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" viewBox=\"0 0 20 20\" role=\"img\" aria-label=\"").append(Html.escape(state.label())).append("\">")
                .append("<title>").append(Html.escape(state.label())).append("</title>");
        switch (state) {
            case INACTIVE -> {
                // Upper right: away (yellow, brown arrow up-right); lower left: available (green, arrow down-left).
                // Two half discs meeting under the white bar, so no colour fringes at the other's edge.
                svg.append("<path d=\"M3.64 3.64 A9 9 0 0 1 16.36 16.36 Z\" fill=\"").append(AWAY.colour()).append("\"/>")
                        .append("<path d=\"M3.64 3.64 A9 9 0 0 0 16.36 16.36 Z\" fill=\"").append(AVAILABLE.colour()).append("\"/>")
                        .append("<line x1=\"3.3\" y1=\"3.3\" x2=\"16.7\" y2=\"16.7\" stroke=\"#fff\" stroke-width=\"2.6\"/>")
                        .append(arrow(11.6, 8.4, 15.4, 4.6, AWAY.arrowColour()))
                        .append(arrow(8.4, 11.6, 4.6, 15.4, AVAILABLE.arrowColour()));
            }
            case DO_NOT_DISTURB -> svg.append(disc(state.colour()))
                    .append(arrow(14.5, 14.5, 5.5, 5.5, state.arrowColour()))
                    .append("<rect x=\"2.5\" y=\"8.5\" width=\"15\" height=\"3\" fill=\"#fff\"/>");
            default -> svg.append(disc(state.colour())).append(arrowFor(state));
        }
        return svg.append("</svg>").toString();
    }

    /** The CSS class naming a state, e.g. {@code state-do-not-disturb}. */
    static String cssClass(PresenceState state) {
        return "state-" + state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String arrowFor(PresenceState state) {
        return switch (state.arrow()) {
            case DOWN_LEFT -> arrow(14.5, 5.5, 5.5, 14.5, state.arrowColour());
            case UP_LEFT -> arrow(14.5, 14.5, 5.5, 5.5, state.arrowColour());
            case UP_RIGHT -> arrow(5.5, 14.5, 14.5, 5.5, state.arrowColour());
            case DOWN_RIGHT -> arrow(5.5, 5.5, 14.5, 14.5, state.arrowColour());
            case BOTH -> "";
        };
    }

    private static String disc(String colour) {
        return "<circle cx=\"10\" cy=\"10\" r=\"9\" fill=\"" + colour + "\"/>";
    }

    /** A line from (x1,y1) to its tip (x2,y2) with an open head. */
    private static String arrow(double x1, double y1, double x2, double y2, String colour) {
        double dx = x2 - x1;
        double dy = y2 - y1;
        double length = Math.hypot(dx, dy);
        double ux = dx / length;
        double uy = dy / length;
        double head = 3.6;
        double ax = x2 - head * (ux - uy);
        double ay = y2 - head * (uy + ux);
        double bx = x2 - head * (ux + uy);
        double by = y2 - head * (uy - ux);
        return String.format(Locale.ROOT, "<path d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f L%.1f %.1f\" stroke=\"%s\" "
                + "stroke-width=\"2.2\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
                x1, y1, x2, y2, ax, ay, x2, y2, bx, by, colour);
    }
}
