package io.presencesync.domain;

/**
 * Why an event presence is shown. Each reason fixes the simple presence it forms and its rank in
 * the precedence CALL > out-of-office > CALENDAR_BUSY > CALENDAR_TENTATIVE (higher rank wins).
 */
public enum Reason {
    CALENDAR_TENTATIVE(EventState.BUSY, 1),
    CALENDAR_BUSY(EventState.BUSY, 2),
    CALENDAR_OOF(EventState.AWAY, 3),
    AUTO_REPLY(EventState.AWAY, 3),
    CALL(EventState.BUSY, 4);

    private final EventState state;
    private final int rank;

    Reason(EventState state, int rank) {
        this.state = state;
        this.rank = rank;
    }

    public EventState state() { return state; }

    /** Precedence rank; CALENDAR_OOF and AUTO_REPLY share one (both mean out of office). */
    public int rank() { return rank; }
}
