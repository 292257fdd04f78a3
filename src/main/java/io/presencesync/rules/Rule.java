package io.presencesync.rules;

import io.presencesync.domain.Reason;

/**
 * Which rule the rules applied to one input: what it forms and why, in words an admin can read. The
 * names are stable: the explain API and the {@code explain} command show them.
 */
public enum Rule {
    BUSY_APPOINTMENT(Reason.CALENDAR_BUSY, "an appointment shown as busy makes the user BUSY (in a meeting)"),
    OOF_APPOINTMENT(Reason.CALENDAR_OOF, "an appointment shown as out of office makes the user AWAY"),
    TENTATIVE_SHOWN(Reason.CALENDAR_TENTATIVE, "the tenant's rules.tentative shows a tentative appointment as BUSY"),
    TENTATIVE_IGNORED(null, "a tentative appointment shows nothing (the tenant's rules.tentative is none, the default)"),
    WORKING_ELSEWHERE_SHOWN(Reason.CALENDAR_WORKING_ELSEWHERE, "the tenant's rules.workingElsewhere shows a working-elsewhere appointment"),
    WORKING_ELSEWHERE_IGNORED(null, "a working-elsewhere appointment shows nothing (the tenant's rules.workingElsewhere is none, the default)"),
    FREE_IGNORED(null, "an appointment shown as free shows nothing"),
    UNKNOWN_IGNORED(null, "an appointment whose free/busy status is unknown shows nothing"),
    CALL(Reason.CALL, "a Teams call activity makes the user BUSY (in a call) until a call-state poll says otherwise"),
    NOT_A_CALL(null, "this Teams activity only mirrors the calendar or a manual status: it is no call and shows nothing"),
    AUTO_REPLY(Reason.AUTO_REPLY, "automatic replies on outside any out-of-office appointment make the user AWAY until a poll says otherwise"),
    AUTO_REPLY_MIRROR(Reason.AUTO_REPLY, "automatic replies seen during an out-of-office appointment mirror it and end with it"),
    AUTO_REPLY_ENDED(null, "automatic replies seen during an out-of-office appointment that ended before they began show nothing"),
    AUTO_REPLIES_IGNORED(null, "automatic replies show nothing (the tenant's rules.autoReplies is false)");

    private final Reason reason;
    private final String text;

    Rule(Reason reason, String text) {
        this.reason = reason;
        this.text = text;
    }

    /** The reason of the interval this rule forms; null when it forms none. */
    public Reason reason() { return reason; }

    public String text() { return text; }

    /** The precedence between reasons active at the same instant, as the rules apply it. */
    public static final String PRECEDENCE = "CALL > out of office (CALENDAR_OOF, AUTO_REPLY) > CALENDAR_BUSY > tentative / working elsewhere";
}
