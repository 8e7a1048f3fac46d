/* A call chain that crashes on purpose, for unwind_test. Built like distribution libraries are
 * (-O1, no frame pointers, see CMakeLists.txt), so only DWARF CFI can walk it. Every level does work
 * after its call, so none of the calls can become a tail jump that would drop a frame. */
#include <stddef.h>
#include <string.h>

enum {
    CHAIN_WRITE_NULL = 0,      /* store through a null pointer in chain_level3 */
    CHAIN_CALL_NULL = 1,       /* call through a null function pointer: frame 0 has pc 0 */
    CHAIN_LIBC_BAD_POINTER = 2 /* strlen on an unmapped address: frame 0 is inside libc */
};

/* volatile, so that the compiler cannot see the values and remove or fold the faulting code */
static int *volatile null_data;
static void (*volatile null_function)(void);
static const char *volatile bad_string = (const char *)16;
volatile int chain_sink;

__attribute__((noinline)) int chain_level3(int mode) {
    int result = mode;
    if (mode == CHAIN_WRITE_NULL)
        *null_data = 42;
    else if (mode == CHAIN_CALL_NULL)
        null_function();
    else if (mode == CHAIN_LIBC_BAD_POINTER)
        result += (int)strlen(bad_string);
    chain_sink += result;
    return chain_sink + 3;
}

__attribute__((noinline)) int chain_level2(int mode) {
    int result = chain_level3(mode);
    chain_sink += result;
    return result * 2;
}

__attribute__((noinline)) int chain_level1(int mode) {
    int result = chain_level2(mode);
    chain_sink ^= result;
    return result + 1;
}
