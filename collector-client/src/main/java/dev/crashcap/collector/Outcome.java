package dev.crashcap.collector;

/** What a collector said: {@code SENT} (confirmed), {@code RETRY} (try again later), {@code REFUSED} (for good). */
public record Outcome(Kind kind, String reason) {
    public enum Kind { SENT, RETRY, REFUSED }

    public static Outcome sent(String reason) {
        return new Outcome(Kind.SENT, reason);
    }

    public static Outcome retry(String reason) {
        return new Outcome(Kind.RETRY, reason);
    }

    public static Outcome refused(String reason) {
        return new Outcome(Kind.REFUSED, reason);
    }

    /**
     * The usual meaning of an HTTP status: 2xx confirmed; 408, 425, 429 and 5xx are passing trouble; 401, 403 and
     * 404 say the target is misconfigured (a wrong token or URL), not that the bundle is bad, so they are retried
     * too: fixing the configuration must not leave every bundle refused; any other answer means this request
     * will never be accepted as it is.
     */
    public static Outcome ofStatus(int status, String body) {
        String reason = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body));
        if (status >= 200 && status < 300) {
            return sent(reason);
        }
        if (status == 401 || status == 403 || status == 404) {
            return retry(reason + " (check the target's URL and token)");
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            return retry(reason);
        }
        return refused(reason);
    }

    private static String abbreviate(String body) {
        String line = body.strip().replace('\n', ' ').replace('\r', ' ');
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }
}
