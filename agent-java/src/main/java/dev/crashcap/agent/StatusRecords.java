package dev.crashcap.agent;

import dev.crashcap.secrets.Redaction;

/**
 * The options part of the armed agent's status ({@code crashcap status}, docs/attach.md): every option that is set,
 * after precedence, with where it came from. Secrets never leave the process: options named like one ({@code token},
 * {@code sentry-dsn}) are shown as {@value Redaction#REDACTED}, and the others go through the value rules (a password
 * in a URL).
 */
final class StatusRecords {
    private StatusRecords() {}

    static String of(AgentOptions options) {
        CaptureHeader.Lines lines = new CaptureHeader.Lines();
        for (String name : AgentOptions.KNOWN) {
            String value = options.value(name);
            if (value == null) continue;
            String shown = Redaction.isSecretName(name) ? Redaction.REDACTED : Redaction.text(value);
            lines.add("option", name, shown, options.source(name));
        }
        return lines.toString();
    }
}
