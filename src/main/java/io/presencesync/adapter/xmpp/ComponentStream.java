package io.presencesync.adapter.xmpp;

import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.parsing.SmackParsingException;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * One XEP-0114 component connection: the stream opened in {@code jabber:component:accept}, the
 * handshake (SHA-1 of the server's stream id and the shared secret), then stanzas both ways.
 * Smack's StAX pull parser reads the stream as it arrives and Smack's parsers and serialisers
 * make the stanzas; stanzas go out without their own namespace, so they take the stream's.
 */
final class ComponentStream implements AutoCloseable {

    static final String NAMESPACE = "jabber:component:accept";
    static final String STREAMS = "http://etherx.jabber.org/streams";
    /** Serialise as if inside jabber:client: Smack then omits xmlns='jabber:client' and the stanza inherits the stream's namespace. */
    private static final XmlEnvironment OUTER = XmlEnvironment.builder().withNamespace("jabber:client").build();
    private static final XmlEnvironment INBOUND = XmlEnvironment.builder().withNamespace(NAMESPACE).build();

    /** The stream ended with a stream error from the server, or broke off. */
    static final class StreamFailure extends IOException {
        final StreamError.Condition condition;

        StreamFailure(String message, StreamError.Condition condition) {
            super(message);
            this.condition = condition;
        }
    }

    private final Socket socket;
    private final Writer out;
    private final XmlPullParser in;
    private final String domain;

    private ComponentStream(Socket socket, Writer out, XmlPullParser in, String domain) {
        this.socket = socket;
        this.out = out;
        this.in = in;
        this.domain = domain;
    }

    /**
     * Connects and authenticates as {@code domain}.
     *
     * @param sockets     plain or TLS sockets; a TLS socket has the server's name checked against its certificate
     * @param readTimeout how long a read may block; a healthy stream is kept busy by the pings the caller sends
     * @throws StreamFailure when the server refused (a wrong secret, an unknown or already connected domain)
     */
    static ComponentStream open(SocketFactory sockets, String host, int port, String domain, String secret, Duration connectTimeout,
                                Duration readTimeout) throws IOException {
        Socket socket = sockets.createSocket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.setKeepAlive(true);
            if (socket instanceof SSLSocket tls) {
                SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(p);
                tls.startHandshake();
            }
            Writer out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
            XmlStringBuilder open = new XmlStringBuilder().halfOpenElement("stream:stream").attribute("xmlns", NAMESPACE)
                    .attribute("xmlns:stream", STREAMS).attribute("to", domain).rightAngleBracket();
            out.write(open.toString());
            out.flush();
            XmlPullParser in = PacketParserUtils.getParserFor(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String id = in.getAttributeValue("id");
            ComponentStream stream = new ComponentStream(socket, out, in, domain);
            if (!"stream".equals(in.getName())) throw new StreamFailure("the server answered with <" + in.getName() + "> instead of a stream", null);
            if (id == null) stream.awaitHandshake(); // no id: the server is about to send a stream error
            stream.write(new XmlStringBuilder().openElement("handshake").append(sha1Hex(id + secret)).closeElement("handshake").toString());
            stream.awaitHandshake();
            return stream;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        } catch (XmlPullParserException e) {
            socket.close();
            throw new StreamFailure("the server's stream is not XML: " + e.getMessage(), null);
        }
    }

    private void awaitHandshake() throws IOException {
        Object first = nextElement();
        if (first instanceof String name && name.equals("handshake")) return;
        throw new StreamFailure("the server answered the handshake with " + first, null);
    }

    /** The next stanza, or null when the server closed the stream. */
    Stanza read() throws IOException {
        while (true) {
            Object next = nextElement();
            if (next == null || next instanceof Stanza) return (Stanza) next;
        }
    }

    /** A stanza, the name of another top-level element, or null at the stream's end. */
    private Object nextElement() throws IOException {
        try {
            while (true) {
                XmlPullParser.Event event = in.next();
                if (event == XmlPullParser.Event.END_DOCUMENT) return null;
                if (event == XmlPullParser.Event.END_ELEMENT && in.getDepth() == 1) return null;
                if (event != XmlPullParser.Event.START_ELEMENT || in.getDepth() != 2) continue;
                String name = in.getName();
                if (name.equals("error") && STREAMS.equals(in.getNamespace())) {
                    StreamError error = PacketParserUtils.parseStreamError(in);
                    throw new StreamFailure("stream error from the server: " + error.getCondition()
                            + (error.getDescriptiveText() == null ? "" : " (" + error.getDescriptiveText() + ")") + explain(error.getCondition()),
                            error.getCondition());
                }
                if (name.equals("message") || name.equals("presence") || name.equals("iq")) return PacketParserUtils.parseStanza(in, INBOUND);
                skip();
                return name;
            }
        } catch (XmlPullParserException | SmackParsingException e) {
            throw new StreamFailure("the stream broke off or the server sent unreadable data: " + e.getMessage(), null);
        }
    }

    private void skip() throws XmlPullParserException, IOException {
        int depth = in.getDepth();
        while (!(in.next() == XmlPullParser.Event.END_ELEMENT && in.getDepth() == depth)) {
            if (in.getDepth() < depth) return;
        }
    }

    /** What an admin should do about the stream errors a misconfiguration gives. */
    private String explain(StreamError.Condition condition) {
        return switch (condition) {
            case not_authorized -> ": the shared secret differs from the server's component secret for " + domain;
            case host_unknown -> ": the server has no component " + domain + " configured";
            case conflict -> ": another connection already serves " + domain + " (another presence-sync?)";
            case invalid_from, improper_addressing -> ": a stanza's address was not of " + domain;
            default -> "";
        };
    }

    void send(Stanza stanza) throws IOException {
        write(stanza.toXML(OUTER).toString());
    }

    /** Whitespace keeps NATs and the server's idle timers from closing a quiet stream. */
    void keepAlive() throws IOException { write(" "); }

    private synchronized void write(String xml) throws IOException {
        out.write(xml);
        out.flush();
    }

    /** Ends the stream politely, then closes the socket. */
    @Override
    public void close() {
        try {
            write("</stream:stream>");
        } catch (IOException gone) {
            // Already broken: closing the socket is all that is left.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do about a socket that fails to close.
        }
    }

    static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
