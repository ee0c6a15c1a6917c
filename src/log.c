#include "src/log.h"

#include <glib.h>
#include <stdio.h>
#include <syslog.h>

static bool log_debug;
static bool log_info;
static bool log_syslog;

static int syslog_priority(GLogLevelFlags level)
{
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		return LOG_ERR;
	if (level & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (level & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (level & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

/* "vfiofs: domain: message", one line. */
static void log_handler(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
	(void)data;
	if (((level & G_LOG_LEVEL_DEBUG) && !log_debug) || ((level & G_LOG_LEVEL_INFO) && !log_info))
		return;
	if (log_syslog)
		syslog(syslog_priority(level), "%s: %s", domain ? domain : "main", message);
	else
		fprintf(stderr, "vfiofs: %s%s%s\n", domain ? domain : "", domain ? ": " : "", message);
}

void vfiofs_log_init(bool foreground, bool debug)
{
	log_debug = debug;
	log_info = foreground || debug;
	g_log_set_default_handler(log_handler, NULL);
}

void vfiofs_log_to_syslog(void)
{
	openlog("vfiofs", LOG_PID, LOG_DAEMON);
	log_syslog = true;
}
