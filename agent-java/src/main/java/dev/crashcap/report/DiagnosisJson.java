package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.NativeFrame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code diagnosis} object of {@code inspect --json} (docs/bundle-format.md, "Diagnosis"). */
final class DiagnosisJson {
    private DiagnosisJson() {
    }

    static Map<String, Object> of(Bundle bundle, Diagnosis diagnosis, SignatureHistory history) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", diagnosis.kind().jsonName());
        json.put("summary", diagnosis.summary());
        json.put("suspectModule", diagnosis.suspectModule());
        json.put("suspectModulePath", diagnosis.suspectModulePath());
        json.put("suspects", suspects(diagnosis.suspects()));
        json.put("javaCaller", javaCaller(diagnosis.javaCaller()));
        json.put("hints", hints(Hints.of(bundle, diagnosis, history)));
        return json;
    }

    private static List<Object> suspects(List<Suspect> suspects) {
        List<Object> json = new ArrayList<>();
        for (Suspect suspect : suspects) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("module", suspect.module());
            entry.put("path", suspect.path());
            entry.put("why", suspect.why());
            entry.put("loadedBy", BundleJson.loadedBy(suspect.loadedBy()));
            json.add(entry);
        }
        return json;
    }

    private static Map<String, Object> javaCaller(JavaCaller caller) {
        if (caller == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("class", caller.caller().className());
        json.put("method", caller.caller().method());
        json.put("line", caller.caller().line());
        json.put("sourceFile", caller.caller().sourceFile());
        json.put("text", caller.caller().javaStyle());
        json.put("jar", caller.jar());
        json.put("bridge", caller.bridge());
        json.put("bridgeFrame", caller.bridgeFrame());
        json.put("bridgeModulePath", caller.bridgeModule());
        NativeFrame called = caller.called();
        json.put("nativeFunction", called.function());
        json.put("nativeModule", called.moduleName());
        return json;
    }

    private static List<Object> hints(List<Hint> hints) {
        List<Object> json = new ArrayList<>();
        for (Hint hint : hints) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", hint.kind());
            entry.put("text", hint.text());
            entry.put("evidence", hint.evidence());
            json.add(entry);
        }
        return json;
    }
}
