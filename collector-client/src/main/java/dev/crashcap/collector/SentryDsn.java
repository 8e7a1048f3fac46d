package dev.crashcap.collector;

import java.net.URI;

/**
 * A Sentry DSN, {@code https://<public key>[:<secret>]@<host>[:<port>][/<path>]/<project id>}, and what follows
 * from it: the envelope endpoint and the {@code X-Sentry-Auth} header. The secret (old DSNs) is never shown.
 */
public record SentryDsn(URI envelopeUri, String publicKey, String projectId, String display) {

    public static SentryDsn parse(String dsn) throws TargetException {
        URI uri = Endpoint.check(dsn, "--sentry-dsn");
        String userInfo = uri.getRawUserInfo();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int slash = path.lastIndexOf('/');
        String projectId = slash < 0 ? "" : path.substring(slash + 1);
        if (userInfo == null || userInfo.isEmpty() || projectId.isEmpty()) {
            throw new TargetException("not a Sentry DSN (https://<key>@<host>/<project id>): " + redact(uri));
        }
        String publicKey = userInfo.split(":", 2)[0];
        String prefix = path.substring(0, slash);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        URI envelope = URI.create(uri.getScheme() + "://" + uri.getHost() + port + prefix + "/api/" + projectId
                + "/envelope/");
        return new SentryDsn(envelope, publicKey, projectId, redact(uri));
    }

    /** The header Sentry authenticates a request by (the public key only, as the SDKs send it). */
    public String authHeader(String client) {
        return "Sentry sentry_version=7, sentry_client=" + client + ", sentry_key=" + publicKey;
    }

    /** The DSN as it may be printed: the secret part of the user info removed. */
    private static String redact(URI uri) {
        String userInfo = uri.getRawUserInfo();
        String key = userInfo == null ? "" : userInfo.split(":", 2)[0] + "@";
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme() + "://" + key + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
