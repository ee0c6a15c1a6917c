/*
 * The scripted fake vfio-user servers of the unit tests
 * (vfio/user/test_conn.c, vfio/user/test_device.c): sending a
 * message, with a descriptor as SCM_RIGHTS where the server passes one.
 */
#pragma once

#include "vfio/user/msg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sends header and payload in one sendmsg, with pass_fd (if >= 0); true if all of it went. */
bool fake_peer_send(int fd, uint16_t id, uint16_t cmd, uint32_t flags, uint32_t error,
		    const void *payload, size_t len, int pass_fd);

/* Replies to req (same id and command, no error). */
bool fake_peer_reply(int fd, const struct vfio_user_header *req, const void *payload, size_t len,
		     int pass_fd);
