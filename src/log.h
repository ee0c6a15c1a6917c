/* Where the daemon's messages go: stderr in the foreground, syslog once daemonized. */
#pragma once

#include <stdbool.h>

void vfiofs_log_init(bool debug);
void vfiofs_log_to_syslog(void);
