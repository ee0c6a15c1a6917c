#define G_LOG_DOMAIN "group-holders"
#include "vfio/kernel/group_holders.h"

#include <glib.h>
#include <string.h>
#include <unistd.h>

/*
 * Bounded, since it runs while a mount waits: a machine with more processes
 * or descriptors than this gets a partial answer, not a stall. Other users'
 * descriptors are visible to root only.
 */
#define MAX_PROCS 8192
#define MAX_FDS_PER_PROC 4096
#define MAX_NAMED 4

/* A mapping keeps the file it maps open after its descriptor is closed (examples/map_bar.py). */
static const char *mapped(const char *pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%s/maps", pid);
	g_autofree char *maps = NULL;

	if (!g_file_get_contents(path, &maps, NULL, NULL))
		return NULL;
	return strstr(maps, " anon_inode:[vfio-device]\n") ? "a mapping of a VFIO device" : NULL;
}

/* What pid holds that keeps the group busy, or NULL. */
static const char *held(const char *pid, const char *group_path)
{
	g_autofree char *dir_path = g_strdup_printf("/proc/%s/fd", pid);
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *fd, *what = NULL;
	int n = 0;

	if (!dir)
		return NULL;
	while (!what && n++ < MAX_FDS_PER_PROC && (fd = g_dir_read_name(dir))) {
		g_autofree char *link = g_strdup_printf("%s/%s", dir_path, fd);
		g_autofree char *target = g_file_read_link(link, NULL);

		if (!target)
			continue;
		if (g_strcmp0(target, group_path) == 0)
			what = "the group file";
		else if (g_strcmp0(target, "anon_inode:[vfio-device]") == 0)
			what = "a VFIO device descriptor";
	}
	g_dir_close(dir);
	return what ? what : mapped(pid);
}

static char *comm_of(const char *pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%s/comm", pid);
	char *comm = NULL;

	if (!g_file_get_contents(path, &comm, NULL, NULL))
		return g_strdup("?");
	return g_strchomp(comm);
}

char *vfio_group_holders(int num)
{
	g_autofree char *group_path = g_strdup_printf("/dev/vfio/%d", num);
	g_autofree char *self = g_strdup_printf("%d", (int)getpid());
	g_autoptr(GString) s = g_string_new(NULL);
	GDir *proc = g_dir_open("/proc", 0, NULL);
	const char *pid, *what;
	int procs = 0, named = 0;

	if (!proc)
		return NULL;
	while (named < MAX_NAMED && procs < MAX_PROCS && (pid = g_dir_read_name(proc))) {
		if (!g_ascii_isdigit(pid[0]) || strcmp(pid, self) == 0)
			continue;
		procs++;
		what = held(pid, group_path);
		if (what) {
			g_autofree char *comm = comm_of(pid);

			g_string_append_printf(s, "%sprocess %s (%s) holds %s", named++ ? "; " : "", pid,
					       comm, what);
		}
	}
	g_dir_close(proc);
	return s->len ? g_strdup(s->str) : NULL;
}
