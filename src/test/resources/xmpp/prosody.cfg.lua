-- Prosody for the XMPP federation tests: one local domain (localhost) with two ordinary users, and
-- the component presence-sync connects to. @PLACEHOLDERS@ are filled in by ProsodyServer.
run_as_root = true
daemonize = false
pidfile = "@DIR@/prosody.pid"
data_path = "@DIR@/data"
log = { debug = "@DIR@/prosody.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { @C2S_PORT@ }
component_ports = { @COMPONENT_PORT@ }
component_interfaces = { "127.0.0.1" }
http_ports = { }
https_ports = { }
modules_enabled = { "roster", "saslauth", "disco", "presence", "register" }
modules_disabled = { "s2s", "http", "bosh", "websocket", "tls" }
authentication = "internal_plain"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
storage = "internal"

VirtualHost "localhost"

Component "@COMPONENT@"
    component_secret = "@SECRET@"
