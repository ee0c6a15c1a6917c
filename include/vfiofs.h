/*
 * vfiofs: the interface for programs that use a vfiofs mount.
 *
 * Everything here describes the mount's files; most programs need nothing
 * but open/pread/pwrite on them.  The ioctls and direct mapping come with
 * later versions (see doc/vfiofs.1).
 */
#ifndef VFIOFS_H
#define VFIOFS_H

/* Version of this interface. */
#define VFIOFS_API_VERSION 1

/* Extended attributes. */
#define VFIOFS_XATTR_IOVA   "user.vfio.iova"    /* dma/NAME: its IO virtual address */
#define VFIOFS_XATTR_SOCKET "user.vfio.socket"  /* mount root: the hand-off socket */

#endif /* VFIOFS_H */
