/*
 * What the bare vfio-user clients of the benchmarks (vfu_direct, vfu_fanout)
 * share: sending one whole message on a stream socket, a descriptor with its
 * first byte.  A benchmark's helper, not the product's (vfio/user/conn.c).
 */
#pragma once

#include <stddef.h>

/* Sends len bytes of buf on sock, fd (if >= 0) with them; 0, or -1 with errno set. */
int vfu_wire_send(int sock, const void *buf, size_t len, int fd);
