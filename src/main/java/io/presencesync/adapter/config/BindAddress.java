package io.presencesync.adapter.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * An address a server of ours listens on ({@code management.bindAddress}, {@code api.bindAddress}),
 * checked when the configuration is loaded for what would make the bind fail: a name that does not
 * resolve, or an address of another machine. Whether the port is free is known only by binding it.
 */
final class BindAddress {

    private static final String HINT = "; 0.0.0.0 listens on every interface, 127.0.0.1 on this machine only";

    private BindAddress() {}

    static String read(ConfigNode parent, String key, String fallback) {
        if (!parent.has(key)) return fallback;
        ConfigNode node = parent.child(key);
        String text = node.text();
        InetAddress address;
        try {
            address = InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw node.error("'" + text + "' is neither an IP address nor a host name that resolves (Unresolved address)" + HINT);
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || isOfThisMachine(address)) return text;
        String resolved = text.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")";
        throw node.error("'" + text + "'" + resolved + " is not an address of this machine (Cannot assign requested address)" + HINT);
    }

    private static boolean isOfThisMachine(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
