/*
 * The vfio-user client transport: a device served over a UNIX socket by a
 * vfio-user server (a device model, a simulation, a device elsewhere),
 * behind the same vfio_device_ops as the kernel's devices, with a DMA space
 * of its own (the connection) that the container feeds every mapping.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "vfio/backend.h"
#include "vfio/dma_reach.h"

struct vfio_device;

struct vfio_user_options {
	unsigned timeout_ms;   /* the longest wait for any reply from the server */
	bool dma_by_message;   /* DMA_MAP without descriptors: the server uses DMA_READ/WRITE */
	struct vfio_dma_reach reach;  /* serves the server's DMA requests (no access: EFAULT) */
};

#define VFIO_USER_DEFAULT_TIMEOUT_MS 10000

/*
 * Connects d to the server at socket_path and negotiates the version.  On
 * success d->ops, d->priv and d->dma_space are set (d->name and
 * d->container are set by the caller, which then runs vfio_device_setup()
 * and hands d->dma_space every existing mapping).  d->ops->close undoes it.
 * Errors: the connect errno (ENOENT, ECONNREFUSED, EACCES...) or EIO for a
 * server that breaks the protocol, each with a message naming the device.
 */
bool vfio_user_connect(struct vfio_device *d, const char *socket_path,
		       const struct vfio_user_options *o, GError **err);

/* Starts serving d's server's requests in the background (vfio_user_conn_serve()). */
void vfio_user_serve(struct vfio_device *d);

/* The vfio-user entry of the backend table (vfio/backend.c): sources are socket paths. */
extern const struct vfio_backend_ops vfio_user_backend;
