#ifndef CRASHCAP_PROCESS_START_H
#define CRASHCAP_PROCESS_START_H

#include <stdint.h>

/* When this process started, in milliseconds since the epoch; 0 when it cannot be known. */
int64_t process_start_epoch_ms(void);

#endif
