package dev.crashcap.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The redaction rules have two implementations: this package, and its C port that renders the capture header under
 * {@code -agentpath} (agent-native/src/arming/redaction.c, option_items.c). Both run the same table of cases,
 * agent-native/test/redaction_cases.txt (this test, and the native test redaction_test under ctest), so a rule
 * changed in one and not in the other fails one of them.
 */
class RedactionCasesTest {
    static final Path CASES = Path.of("../agent-native/test/redaction_cases.txt");

    @Test
    void everyCaseOfTheSharedTable() throws IOException {
        List<String> lines = Files.readAllLines(CASES, StandardCharsets.UTF_8);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("=")) continue;
            String[] input = line.split("\t", -1);
            String expected = lines.get(i + 1);
            assertTrue(expected.startsWith("="), "line " + (i + 2) + " must hold the expected result of line " + (i + 1));
            List<String> fields = new ArrayList<>();
            for (int f = 1; f < input.length; f++) fields.add(unescape(input[f]));
            String actual = "=" + render(input[0], fields);
            if (!actual.equals(expected)) failures.add("line " + (i + 1) + ": " + line + "\n  expected " + expected
                    + "\n  Java gave " + actual);
            cases++;
        }
        assertTrue(cases > 50, "the table has its cases: " + cases);
        assertEquals(List.of(), failures);
    }

    private static String render(String kind, List<String> in) {
        List<String> result = switch (kind) {
            case "name" -> List.of(String.valueOf(Redaction.isSecretName(in.get(0))));
            case "text" -> List.of(Redaction.text(in.get(0)));
            case "env" -> List.of(Redaction.environmentValue(in.get(0), in.get(1)));
            case "args" -> Redaction.arguments(in);
            case "options" -> List.of(OptionItems.redact(in.get(0)));
            case "split" -> OptionItems.split(in.get(0));
            default -> throw new IllegalArgumentException("unknown kind of case: " + kind);
        };
        StringBuilder text = new StringBuilder();
        for (String field : result) text.append('\t').append(escape(field));
        return text.toString();
    }

    static String unescape(String field) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                char next = field.charAt(++i);
                text.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    static String escape(String field) {
        return field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }
}
