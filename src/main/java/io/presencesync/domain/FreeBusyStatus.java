package io.presencesync.domain;

/** How an appointment shows its owner's time (Graph's showAs / free-busy status). */
public enum FreeBusyStatus {
    FREE, TENTATIVE, BUSY, OOF, WORKING_ELSEWHERE, UNKNOWN
}
