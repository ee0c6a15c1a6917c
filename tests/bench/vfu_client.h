/*
 * What the bare vfio-user clients of the benchmarks (vfu_direct, vfu_fanout)
 * share: the connection, the VERSION they propose, and sending one whole
 * message on a stream socket, a descriptor with its first byte.  A
 * benchmark's helper, not the product's (vfio/user/conn.c).
 */
#pragma once

#include <stddef.h>

/* VERSION's payload: 0.2, and the capabilities as JSON with its NUL. */
extern const unsigned char vfu_client_version[];
extern const size_t vfu_client_version_size;

/* A stream socket connected to path; -1 with errno set (ENAMETOOLONG: path too long). */
int vfu_client_connect(const char *path);

/* Sends len bytes of buf on sock, fd (if >= 0) with them; 0, or -1 with errno set. */
int vfu_client_send(int sock, const void *buf, size_t len, int fd);
