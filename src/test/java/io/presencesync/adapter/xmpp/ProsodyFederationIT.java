package io.presencesync.adapter.xmpp;

/** The XMPP federation through Debian's Prosody. */
class ProsodyFederationIT extends XmppFederationScenario {

    @Override
    XmppTestServer newServer() throws Exception { return new ProsodyServer(); }
}
