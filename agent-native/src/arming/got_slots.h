/* GOT slots: where a module's calls to a function of another module go through. Pointing a slot at a
 * hook of ours makes that module's calls to the function come to us first. Arming-time code (and hooks
 * running in normal thread context): never called from a signal handler. */
#ifndef CRASHCAP_GOT_SLOTS_H
#define CRASHCAP_GOT_SLOTS_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>

/* The GOT slots of the module `info` (from dl_iterate_phdr) that the dynamic linker fills with the address
 * of `symbol` (JUMP_SLOT or GLOB_DAT relocations), at most `max` of them. Returns how many were found. */
size_t got_find_slots(const struct dl_phdr_info *info, const char *symbol, uintptr_t *slots, size_t max);

/* 1 if address lies in one of the module's loaded segments (a lazily bound slot still points at the
 * module's own PLT stub). */
int got_module_contains(const struct dl_phdr_info *info, uintptr_t address);

/* Writes value into the slot. The slot usually lies in RELRO memory (read-only once the loader is done,
 * always with -z now): the page is made writable for the write, then given back the protection it had.
 * Returns 0, or -1 when the page cannot be made writable. */
int got_write_slot(uintptr_t slot, void *value);

#endif
