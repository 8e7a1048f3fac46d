#include "virtual_thread.h"

#include "own_memory.h"
#include "sys.h"
#include "thread_registry.h"

hotspot_vthread_layout hotspot_vthreads = { .problem = "HotSpot's virtual thread layout was not read (not armed)" };

const char *virtual_thread_layout_status(void) {
    return hotspot_vthreads.ready ? "ok" : hotspot_vthreads.problem;
}

/* Generational ZGC (JDK 21+ with -XX:+ZGenerational, the only ZGC from JDK 24) stores every reference, in the heap
 * and in OopHandles alike, as a colored pointer ("zpointer"): the object's address shifted left, below it 16 bits of
 * GC metadata. Bits 12..15 are the "remapped" color, exactly one of them set; the address starts right above that
 * bit (bit 12 set: shifted by 13, ... bit 15: by 16), which is how HotSpot's own load barrier uncolors it (x86_64
 * layout; the arming check on a known Thread proves it, else this encoding is not used). A reference whose color
 * the current ZPointerLoadBadMask calls bad was not yet fixed since the last relocation: its object may have moved
 * and the old place be reused, so it is left unread (0) rather than read wrong. */
#define ZGC_METADATA_BITS 16
/* A reference that is there but may not be followed: an address no object has (nothing is mapped at 1), so every read
 * through it fails, and unlike 0 (null) it says "something was there". */
#define UNREADABLE_REFERENCE ((uintptr_t)1)
#define ZGC_REMAPPED_SHIFT 12

/* The address a zpointer holds, whatever its color: 0 for null, UNREADABLE_REFERENCE when it is no zpointer. */
static uintptr_t zgc_address(uintptr_t colored) {
    if ((colored >> ZGC_METADATA_BITS) == 0) return 0; /* null, colored or not */
    unsigned remapped = (unsigned)(colored >> ZGC_REMAPPED_SHIFT) & 0xF;
    if (remapped == 0 || (remapped & (remapped - 1)) != 0) return UNREADABLE_REFERENCE; /* not exactly one bit */
    return colored >> (ZGC_REMAPPED_SHIFT + 1 + __builtin_ctz(remapped));
}

/* The object a zpointer points to, when it may be followed: not null, and of a color the GC calls good now. */
static uintptr_t zgc_uncolor(const memory_map *map, uintptr_t colored) {
    uintptr_t address = zgc_address(colored);
    uintptr_t bad = 0;
    if (address == 0) return 0;
    if (hotspot_vthreads.zgc_load_bad_mask == NULL ||
        !own_memory_read(map, (uintptr_t)hotspot_vthreads.zgc_load_bad_mask, &bad, sizeof bad) || (colored & bad) != 0) {
        return UNREADABLE_REFERENCE;
    }
    return address;
}

/* The non-generational ZGC (JDK 17's only one; JDK 21-23 with -XX:-ZGenerational) keeps its colors in the upper bits
 * of plain addresses and maps the heap once per color, so every reference reads as it is; but one of a color its
 * ZAddressBadMask calls bad now may point to where the object was before it moved, memory since reused: left unread.
 * Under other GCs the mask is 0 and every reference is good. */
static uintptr_t full_reference(const memory_map *map, uintptr_t raw) {
    uintptr_t bad = 0;
    if (raw == 0 || hotspot_vthreads.address_bad_mask == NULL) return raw;
    if (!own_memory_read(map, (uintptr_t)hotspot_vthreads.address_bad_mask, &bad, sizeof bad) || (raw & bad) != 0) {
        return UNREADABLE_REFERENCE;
    }
    return raw;
}

/* A full-width reference as the heap or an OopHandle holds it, as an address: itself (if of a good color), or a
 * zpointer uncolored. */
static uintptr_t decode_reference(const memory_map *map, uintptr_t raw) {
    return hotspot_vthreads.zgc_colored ? zgc_uncolor(map, raw) : full_reference(map, raw);
}

/* A reference field of the object at object: a narrow oop decoded, or a full one. 0 for null or unreadable. */
static uintptr_t read_reference(const memory_map *map, uintptr_t object, uint64_t offset) {
    if (hotspot_vthreads.compressed_oops) {
        uint32_t narrow = 0;
        if (!own_memory_read(map, object + offset, &narrow, sizeof narrow) || narrow == 0) return 0;
        return hotspot_vthreads.narrow_oop_base + ((uintptr_t)narrow << hotspot_vthreads.narrow_oop_shift);
    }
    uintptr_t oop = 0;
    return own_memory_read(map, object + offset, &oop, sizeof oop) ? decode_reference(map, oop) : 0;
}

uintptr_t java_object_reference(const memory_map *map, uintptr_t object, uint64_t offset) {
    return object == 0 || object == UNREADABLE_REFERENCE ? 0 : read_reference(map, object, offset);
}

/* Appends one character as UTF-8 if it fits whole; 0 when it does not. */
static int put_utf8(char *out, size_t size, size_t *used, uint32_t c) {
    char bytes[4];
    size_t n;
    if (c < 0x80) {
        bytes[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        bytes[0] = (char)(0xC0 | c >> 6);
        bytes[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        bytes[0] = (char)(0xE0 | c >> 12);
        bytes[1] = (char)(0x80 | (c >> 6 & 0x3F));
        bytes[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        bytes[0] = (char)(0xF0 | c >> 18);
        bytes[1] = (char)(0x80 | (c >> 12 & 0x3F));
        bytes[2] = (char)(0x80 | (c >> 6 & 0x3F));
        bytes[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    if (*used + n + 1 > size) return 0;
    for (size_t i = 0; i < n; i++) out[(*used)++] = bytes[i];
    return 1;
}

#define STRING_BYTES_MAX 512 /* read of a name's value array at most: more than VIRTUAL_THREAD_NAME_MAX needs */

/* A java.lang.String as UTF-8 (Latin-1 or UTF-16 inside), cut at a character's start to fit. 1 when read. */
static int read_string(const memory_map *map, uintptr_t string, char *out, size_t size) {
    uintptr_t value = read_reference(map, string, hotspot_vthreads.string_value);
    uint8_t coder = 0;
    int32_t length = 0;
    if (value == 0 || !own_memory_read(map, string + hotspot_vthreads.string_coder, &coder, 1) || coder > 1 ||
        !own_memory_read(map, value + hotspot_vthreads.array_length, &length, sizeof length) || length < 0 ||
        (coder == 1 && (length & 1))) {
        return 0;
    }
    uint8_t bytes[STRING_BYTES_MAX];
    size_t count = (size_t)length < sizeof bytes ? (size_t)length : sizeof bytes;
    if (count > 0 && !own_memory_read(map, value + hotspot_vthreads.array_base, bytes, count)) return 0;
    size_t used = 0;
    if (coder == 0) {
        for (size_t i = 0; i < count && put_utf8(out, size, &used, bytes[i]); i++) {
        }
    } else {
        for (size_t i = 0; i + 1 < count; i += 2) {
            uint32_t c = (uint32_t)bytes[i] | (uint32_t)bytes[i + 1] << 8; /* UTF-16 as the CPU stores it: x86_64 */
            if (c >= 0xD800 && c < 0xDC00 && i + 3 < count) {
                uint32_t low = (uint32_t)bytes[i + 2] | (uint32_t)bytes[i + 3] << 8;
                if (low >= 0xDC00 && low < 0xE000) {
                    c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                    i += 2;
                }
            }
            if (!put_utf8(out, size, &used, c)) break;
        }
    }
    out[used] = '\0';
    return 1;
}

int java_thread_object_read(const memory_map *map, uintptr_t thread_oop, java_thread_object *out) {
    if (thread_oop == 0 || !own_memory_read(map, thread_oop + hotspot_vthreads.thread_tid, &out->id, sizeof out->id)) {
        return 0;
    }
    uintptr_t name = read_reference(map, thread_oop, hotspot_vthreads.thread_name);
    out->name[0] = '\0';
    return name == 0 || read_string(map, name, out->name, sizeof out->name); /* a virtual thread may have no name */
}

/* The raw value in the OopHandle at java_thread + handle_offset, or 0. */
static uintptr_t handle_raw(const memory_map *map, uintptr_t java_thread, uint64_t handle_offset) {
    uintptr_t slot = 0, raw = 0;
    if (java_thread == 0 || !own_memory_read(map, java_thread + handle_offset, &slot, sizeof slot) || slot == 0 ||
        !own_memory_read(map, slot, &raw, sizeof raw)) {
        return 0;
    }
    return raw;
}

uintptr_t java_thread_handle_oop(const memory_map *map, uintptr_t java_thread, uint64_t handle_offset) {
    return decode_reference(map, handle_raw(map, java_thread, handle_offset));
}

uintptr_t java_thread_own_object(const memory_map *map, uintptr_t java_thread) {
    return java_thread_handle_oop(map, java_thread, hotspot_vthreads.java_thread_thread_obj);
}

int virtual_thread_read(const memory_map *map, uintptr_t java_thread, java_thread_object *out) {
    if (!hotspot_vthreads.ready || java_thread == 0) return 0;
    uintptr_t current_raw = handle_raw(map, java_thread, hotspot_vthreads.java_thread_vthread);
    uintptr_t carrier_raw = handle_raw(map, java_thread, hotspot_vthreads.java_thread_thread_obj);
    /* Under ZGC two handles to one Thread may have different colors (the GC fixes each on its own): the same address
     * whatever the colors is the same object, nothing mounted, though neither may be followed yet. */
    if (hotspot_vthreads.zgc_colored && zgc_address(current_raw) == zgc_address(carrier_raw)) return 0;
    uintptr_t current = decode_reference(map, current_raw);
    uintptr_t carrier = decode_reference(map, carrier_raw);
    if (current == UNREADABLE_REFERENCE || carrier == UNREADABLE_REFERENCE) return -1; /* mounted or not: unknown */
    /* Thread.currentThread() is the carrier's own Thread unless a virtual thread is mounted. */
    if (current == 0 || carrier == 0 || current == carrier) return 0;
    return java_thread_object_read(map, current, out) ? 1 : -1;
}

int virtual_thread_own(const memory_map *map, java_thread_object *out) {
    thread_slot *slot = thread_registry_find(current_tid());
    return slot == NULL ? 0 : virtual_thread_read(map, atomic_load(&slot->vm_thread), out);
}
