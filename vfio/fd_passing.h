/*
 * Descriptors carried by a message on a UNIX socket (SCM_RIGHTS): the
 * vfio-user link sends them with DMA_MAP and SET_IRQS, the hand-off socket
 * with its answers.
 */
#pragma once

#include <sys/socket.h>

/* The control buffer n descriptors need; declare it aligned for a struct cmsghdr. */
#define VFIO_FDS_CONTROL_SIZE(n) CMSG_SPACE(sizeof(int) * (n))

/* Attaches fds[0..n) (n > 0) to msg, using control (VFIO_FDS_CONTROL_SIZE(n) bytes at least). */
void vfio_fds_attach(struct msghdr *msg, void *control, const int *fds, unsigned n);
