package io.presencesync.adapter.sip;

import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.clientauthutils.AccountManager;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import io.presencesync.adapter.config.PublisherConfig;

import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.PeerUnavailableException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.SIPETagHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JAIN-SIP stack with one listening point and provider for the configured transport, sending
 * PUBLISH requests through the outbound proxy and waiting for their final answer: for any number
 * of users, one socket (UDP) or one connection (TCP) and a handful of the stack's threads. A digest
 * challenge (401, 407) is answered once with the service account, through JAIN-SIP's own helper.
 */
final class SipClient implements AutoCloseable {

    /** A final answer, or none: {@code status} 0 when the request timed out or could not be sent ({@code failure} says why). */
    record Answer(int status, String reason, String etag, int expires, int minExpires, Duration retryAfter, String failure, int challenge) {
        static Answer failed(String failure) { return new Answer(0, null, null, -1, -1, null, failure, 0); }

        /** The same answer, after a digest challenge of status {@code challenge} (401 or 407) was answered. */
        Answer afterChallenge(int challenge) {
            return new Answer(status, reason, etag, expires, minExpires, retryAfter, failure, challenge);
        }

        boolean ok() { return status >= 200 && status < 300; }

        /** How the answer shows in logs and errors: status and reason phrase, or the failure. */
        String describe() { return status == 0 ? failure : status + " " + reason; }
    }

    private static final AtomicLong STACKS = new AtomicLong();

    private final PublisherConfig.Sip config;
    private final SipStack stack;
    private final SipProvider provider;
    private final ListeningPoint listeningPoint;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final AuthenticationHelper auth;
    private final String transport;

    SipClient(PublisherConfig.Sip config, Map<String, String> env) {
        this.config = config;
        this.transport = config.transport().key();
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        // Each publisher its own stack (a test or a configuration may run several in one JVM).
        p.setProperty("javax.sip.STACK_NAME", "presence-sync-" + config.name() + "-" + STACKS.incrementAndGet());
        // Every request goes to the proxy: no user's domain is looked up in DNS.
        p.setProperty("javax.sip.OUTBOUND_PROXY", config.proxyHost() + ":" + config.proxyPort() + "/" + transport);
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", SipStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // Bounded threads for any number of users: answers are parsed by a small pool, not a thread each.
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        try {
            stack = factory.createSipStack(p);
            addresses = factory.createAddressFactory();
            headers = factory.createHeaderFactory();
            messages = factory.createMessageFactory();
            listeningPoint = listeningPoint(stack, localAddress(config), transport);
            provider = stack.createSipProvider(listeningPoint);
            provider.addSipListener(new Listener());
        } catch (PeerUnavailableException | InvalidArgumentException | ObjectInUseException | java.util.TooManyListenersException
                 | javax.sip.TransportNotSupportedException e) {
            throw new IllegalStateException("publisher " + config.name() + ": cannot start the SIP stack: " + e.getMessage(), e);
        }
        auth = config.auth() == null ? null : ((SipStackExt) stack).getAuthenticationHelper(new ServiceAccount(config, env), headers);
    }

    /** The local address and port the stack sends from (Via, and the source address a trusting server checks). */
    InetSocketAddress local() { return new InetSocketAddress(listeningPoint.getIPAddress(), listeningPoint.getPort()); }

    /**
     * A PUBLISH for {@code presentity} (Request-URI and To; From names the service account): with
     * {@code etag} it refreshes, modifies or (expires 0) removes that publication; with {@code body}
     * it carries a PIDF document.
     */
    Request publish(String presentity, String etag, int expires, String body) throws ParseException, InvalidArgumentException {
        SipURI target = (SipURI) addresses.createURI(presentity);
        SipURI fromUri = addresses.createSipURI(config.fromUser(), target.getHost());
        ViaHeader via = headers.createViaHeader(listeningPoint.getIPAddress(), listeningPoint.getPort(), transport, null);
        Request r = messages.createRequest(target, Request.PUBLISH, provider.getNewCallId(), headers.createCSeqHeader(1L, Request.PUBLISH),
                headers.createFromHeader(addresses.createAddress(fromUri), UUID.randomUUID().toString().substring(0, 8)),
                headers.createToHeader(addresses.createAddress(target), null), List.of(via), headers.createMaxForwardsHeader(70));
        r.addHeader(headers.createEventHeader("presence"));
        r.addHeader(headers.createExpiresHeader(expires));
        r.addHeader(headers.createUserAgentHeader(List.of("presence-sync")));
        if (etag != null) r.addHeader(headers.createSIPIfMatchHeader(etag));
        if (body != null) r.setContent(body, headers.createContentTypeHeader(PidfDocument.CONTENT_TYPE, PidfDocument.CONTENT_SUBTYPE));
        return r;
    }

    /** Sends {@code request} and waits for its final answer, answering one digest challenge with the service account. */
    Answer exchange(Request request) {
        try {
            ClientTransaction tx = provider.getNewClientTransaction(request);
            Response response = send(tx);
            int challenge = response.getStatusCode();
            if ((challenge == 401 || challenge == 407) && auth != null) {
                return answer(send(auth.handleChallenge(response, tx, provider, 0, true))).afterChallenge(challenge);
            }
            return answer(response);
        } catch (SipException e) {
            return Answer.failed("cannot send to " + proxy() + ": " + e.getMessage());
        } catch (NoAnswer e) {
            return Answer.failed(e.getMessage());
        }
    }

    String proxy() { return config.proxyHost() + ":" + config.proxyPort() + "/" + transport; }

    private Response send(ClientTransaction tx) throws SipException, NoAnswer {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        tx.setApplicationData(answer);
        tx.sendRequest();
        try {
            return answer.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Given up: the stack must not retransmit it any more, or a server back in a moment would still apply it, after newer ones.
            try {
                tx.terminate();
            } catch (javax.sip.ObjectInUseException ignored) {
                // already ending
            }
            throw new NoAnswer("no answer from " + proxy() + " within " + config.requestTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new NoAnswer(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswer("interrupted");
        }
    }

    /** No final answer came: a timeout, or the stack gave up on the transaction. */
    private static final class NoAnswer extends Exception {
        NoAnswer(String message) { super(message, null, false, false); }
    }

    @Override
    public void close() {
        try {
            provider.removeListeningPoint(listeningPoint);
            stack.deleteSipProvider(provider);
            stack.deleteListeningPoint(listeningPoint);
        } catch (ObjectInUseException e) {
            // the stack is stopped below anyway
        }
        stack.stop();
    }

    private static Answer answer(Response r) {
        SIPETagHeader etag = (SIPETagHeader) r.getHeader(SIPETagHeader.NAME);
        ExpiresHeader expires = r.getExpires();
        MinExpiresHeader min = (MinExpiresHeader) r.getHeader(MinExpiresHeader.NAME);
        RetryAfterHeader retry = (RetryAfterHeader) r.getHeader(RetryAfterHeader.NAME);
        return new Answer(r.getStatusCode(), r.getReasonPhrase(), etag == null ? null : etag.getETag(), expires == null ? -1 : expires.getExpires(),
                min == null ? -1 : min.getExpires(), retry == null ? null : Duration.ofSeconds(retry.getRetryAfter()), null, 0);
    }

    /**
     * A listening point on a free port: JAIN-SIP takes no port 0, so a port the system just gave out
     * is taken, and another one when someone else took it meanwhile.
     */
    static ListeningPoint listeningPoint(SipStack stack, String address, String transport)
            throws InvalidArgumentException, javax.sip.TransportNotSupportedException {
        InvalidArgumentException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int port;
            try (java.net.ServerSocket tcp = new java.net.ServerSocket(0, 1, InetAddress.getByName(address));
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), tcp.getLocalPort()))) {
                port = udp.getLocalPort();
            } catch (IOException e) {
                continue; // that port is taken for UDP: another one
            }
            try {
                return stack.createListeningPoint(address, port, transport);
            } catch (InvalidArgumentException e) {
                last = e;
            }
        }
        throw last != null ? last : new InvalidArgumentException("no free port on " + address);
    }

    /** The address this host reaches the proxy from: the one a trusting server sees. */
    private static String localAddress(PublisherConfig.Sip config) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(InetAddress.getByName(config.proxyHost()), config.proxyPort());
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) return InetAddress.getLocalHost().getHostAddress();
            return local.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("publisher " + config.name() + ": proxy host " + config.proxyHost() + " is unknown", e);
        } catch (IOException e) {
            throw new IllegalStateException("publisher " + config.name() + ": no route to the proxy " + config.proxyHost() + ": " + e.getMessage(), e);
        }
    }

    /** Completes each transaction's waiting future; presence-sync is no server, so requests to it are ignored. */
    private final class Listener implements SipListener {
        @Override
        public void processResponse(ResponseEvent event) {
            Response r = event.getResponse();
            if (r.getStatusCode() >= 200) waiting(event.getClientTransaction()).ifPresent(f -> f.complete(r));
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            waiting(event.getClientTransaction()).ifPresent(f -> f.completeExceptionally(
                    new IOException("no answer from " + proxy() + ": the transaction timed out")));
        }

        @Override
        public void processRequest(RequestEvent event) {}

        @Override
        public void processIOException(IOExceptionEvent event) {}

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {}

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {}

        @SuppressWarnings("unchecked")
        private static java.util.Optional<CompletableFuture<Response>> waiting(ClientTransaction tx) {
            return tx != null && tx.getApplicationData() instanceof CompletableFuture<?> f
                    ? java.util.Optional.of((CompletableFuture<Response>) f) : java.util.Optional.empty();
        }
    }

    /** The service account's credentials, its password read afresh at every challenge (a rotated file counts). */
    private record ServiceAccount(PublisherConfig.Sip config, Map<String, String> env) implements AccountManager {
        @Override
        public UserCredentials getCredentials(ClientTransaction challenged, String realm) {
            String password = config.auth().password().read(env);
            return new UserCredentials() {
                @Override
                public String getUserName() { return config.auth().username(); }

                @Override
                public String getPassword() { return password; }

                @Override
                public String getSipDomain() { return realm; }
            };
        }
    }
}
