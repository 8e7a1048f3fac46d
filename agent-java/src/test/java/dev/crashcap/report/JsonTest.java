package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crashcap.bundle.JsonReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void prettyPrintsWithTwoSpaces() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", 1);
        value.put("b", List.of(true, "x"));
        value.put("c", new LinkedHashMap<>());
        value.put("d", List.of());
        value.put("e", null);
        assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": [],\n"
                + "  \"e\": null\n}", Json.write(value));
    }

    @Test
    void escapesPerRfc8259() {
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f nul\\u0000 esc\\u001b del\u007f é ✓\"",
                Json.write("q\" b\\ n\n r\r t\t b\b f\f nul\0 esc\u001b del\u007f é ✓"));
    }

    @Test
    void escapesLoneSurrogatesButNotPairs() {
        assertEquals("\"\\ud800x😀\"", Json.write("\ud800x\ud83d\ude00"));
    }

    @Test
    void writesLongsExactly() {
        assertEquals("9223372036854775807", Json.write(Long.MAX_VALUE));
        assertEquals("-6", Json.write(-6));
        assertEquals("null", Json.write(Double.NaN));
    }

    @Test
    void roundTripsThroughTheTestReader() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "tab\there \"quoted\" \\ \u0001");
        value.put("list", new ArrayList<>(Arrays.asList(1L, null, false, "")));
        value.put("nested", Map.of("k", List.of(Map.of())));
        assertEquals(value, JsonReader.read(Json.write(value)));
    }

    @Test
    void refusesValuesWithoutAJsonForm() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
