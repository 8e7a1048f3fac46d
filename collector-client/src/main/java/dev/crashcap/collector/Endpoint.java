package dev.crashcap.collector;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a collector address. HTTPS is required: bundles hold stacks, paths and (redacted) environments, and
 * the request carries a token. Plain {@code http://} is accepted only to a loopback address, where nothing
 * crosses a network (a local relay, tests). An address that cannot be used (a port above 65535, no host) is
 * refused here, before any bundle is touched, not found out by the first send (which would mark bundles failed).
 */
public final class Endpoint {
    /** An authority whose host is a short IPv4 form ({@code 127.1}, {@code 2130706433}), which java.net.URI and the
     * HTTP client do not take as a host; written out in full ({@code 127.0.0.1}) it is the same address. */
    private static final Pattern NUMERIC_AUTHORITY = Pattern.compile("(?<user>[^@]*@)?(?<host>[0-9.]+)(?<port>:[0-9]*)?");

    private Endpoint() {
    }

    public static URI check(String address, String what) throws TargetException {
        URI uri;
        try {
            uri = withFullIpv4(new URI(address));
        } catch (URISyntaxException e) {
            throw new TargetException("not a URL: " + what);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new TargetException(what + " must be an https:// URL with a host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new TargetException(what + " has port " + uri.getPort() + "; a port is 1 to 65535");
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
        String ipv4 = fullIpv4(h);
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || (ipv4 != null && ipv4.startsWith("127."));
    }

    private static URI withFullIpv4(URI uri) throws URISyntaxException {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return uri;
        }
        Matcher m = NUMERIC_AUTHORITY.matcher(authority);
        String full = m.matches() ? fullIpv4(m.group("host")) : null;
        if (full == null || full.equals(m.group("host"))) {
            return uri;
        }
        String rebuilt = (m.group("user") == null ? "" : m.group("user")) + full
                + (m.group("port") == null ? "" : m.group("port"));
        return new URI(uri.getScheme() + "://" + rebuilt + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /**
     * A numeric IPv4 host in any of the forms inet_aton(3) and Java take ({@code a.b.c.d}, {@code a.b.c},
     * {@code a.b}, {@code a}, decimal, the last part filling the remaining bytes) as {@code a.b.c.d}, or null if
     * it is not one. Parsed here, not by InetAddress, which would ask DNS about anything else.
     */
    static String fullIpv4(String host) {
        if (!host.matches("[0-9]{1,10}(\\.[0-9]{1,10}){0,3}")) {
            return null;
        }
        String[] parts = host.split("\\.");
        long value = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            long part = Long.parseLong(parts[i]);
            if (part > 255) {
                return null;
            }
            value = (value << 8) | part;
        }
        int lastBytes = 4 - (parts.length - 1);
        long last = Long.parseLong(parts[parts.length - 1]);
        if (last >= (1L << (8 * lastBytes))) {
            return null;
        }
        value = (value << (8 * lastBytes)) | last;
        return (value >>> 24) + "." + ((value >>> 16) & 255) + "." + ((value >>> 8) & 255) + "." + (value & 255);
    }
}
