/* What the trace/ tests share: a trace's text as a descriptor a reader reads. */
#pragma once

#include "trace/trace_reader.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A seekable descriptor holding text (a memfd); the caller closes it. */
static inline int trace_text_fd(const char *text)
{
	int fd = memfd_create("trace", MFD_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fd;
}

#define TRACE_TEXT_HEADER "# vfiofs-trace 1 edu 4e58:0001 vfio-user\n"
