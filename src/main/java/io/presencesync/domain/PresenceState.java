package io.presencesync.domain;

/**
 * The six presences of the source document, with their normative colours. Colours follow a
 * standard and are deliberately not configurable.
 */
public enum PresenceState {
    AVAILABLE("Available", "#2E9B3B", "#1B5E20", Arrow.DOWN_LEFT, true),
    BUSY("Busy", "#D32F2F", "#8B0000", Arrow.UP_LEFT, true),
    DO_NOT_DISTURB("Do not disturb", "#D32F2F", "#8B0000", Arrow.UP_LEFT, true),
    AWAY("Away", "#F4C20D", "#7B4A12", Arrow.UP_RIGHT, true),
    INACTIVE("Inactive", "#F4C20D", "#7B4A12", Arrow.BOTH, false),
    NOT_AVAILABLE("Presence not available", "#9E9E9E", "#4F4F4F", Arrow.DOWN_RIGHT, false);

    /** Direction of the presence icon's arrow. INACTIVE shows both AWAY's and AVAILABLE's arrow. */
    public enum Arrow { DOWN_LEFT, UP_LEFT, UP_RIGHT, DOWN_RIGHT, BOTH }

    private final String label;
    private final String colour;
    private final String arrowColour;
    private final Arrow arrow;
    private final boolean manuallySelectable;

    PresenceState(String label, String colour, String arrowColour, Arrow arrow, boolean manuallySelectable) {
        this.label = label;
        this.colour = colour;
        this.arrowColour = arrowColour;
        this.arrow = arrow;
        this.manuallySelectable = manuallySelectable;
    }

    public String label() { return label; }

    /** Main colour as #RRGGBB. DO_NOT_DISTURB is this red interrupted by a white horizontal bar. */
    public String colour() { return colour; }

    public String arrowColour() { return arrowColour; }

    public Arrow arrow() { return arrow; }

    /** INACTIVE and NOT_AVAILABLE are formed automatically and can never be chosen by a user. */
    public boolean manuallySelectable() { return manuallySelectable; }
}
