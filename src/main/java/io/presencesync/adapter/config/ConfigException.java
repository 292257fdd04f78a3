package io.presencesync.adapter.config;

/** A configuration error; the message starts with the field path, e.g. {@code tenants[1].clientId: ...}. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }
}
