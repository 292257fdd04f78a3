package io.presencesync.domain;

/**
 * Something the rules form event presences from: a free/busy item, the Teams activity, or automatic
 * replies. None of them carries a subject, location or body.
 */
public sealed interface EventInput permits FreeBusyItem, CallState, AutoReplies {}
