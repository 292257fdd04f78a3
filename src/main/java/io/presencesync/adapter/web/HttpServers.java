package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.presencesync.adapter.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the management and the API server share: a small bounded pool (when it and its queue are
 * full, new connections are closed), errors answered as JSON without a stack trace, and the JDK
 * server's limits on what a client may send.
 */
public final class HttpServers {

    static final int THREADS = 4;
    static final int QUEUE = 64;
    /** Request headers, all of them together, at most this many bytes (the JDK's default is 384 KiB). */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;
    /** A request must arrive whole within this time: a client sending its headers byte by byte holds no thread for long. */
    static final int MAX_REQUEST_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(HttpServers.class);

    private HttpServers() {}

    /**
     * Sets the JDK server's limits. It reads them once, when its first instance in the process
     * starts: {@code Main} calls this first thing (the demo's Graph simulator is a JDK server too).
     * An explicit {@code -D} setting wins.
     */
    public static void limitRequests() {
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        setIfAbsent("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) System.setProperty(property, String.valueOf(value));
    }

    interface Route {
        void handle(HttpExchange exchange) throws IOException;
    }

    static ThreadPoolExecutor executor(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Binds with a message that names the keys to change when the address is taken. */
    static <S extends HttpServer> S bind(String key, String address, int port, Binder<S> binder) {
        try {
            return binder.bind();
        } catch (BindException e) {
            if (!String.valueOf(e.getMessage()).contains("in use")) {
                // e.g. "Permission denied" (a port below 1024 without the capability): not another process's fault
                throw new ConfigException(key + ".bindAddress/port: cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
            }
            throw new ConfigException(key + ".port: cannot listen on " + address + ":" + port + " (" + e.getMessage()
                    + "); another process uses that port: stop it or choose another " + key + ".port", e);
        } catch (IOException e) {
            throw new ConfigException(key + ".bindAddress/port: cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    interface Binder<S> {
        S bind() throws IOException;
    }

    /** A handler that answers a client's mistake with 400/405 and anything else with a plain 500 (the details go to the log). */
    static HttpHandler answering(Route route) {
        return exchange -> {
            try {
                route.handle(exchange);
            } catch (BadRequest e) {
                HttpResponses.error(exchange, 400, e.field(), e.getMessage());
            } catch (PresenceApi.MethodNotAllowed e) {
                exchange.getResponseHeaders().set("Allow", e.allowed);
                HttpResponses.error(exchange, 405, null, e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                HttpResponses.error(exchange, 500, null, "internal error; see the service log");
            }
        };
    }
}
