/*
 * The daemon's event loop: one GLib main context on its own thread, where
 * interrupt eventfds are watched.  Started on first use, so that it never
 * exists before the daemon has forked into the background.
 */
#pragma once

#include <glib.h>

struct fs_event_loop;

struct fs_event_loop *fs_event_loop_new(void);
/* The context to attach sources to; starts the thread the first time. */
GMainContext *fs_event_loop_context(struct fs_event_loop *loop);
/* Runs fn(data) on the loop's thread soon, then destroy(data); callable from any thread. */
void fs_event_loop_invoke(struct fs_event_loop *loop, GSourceFunc fn, gpointer data,
			  GDestroyNotify destroy);
/* Stops and joins the thread (if it ever started) and frees the loop. */
void fs_event_loop_free(struct fs_event_loop *loop);
