package io.presencesync.adapter.sip;

import gov.nist.core.StackLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;

/**
 * JAIN-SIP's log, through SLF4J (Logback) like every other log of the service, under the logger
 * {@code io.presencesync.adapter.sip.stack}: so the stack needs no log4j. The stack logs whole
 * messages only at DEBUG and TRACE, which carry no passwords (digest sends a hash) but do carry
 * presentity addresses: leave them off in production.
 */
public final class SipStackLogger implements StackLogger {

    private static final Logger log = LoggerFactory.getLogger("io.presencesync.adapter.sip.stack");

    @Override
    public void logStackTrace() {
        if (log.isTraceEnabled()) log.trace("stack trace", new Throwable("stack trace"));
    }

    @Override
    public void logStackTrace(int traceLevel) { logStackTrace(); }

    @Override
    public int getLineCount() { return 0; }

    @Override
    public void logException(Throwable t) { log.warn("SIP stack: {}", t.toString(), t); }

    @Override
    public void logDebug(String message) { log.debug(message); }

    @Override
    public void logDebug(String message, Exception e) { log.debug(message, e); }

    @Override
    public void logTrace(String message) { log.trace(message); }

    @Override
    public void logFatalError(String message) { log.error(message); }

    @Override
    public void logError(String message) { log.error(message); }

    @Override
    public boolean isLoggingEnabled() { return log.isWarnEnabled(); }

    @Override
    public boolean isLoggingEnabled(int level) {
        return switch (level) {
            case TRACE_FATAL, TRACE_ERROR -> log.isErrorEnabled();
            case TRACE_WARN -> log.isDebugEnabled();
            // The stack logs whole messages at its INFO (TRACE_MESSAGES): they name presentities, so DEBUG here.
            case TRACE_INFO, TRACE_DEBUG -> log.isDebugEnabled();
            case TRACE_TRACE -> log.isTraceEnabled();
            default -> log.isDebugEnabled();
        };
    }

    @Override
    public void logError(String message, Exception e) { log.error(message, e); }

    @Override
    public void logWarning(String message) {
        // Its warnings are about settings presence-sync does not use (e.g. "TLS key store will use JVM defaults" at every start).
        log.debug(message);
    }

    @Override
    public void logInfo(String message) { log.debug(message); }

    @Override
    public void disableLogging() {}

    @Override
    public void enableLogging() {}

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {}

    @Override
    public void setStackProperties(Properties properties) {}

    @Override
    public String getLoggerName() { return log.getName(); }
}
