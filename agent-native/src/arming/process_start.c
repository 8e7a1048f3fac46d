#include "process_start.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* Field 22 of /proc/self/stat is the start in clock ticks since boot, and CLOCK_BOOTTIME against
 * CLOCK_REALTIME turns that into wall time. (Cheaper at start-up than Java's ProcessHandle, which loads
 * dozens of classes.) */
int64_t process_start_epoch_ms(void) {
    char stat[1024];
    if (proc_read_file("/proc/self/stat", stat, sizeof stat) <= 0) return 0;
    const char *field = proc_stat_field(stat, 22);
    if (field == NULL) return 0;
    long long start_ticks = strtoll(field, NULL, 10);
    long ticks_per_second = sysconf(_SC_CLK_TCK);
    struct timespec boot, wall;
    if (ticks_per_second <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0 || clock_gettime(CLOCK_REALTIME, &wall) != 0) {
        return 0;
    }
    long long since_boot_ms = (long long)boot.tv_sec * 1000 + boot.tv_nsec / 1000000;
    long long wall_ms = (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000;
    return (int64_t)(wall_ms - since_boot_ms + start_ticks * 1000 / ticks_per_second);
}
