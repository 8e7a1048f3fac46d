package dev.crashcap.collector;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Checks a collector address. HTTPS is required: bundles hold stacks, paths and (redacted) environments, and
 * the request carries a token. Plain {@code http://} is accepted only to a loopback address, where nothing
 * crosses a network (a local relay, tests).
 */
public final class Endpoint {
    private Endpoint() {
    }

    public static URI check(String address, String what) throws TargetException {
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw new TargetException("not a URL: " + what);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new TargetException(what + " must be an https:// URL");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new TargetException("plain http:// is refused except to loopback addresses; use https:// for "
                    + uri.getHost());
        }
        return uri;
    }

    /** By name only, never through DNS: a name that resolves to 127.0.0.1 today may not tomorrow. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127(\\.\\d{1,3}){3}");
    }
}
