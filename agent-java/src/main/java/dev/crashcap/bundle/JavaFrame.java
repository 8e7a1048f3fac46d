package dev.crashcap.bundle;

/** A Java frame: the class as written in the capture (dots or slashes), the method and the line (null if unknown). */
public record JavaFrame(String className, String method, Integer line) implements Frame {

    @Override
    public String kind() {
        return "java";
    }
}
