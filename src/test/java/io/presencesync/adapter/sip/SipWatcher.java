package io.presencesync.adapter.sip;

import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SIP watcher for the tests, on JAIN-SIP over UDP on 127.0.0.1: subscribes to presentities at a
 * presence server and keeps every NOTIFY body it gets, per presentity. It can also publish as a
 * user's own device (a softphone saying "available"), to show that presence-sync's publication sits
 * next to it and goes away without replacing it.
 */
public final class SipWatcher implements AutoCloseable {

    private static final AtomicInteger STACKS = new AtomicInteger();

    private final SipStack stack;
    private final SipProvider provider;
    private final ListeningPoint point;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final Map<String, List<String>> notifications = new ConcurrentHashMap<>();

    public SipWatcher(String proxy) throws Exception {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "watcher-" + STACKS.incrementAndGet());
        p.setProperty("javax.sip.OUTBOUND_PROXY", proxy + "/udp");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", SipStackLogger.class.getName());
        // One thread reads every datagram: NOTIFYs a few ms apart are recorded in the order they came (the default starts a thread each).
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1");
        stack = f.createSipStack(p);
        addresses = f.createAddressFactory();
        headers = f.createHeaderFactory();
        messages = f.createMessageFactory();
        point = SipClient.listeningPoint(stack, "127.0.0.1", "udp");
        provider = stack.createSipProvider(point);
        provider.addSipListener(new Listener());
    }

    /** Subscribes to {@code presentity} (sip:user@domain) for an hour; its NOTIFYs then come in. */
    public void subscribe(String presentity) throws Exception {
        Request r = request(presentity, Request.SUBSCRIBE, "watcher");
        r.addHeader(headers.createEventHeader("presence"));
        r.addHeader(headers.createAcceptHeader("application", "pidf+xml"));
        r.addHeader(headers.createExpiresHeader(3600));
        SipURI contact = addresses.createSipURI("watcher", "127.0.0.1");
        contact.setPort(point.getPort());
        r.addHeader(headers.createContactHeader(addresses.createAddress(contact)));
        send(r);
    }

    /** Publishes {@code pidf} as the user's own device (trusted by source address), for an hour. */
    public void publishAsDevice(String presentity, String pidf) throws Exception {
        Request r = request(presentity, Request.PUBLISH, presentity.substring(4, presentity.indexOf('@')));
        r.addHeader(headers.createEventHeader("presence"));
        r.addHeader(headers.createExpiresHeader(3600));
        r.setContent(pidf, headers.createContentTypeHeader("application", "pidf+xml"));
        send(r);
    }

    /** Every NOTIFY body for {@code presentity} so far, oldest first. */
    public List<String> notifications(String presentity) { return List.copyOf(notifications.getOrDefault(presentity, List.of())); }

    /** The latest NOTIFY body for {@code presentity}, or "" before the first. */
    public String latest(String presentity) {
        List<String> all = notifications(presentity);
        return all.isEmpty() ? "" : all.get(all.size() - 1);
    }

    @Override
    public void close() { stack.stop(); }

    private Request request(String presentity, String method, String fromUser) throws Exception {
        SipURI target = (SipURI) addresses.createURI(presentity);
        Address from = addresses.createAddress(addresses.createSipURI(fromUser, target.getHost()));
        FromHeader fromHeader = headers.createFromHeader(from, UUID.randomUUID().toString().substring(0, 8));
        return messages.createRequest(target, method, provider.getNewCallId(), headers.createCSeqHeader(1L, method), fromHeader,
                headers.createToHeader(addresses.createAddress(target), null),
                new ArrayList<>(List.of(headers.createViaHeader("127.0.0.1", point.getPort(), "udp", null))), headers.createMaxForwardsHeader(70));
    }

    private void send(Request r) throws Exception {
        ClientTransaction tx = provider.getNewClientTransaction(r);
        tx.sendRequest();
    }

    private final class Listener implements SipListener {
        @Override
        public void processRequest(RequestEvent event) {
            Request r = event.getRequest();
            try {
                provider.sendResponse(messages.createResponse(r.getMethod().equals(Request.NOTIFY) ? Response.OK : Response.METHOD_NOT_ALLOWED, r));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (r.getMethod().equals(Request.NOTIFY)) {
                String presentity = ((FromHeader) r.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
                byte[] body = r.getRawContent();
                notifications.computeIfAbsent(presentity, k -> new CopyOnWriteArrayList<>())
                        .add(body == null ? "" : new String(body, StandardCharsets.UTF_8));
            }
        }

        @Override
        public void processResponse(ResponseEvent event) {}

        @Override
        public void processTimeout(TimeoutEvent event) {}

        @Override
        public void processIOException(IOExceptionEvent event) {}

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {}

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {}
    }

    /** What a softphone publishes for itself: available, with a tuple id of its own. */
    public static String devicePidf(String presentity) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"" + presentity + "\">\n"
                + "  <tuple id=\"softphone-1\"><status><basic>open</basic></status><note>Available</note></tuple>\n</presence>\n";
    }
}
