/* Where the daemon's messages go: stderr in the foreground, syslog once daemonized. */
#pragma once

#include <stdbool.h>

/* Informational lines only in the foreground or with debug; warnings and refusals always. */
void vfiofs_log_init(bool foreground, bool debug);
void vfiofs_log_to_syslog(void);
