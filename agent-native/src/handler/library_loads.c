#include "library_loads.h"

library_load library_loads[LOADS_MAX];
atomic_int library_load_count;

void library_loads_write(bundle_writer *w) {
    int count = atomic_load(&library_load_count);
    if (count > LOADS_MAX) count = LOADS_MAX;
    bw_section(w, "libraries");
    for (int i = 0; i < count; i++) {
        if (!atomic_load(&library_loads[i].ready)) continue;
        bw_text(w, "library\t");
        bw_value(w, library_loads[i].path);
        bw_text(w, "\t");
        bw_value(w, library_loads[i].java_class);
        bw_text(w, "\t");
        bw_value(w, library_loads[i].jar);
        bw_text(w, "\n");
    }
}
