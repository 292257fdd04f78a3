package io.presencesync.domain;

/**
 * Why an event presence is shown, and its rank in the precedence CALL > out of office >
 * CALENDAR_BUSY > tentative / working elsewhere (higher rank wins). Each reason has a default
 * state; the per-type mappings of the rules may show tentative and working elsewhere otherwise.
 */
public enum Reason {
    CALENDAR_TENTATIVE(EventState.BUSY, 1),
    CALENDAR_WORKING_ELSEWHERE(EventState.AWAY, 1),
    CALENDAR_BUSY(EventState.BUSY, 2),
    CALENDAR_OOF(EventState.AWAY, 3),
    AUTO_REPLY(EventState.AWAY, 3),
    CALL(EventState.BUSY, 4);

    private final EventState defaultState;
    private final int rank;

    Reason(EventState defaultState, int rank) {
        this.defaultState = defaultState;
        this.rank = rank;
    }

    public EventState defaultState() { return defaultState; }

    /** Precedence rank; equal ranks (CALENDAR_OOF and AUTO_REPLY) fall back to declaration order. */
    public int rank() { return rank; }
}
