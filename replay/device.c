/* The device of a replay, through the mount's files only (see device.h). */
#include "replay/device.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define IOVA_XATTR "user.vfio.iova"

struct replay_device {
	char *dir;              /* DEV */
	char *dma_dir;          /* MOUNT/dma */
	int region[TRACE_SPACES];
	int irq_events;         /* DEV/irq, O_NONBLOCK, open from the start */
	int trace;              /* DEV/trace for marks, or -1 */
	GHashTable *irqs;       /* (mode << 16 | vector) -> count arrived, not yet waited for */
	GHashTable *buffers;    /* name -> descriptor (int) of the buffers the replay made */
};

static int neg_errno(void)
{
	return -(errno ? errno : EIO);
}

struct replay_device *replay_device_open(const char *dir, GError **err)
{
	struct replay_device *d;
	char *bar0, *parent;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(ENOTDIR),
			    "%s is not a device directory of a vfiofs mount", dir);
		return NULL;
	}
	bar0 = g_build_filename(dir, "config", NULL);
	parent = g_path_get_dirname(dir);
	d = g_new0(struct replay_device, 1);
	d->dir = g_strdup(dir);
	d->dma_dir = g_build_filename(parent, "dma", NULL);
	g_free(parent);
	for (int i = 0; i < TRACE_SPACES; i++)
		d->region[i] = -1;
	d->trace = -1;
	d->irqs = g_hash_table_new(g_direct_hash, g_direct_equal);
	d->buffers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (access(bar0, F_OK) < 0 || stat(d->dma_dir, &st) < 0) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "%s is not a device directory of a vfiofs mount (no config, or no dma/ beside it)",
			    dir);
		g_free(bar0);
		replay_device_close(d);
		return NULL;
	}
	g_free(bar0);
	/* every interrupt from now on: the trace's IRQ lines are waited for here */
	char *irq = g_build_filename(dir, "irq", NULL);

	d->irq_events = open(irq, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	g_free(irq);
	return d;
}

void replay_device_close(struct replay_device *d)
{
	GHashTableIter it;
	gpointer name, fd;

	if (!d)
		return;
	g_hash_table_iter_init(&it, d->buffers);
	while (g_hash_table_iter_next(&it, &name, &fd)) {
		char *path = g_build_filename(d->dma_dir, name, NULL);

		close(GPOINTER_TO_INT(fd));
		unlink(path);
		g_free(path);
	}
	g_hash_table_destroy(d->buffers);
	g_hash_table_destroy(d->irqs);
	for (int i = 0; i < TRACE_SPACES; i++)
		if (d->region[i] >= 0)
			close(d->region[i]);
	if (d->irq_events >= 0)
		close(d->irq_events);
	if (d->trace >= 0)
		close(d->trace);
	g_free(d->dir);
	g_free(d->dma_dir);
	g_free(d);
}

static int region_fd(struct replay_device *d, enum trace_space space)
{
	char *path;

	if (d->region[space] >= 0)
		return d->region[space];
	path = g_build_filename(d->dir, trace_space_name(space), NULL);
	d->region[space] = open(path, O_RDWR | O_CLOEXEC);
	if (d->region[space] < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
		d->region[space] = open(path, O_RDONLY | O_CLOEXEC);
	g_free(path);
	return d->region[space] >= 0 ? d->region[space] : neg_errno();
}

int replay_device_read(struct replay_device *d, enum trace_space space, uint64_t offset,
		       unsigned width, uint64_t *value)
{
	uint8_t buf[8];
	int fd = region_fd(d, space);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pread(fd, buf, width, (off_t)offset);
	if (n < 0)
		return neg_errno();
	if ((size_t)n != width)
		return -EIO;
	*value = 0;
	for (unsigned i = 0; i < width; i++)
		*value |= (uint64_t)buf[i] << (8 * i);
	return 0;
}

int replay_device_write(struct replay_device *d, enum trace_space space, uint64_t offset,
			unsigned width, uint64_t value)
{
	uint8_t buf[8];
	int fd = region_fd(d, space);
	ssize_t n;

	if (fd < 0)
		return fd;
	for (unsigned i = 0; i < width; i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	n = pwrite(fd, buf, width, (off_t)offset);
	if (n < 0)
		return neg_errno();
	return (size_t)n == width ? 0 : -EIO;
}

/* Writes text to DEV/NAME in one write: 0 or -errno. */
static int write_file(struct replay_device *d, const char *name, const char *text)
{
	char *path = g_build_filename(d->dir, name, NULL);
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	g_free(path);
	if (fd < 0)
		return neg_errno();
	if (write(fd, text, strlen(text)) < 0)
		rc = neg_errno();
	close(fd);
	return rc;
}

int replay_device_mode(struct replay_device *d, enum trace_irq_mode mode, uint64_t count)
{
	char cmd[40];

	if (mode == TRACE_IRQ_MSI || mode == TRACE_IRQ_MSIX)
		snprintf(cmd, sizeof(cmd), "%s %" G_GUINT64_FORMAT "\n", trace_irq_mode_name(mode), count);
	else
		snprintf(cmd, sizeof(cmd), "%s\n", trace_irq_mode_name(mode));
	return write_file(d, "irq", cmd);
}

int replay_device_reset(struct replay_device *d)
{
	return write_file(d, "reset", "1\n");
}

void replay_device_mark(struct replay_device *d, const char *text)
{
	char *line;

	if (d->trace < 0) {
		char *path = g_build_filename(d->dir, "trace", NULL);

		d->trace = open(path, O_WRONLY | O_CLOEXEC);
		g_free(path);
		if (d->trace < 0)
			return;
	}
	line = g_strdup_printf("%s\n", text ? text : "");
	if (write(d->trace, line, strlen(line)) < 0)
		g_debug("MARK into %s/trace: %s", d->dir, g_strerror(errno));
	g_free(line);
}

static gpointer irq_key(enum trace_irq_mode mode, uint32_t vector)
{
	return GUINT_TO_POINTER((guint)mode << 16 | (vector & 0xffff));
}

/* Reads every pending event line of DEV/irq into the tally: 0 or -errno (EAGAIN: none). */
static int drain_irq(struct replay_device *d)
{
	char buf[4096];
	ssize_t n = read(d->irq_events, buf, sizeof(buf) - 1);
	char **lines;

	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	lines = g_strsplit(buf, "\n", -1);
	for (char **l = lines; *l; l++) {
		char mode[8];
		unsigned vector;
		unsigned long long count;

		if (sscanf(*l, "%7s %u %llu", mode, &vector, &count) != 3)
			continue;
		for (enum trace_irq_mode m = TRACE_IRQ_INTX; m <= TRACE_IRQ_MSIX; m++) {
			if (strcmp(mode, trace_irq_mode_name(m)) == 0) {
				gpointer key = irq_key(m, vector);
				guint64 had = GPOINTER_TO_SIZE(g_hash_table_lookup(d->irqs, key));

				g_hash_table_insert(d->irqs, key, GSIZE_TO_POINTER(had + count));
			}
		}
	}
	g_strfreev(lines);
	return 0;
}

int64_t replay_device_wait_irq(struct replay_device *d, enum trace_irq_mode mode, uint32_t vector,
			       int timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	gpointer key = irq_key(mode, vector);

	if (d->irq_events < 0)
		return -ENOENT;
	for (;;) {
		guint64 count;
		int rc = drain_irq(d);
		struct pollfd pfd = { .fd = d->irq_events, .events = POLLIN };
		gint64 left;

		if (rc < 0 && rc != -EAGAIN)
			return rc;
		count = GPOINTER_TO_SIZE(g_hash_table_lookup(d->irqs, key));
		if (count) {
			g_hash_table_remove(d->irqs, key);
			return (int64_t)count;
		}
		left = deadline - g_get_monotonic_time();
		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)((left + 999) / 1000)) < 0 && errno != EINTR)
			return neg_errno();
	}
}

static int buffer_fd(struct replay_device *d, const char *name)
{
	gpointer fd;

	if (!g_hash_table_lookup_extended(d->buffers, name, NULL, &fd))
		return -ENOENT;
	return GPOINTER_TO_INT(fd);
}

/* Creates and sizes the buffer, asking for iova when ask is true: the descriptor, or -errno. */
static int make_buffer(const char *path, uint64_t iova, uint64_t size, bool ask)
{
	char text[32];
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return neg_errno();
	snprintf(text, sizeof(text), "0x%" G_GINT64_MODIFIER "x", iova);
	if ((!ask || fsetxattr(fd, IOVA_XATTR, text, strlen(text), 0) == 0) &&
	    ftruncate(fd, (off_t)size) == 0)
		return fd;
	int rc = neg_errno();

	close(fd);
	unlink(path);
	return rc;
}

int replay_device_map(struct replay_device *d, const char *name, uint64_t iova, uint64_t size,
		      uint64_t *iova_now)
{
	char *path = g_build_filename(d->dma_dir, name, NULL);
	char text[64];
	ssize_t n;
	int fd;

	if (g_hash_table_contains(d->buffers, name)) {
		g_free(path);
		return -EEXIST;
	}
	/* the recorded IOVA first: then no value needs rewriting */
	fd = make_buffer(path, iova, size, true);
	if (fd < 0 && fd != -EEXIST)
		fd = make_buffer(path, iova, size, false);
	g_free(path);
	if (fd < 0)
		return fd;
	g_hash_table_insert(d->buffers, g_strdup(name), GINT_TO_POINTER(fd));
	n = fgetxattr(fd, IOVA_XATTR, text, sizeof(text) - 1);
	if (n <= 0)
		return n < 0 ? neg_errno() : -EIO;
	text[n] = '\0';
	*iova_now = g_ascii_strtoull(text, NULL, 0);
	return 0;
}

int replay_device_unmap(struct replay_device *d, const char *name)
{
	char *path;
	int fd = buffer_fd(d, name), rc = 0;

	if (fd < 0)
		return fd;
	close(fd);
	path = g_build_filename(d->dma_dir, name, NULL);
	if (unlink(path) < 0)
		rc = neg_errno();
	g_free(path);
	g_hash_table_remove(d->buffers, name);
	return rc;
}

int replay_device_buffer_write(struct replay_device *d, const char *name, uint64_t offset,
			       GBytes *bytes)
{
	gsize len;
	const void *data = g_bytes_get_data(bytes, &len);
	int fd = buffer_fd(d, name);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pwrite(fd, data, len, (off_t)offset);
	if (n < 0)
		return neg_errno();
	return (gsize)n == len ? 0 : -EIO;
}

int replay_device_buffer_sha256(struct replay_device *d, const char *name, uint64_t offset,
				uint64_t len, char sha256[65])
{
	GChecksum *sum;
	guint8 *buf;
	int fd = buffer_fd(d, name), rc = 0;

	if (fd < 0)
		return fd;
	sum = g_checksum_new(G_CHECKSUM_SHA256);
	buf = g_malloc(1 << 20);
	while (len > 0) {
		ssize_t n = pread(fd, buf, MIN(len, (uint64_t)1 << 20), (off_t)offset);

		if (n <= 0) {
			rc = n < 0 ? neg_errno() : -EIO;
			break;
		}
		g_checksum_update(sum, buf, (gssize)n);
		offset += (uint64_t)n;
		len -= (uint64_t)n;
	}
	if (rc == 0)
		g_strlcpy(sha256, g_checksum_get_string(sum), 65);
	g_free(buf);
	g_checksum_free(sum);
	return rc;
}
