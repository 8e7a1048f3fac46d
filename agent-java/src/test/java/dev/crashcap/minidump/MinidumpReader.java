package dev.crashcap.minidump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minidump reader of the tests' own, written from Breakpad's minidump_format.h and minidump_cpu_amd64.h
 * (Microsoft's MINIDUMP_* structures) and sharing no code with the writer: it reads every structure by its
 * documented offsets, so a field the writer puts in the wrong place reads wrong here. It checks what every reader
 * relies on (signature, version, that every RVA and size lies in the file) and throws on anything else.
 */
public final class MinidumpReader {
    public record Thread(long tid, long stackStart, byte[] stack, Context context) {}
    public record Context(long flags, long rip, long rsp, long rbp, long rax, long eflags, long mxcsr, int cs) {}
    public record Module(String name, long base, long size, String buildId, int cvSignature) {}
    public record Exception(long tid, long code, long flags, long address, Context context) {}
    public record SystemInfo(int architecture, int processors, long platform, String csdVersion, long major) {}

    public final long signature;
    public final long version;
    public final long timeDateStamp;
    public final Map<Long, byte[]> streams = new LinkedHashMap<>(); // type → raw stream bytes, in directory order
    public final List<Thread> threads = new ArrayList<>();
    public final List<Module> modules = new ArrayList<>();
    public final List<long[]> memory = new ArrayList<>(); // {start, size}
    public Exception exception;
    public SystemInfo system;
    private final ByteBuffer file;

    public MinidumpReader(byte[] bytes) {
        file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        signature = u32(0);
        version = u32(4);
        long count = u32(8);
        long directory = u32(12);
        timeDateStamp = u32(20);
        if (signature != 0x504d444dL || (version & 0xffff) != 0xa793) {
            throw new IllegalArgumentException("not a minidump: signature " + Long.toHexString(signature));
        }
        for (int i = 0; i < count; i++) {
            int entry = (int) directory + i * 12;
            long type = u32(entry);
            int size = (int) u32(entry + 4);
            int rva = (int) u32(entry + 8);
            streams.put(type, slice(rva, size));
            switch ((int) type) {
                case 3 -> threadList(rva, size);
                case 4 -> moduleList(rva, size);
                case 5 -> memoryList(rva, size);
                case 6 -> exception(rva);
                case 7 -> systemInfo(rva);
                default -> { }
            }
        }
    }

    private void threadList(int rva, int size) {
        long count = u32(rva);
        if (4 + count * 48 != size) {
            throw new IllegalArgumentException("thread list of " + count + " threads in " + size + " bytes");
        }
        for (int i = 0; i < count; i++) {
            int at = rva + 4 + i * 48; // MDRawThread: tid, suspend, priority class, priority, teb, stack, context
            long start = u64(at + 24);
            int stackSize = (int) u32(at + 32);
            int stackRva = (int) u32(at + 36);
            int contextSize = (int) u32(at + 40);
            int contextRva = (int) u32(at + 44);
            threads.add(new Thread(u32(at), start, slice(stackRva, stackSize), context(contextRva, contextSize)));
        }
    }

    /** MDRawContextAMD64, by the offsets of minidump_cpu_amd64.h. */
    private Context context(int rva, int size) {
        if (size != 1232) {
            throw new IllegalArgumentException("an AMD64 context is 1232 bytes, not " + size);
        }
        return new Context(u32(rva + 48), u64(rva + 248), u64(rva + 152), u64(rva + 160), u64(rva + 120),
                u32(rva + 68), u32(rva + 52), file.getShort(rva + 56) & 0xffff);
    }

    private void moduleList(int rva, int size) {
        long count = u32(rva);
        if (4 + count * 108 != size) {
            throw new IllegalArgumentException("module list of " + count + " modules in " + size + " bytes");
        }
        for (int i = 0; i < count; i++) {
            int at = rva + 4 + i * 108; // MDRawModule: base, size, checksum, time, name, version (52), cv, misc, reserved
            String name = string((int) u32(at + 20));
            int cvSize = (int) u32(at + 76);
            int cvRva = (int) u32(at + 80);
            String buildId = null;
            int cvSignature = 0;
            if (cvSize > 0) {
                cvSignature = (int) u32(cvRva);
                buildId = HexFormat.of().formatHex(slice(cvRva + 4, cvSize - 4));
            }
            modules.add(new Module(name, u64(at), u32(at + 8), buildId, cvSignature));
        }
    }

    private void memoryList(int rva, int size) {
        long count = u32(rva);
        if (4 + count * 16 != size) {
            throw new IllegalArgumentException("memory list of " + count + " ranges in " + size + " bytes");
        }
        for (int i = 0; i < count; i++) {
            int at = rva + 4 + i * 16;
            slice((int) u32(at + 12), (int) u32(at + 8)); // must lie in the file
            memory.add(new long[] {u64(at), u32(at + 8)});
        }
    }

    private void exception(int rva) { // MDRawExceptionStream: tid, align, MDException (152), context location
        int contextSize = (int) u32(rva + 160);
        exception = new Exception(u32(rva), u32(rva + 8), u32(rva + 12), u64(rva + 24),
                contextSize > 0 ? context((int) u32(rva + 164), contextSize) : null);
    }

    private void systemInfo(int rva) { // MDRawSystemInfo
        system = new SystemInfo(file.getShort(rva) & 0xffff, file.get(rva + 6) & 0xff, u32(rva + 20),
                string((int) u32(rva + 24)), u32(rva + 8));
    }

    private String string(int rva) { // MDString: length in bytes, UTF-16LE, then a 0 terminator
        int length = (int) u32(rva);
        if (file.getShort(rva + 4 + length) != 0) {
            throw new IllegalArgumentException("MDString at " + rva + " without its terminator");
        }
        return new String(slice(rva + 4, length), StandardCharsets.UTF_16LE);
    }

    public String text(long streamType) {
        byte[] bytes = streams.get(streamType);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private byte[] slice(int rva, int size) {
        if (rva < 0 || size < 0 || (long) rva + size > file.capacity()) {
            throw new IllegalArgumentException("RVA " + rva + " + " + size + " lies outside the file");
        }
        byte[] bytes = new byte[size];
        file.get(rva, bytes);
        return bytes;
    }

    private long u32(int at) {
        return Integer.toUnsignedLong(file.getInt(at));
    }

    private long u64(int at) {
        return file.getLong(at);
    }
}
