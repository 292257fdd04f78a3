package io.presencesync.adapter.graph;

import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.TenantCheck.Finding;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an administrator has to do about a failed step of {@link TenantCheck}: Entra and Graph errors to actions. */
final class CheckAdvice {

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    private static final Pattern HTTP = Pattern.compile("HTTP (\\d{3})(?: ([A-Za-z_]+))?");

    private final TenantConfig tenant;

    CheckAdvice(TenantConfig tenant) {
        this.tenant = tenant;
    }

    /** The token step's finding for what acquiring the token threw. */
    Finding tokenFailure(RuntimeException e) {
        if (e instanceof ConfigException) {
            return Finding.failed(TenantCheck.TOKEN, e.getMessage(), "fix the credential's configuration: " + e.getMessage());
        }
        String chain = messages(e);
        String detail = firstLine(chain);
        Matcher m = AADSTS.matcher(chain);
        if (m.find()) {
            String code = m.group(1);
            return Finding.failed(TenantCheck.TOKEN, "AADSTS" + code + firstLine(chain.substring(m.end())), signInAction(code));
        }
        if (unreachable(e)) {
            return Finding.failed(TenantCheck.TOKEN, detail, "cannot reach " + tenant.authorityHost()
                    + ": check network, proxy and the JVM trust store (javax.net.ssl.trustStore)");
        }
        if (tenant.credential() instanceof CredentialConfig.ManagedIdentity) {
            return Finding.failed(TenantCheck.TOKEN, detail, "no managed identity token: managedIdentity works only on an Azure resource "
                    + "with that identity assigned");
        }
        return Finding.failed(TenantCheck.TOKEN, detail, "the sign-in failed: check tenantId, clientId and the credential");
    }

    private String signInAction(String code) {
        return switch (code) {
            case "7000215" -> "the client secret is wrong: create a new one in Entra ID → App registrations → "
                    + tenant.clientId() + " → Certificates & secrets, store its Value (not its Secret ID) in " + secretPlace();
            case "7000222" -> "the client secret expired: create a new one in Entra ID → App registrations → "
                    + tenant.clientId() + " → Certificates & secrets, store it in " + secretPlace();
            case "700016" -> "application " + tenant.clientId() + " not found in tenant " + tenant.tenantId()
                    + ": check clientId and tenantId (and that the app was consented to in this tenant)";
            case "90002", "900023", "90013" -> "tenant " + tenant.tenantId() + " not found at " + tenant.authorityHost()
                    + ": check tenantId and cloud";
            case "700027", "700023" -> "the certificate is not accepted: upload its public part in Entra ID → App registrations → "
                    + tenant.clientId() + " → Certificates & secrets, or configure the certificate that is uploaded there";
            case "7000112" -> "application " + tenant.clientId() + " is disabled in tenant " + tenant.tenantId()
                    + ": enable its enterprise application (Properties → Enabled for users to sign in)";
            case "70021", "700213", "700211", "700212" -> "the federated credential does not match: in Entra ID → App registrations → "
                    + tenant.clientId() + " → Certificates & secrets → Federated credentials, check issuer, subject (service account) and audience";
            default -> "Entra ID refused the sign-in (AADSTS" + code + "): check tenantId, clientId and the credential";
        };
    }

    private String secretPlace() {
        if (tenant.credential() instanceof CredentialConfig.ClientSecret s) {
            return s.secret().file() != null ? "secretFile " + s.secret().file() : "environment variable " + s.secret().env() + " (secretEnv)";
        }
        return "the credential the configuration references";
    }

    String slowAction() {
        return "Entra ID or Graph did not answer in time: check network, proxy and firewall towards "
                + tenant.authorityHost() + " and " + tenant.graphBaseUrl() + ", then run check again";
    }

    /** The action for a Graph request refused or failed as a whole. */
    String graphAction(String message, String permission) {
        int status = status(message);
        if (status == 401) {
            return "Graph refused the token (InvalidAuthenticationToken: wrong audience): check `cloud` (token scope "
                    + tenant.cloud().scope() + ") and graphBaseUrl " + tenant.graphBaseUrl();
        }
        if (status == 403) return permissionAction(permission);
        if (status == 429 || status >= 500) return "Graph is busy or failing (HTTP " + status + "): run check again later";
        if (status == 0 && looksUnreachable(message)) {
            return "cannot reach " + tenant.graphBaseUrl() + ": check network, proxy and the JVM trust store (javax.net.ssl.trustStore)";
        }
        return "the request failed: run check again; if it persists, check graphBaseUrl " + tenant.graphBaseUrl();
    }

    String permissionAction(String permission) {
        return "grant the application permission " + permission + " (Microsoft Graph, Application) and admin consent: "
                + "Entra ID → App registrations → " + tenant.clientId() + " → API permissions";
    }

    String policyAction(List<String> addresses) {
        return (addresses.size() == 1 ? "mailbox " + addresses.get(0) + " is" : "mailboxes " + String.join(", ", addresses) + " are")
                + " excluded by an application access policy / RBAC for Applications scope: add "
                + (addresses.size() == 1 ? "it" : "them") + " to the scope of app " + tenant.clientId()
                + " (Exchange Online PowerShell: Test-ServicePrincipalAuthorization / Test-ApplicationAccessPolicy)";
    }

    /** A mailbox's own error inside a getSchedule answer. */
    Finding mailboxError(String address, String code, String message) {
        String detail = code + ": " + message;
        if (code.toLowerCase(Locale.ROOT).contains("accessdenied")) {
            return Finding.failed(TenantCheck.SCHEDULE, detail, policyAction(List.of(address)));
        }
        if ("5009".equals(code) || code.contains("RecipientNotFound")) {
            return Finding.failed(TenantCheck.SCHEDULE, detail, "Exchange knows no mailbox " + address
                    + ": use the primary SMTP address or remove the user from tenants[].users");
        }
        return Finding.failed(TenantCheck.SCHEDULE, detail, "free/busy of " + address + " cannot be read: check the mailbox in Exchange Online");
    }

    static boolean mentionsPolicy(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("accesspolicy") || m.contains("access policy") || m.contains("rbac");
    }

    /** The HTTP status a Graph error message names ({@link GraphErrors#describe}), 0 when none. */
    static int status(String message) {
        Matcher m = HTTP.matcher(message == null ? "" : message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static boolean looksUnreachable(String message) {
        return message.contains("UnknownHost") || message.contains("ConnectException") || message.contains("SSL")
                || message.contains("SocketTimeout") || message.contains("PKIX") || message.contains("NoRouteToHost")
                || message.contains("InterruptedIOException") || message.contains("timeout");
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException || t instanceof javax.net.ssl.SSLException
                    || t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
            String name = t.getClass().getName();
            if (name.endsWith("ConnectTimeoutException") || name.endsWith("ReadTimeoutException")) return true;
            if (t.getMessage() != null && (t.getMessage().contains("PKIX path") || t.getMessage().contains("Connection refused"))) return true;
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName()).append('\n');
        }
        return b.toString();
    }

    private static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        s = s.strip();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
