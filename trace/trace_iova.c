/* IOVA rewriting by buffer name (see trace_iova.h). */
#include "trace/trace_iova.h"

#include <string.h>

struct buffer {
	uint64_t iova, size;    /* as recorded */
	uint64_t now;
	bool has_now;
};

struct trace_iova_map {
	GHashTable *buffers;    /* name -> struct buffer */
};

struct trace_iova_map *trace_iova_map_new(void)
{
	struct trace_iova_map *m = g_new0(struct trace_iova_map, 1);

	m->buffers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return m;
}

void trace_iova_map_free(struct trace_iova_map *m)
{
	if (!m)
		return;
	g_hash_table_destroy(m->buffers);
	g_free(m);
}

void trace_iova_map_add(struct trace_iova_map *m, const char *name, uint64_t iova, uint64_t size)
{
	struct buffer *b = g_new0(struct buffer, 1);

	b->iova = iova;
	b->size = size;
	g_hash_table_replace(m->buffers, g_strdup(name), b);
}

void trace_iova_map_set_now(struct trace_iova_map *m, const char *name, uint64_t iova)
{
	struct buffer *b = g_hash_table_lookup(m->buffers, name);

	if (b) {
		b->now = iova;
		b->has_now = true;
	}
}

void trace_iova_map_remove(struct trace_iova_map *m, const char *name)
{
	g_hash_table_remove(m->buffers, name);
}

bool trace_iova_locate(const struct trace_iova_map *m, uint64_t value, unsigned width,
		       const char **name, uint64_t *offset)
{
	GHashTableIter it;
	gpointer key, val;

	if (width < 4)
		return false;
	g_hash_table_iter_init(&it, m->buffers);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const struct buffer *b = val;

		if (value >= b->iova && value - b->iova < b->size) {
			*name = key;
			*offset = value - b->iova;
			return true;
		}
	}
	return false;
}

uint64_t trace_iova_rewrite(const struct trace_iova_map *m, uint64_t value, unsigned width)
{
	const char *name;
	uint64_t offset, now;
	const struct buffer *b;

	if (!trace_iova_locate(m, value, width, &name, &offset))
		return value;
	b = g_hash_table_lookup(m->buffers, name);
	if (!b->has_now)
		return value;
	now = b->now + offset;
	/* a 4-byte value stays 4 bytes: a buffer now above 4 GiB cannot be reached that way */
	if (width == 4 && now > UINT32_MAX)
		return value;
	return now;
}

/* Does any buffer lie elsewhere now than recorded? Only then can bytes need rewriting. */
static bool any_moved(const struct trace_iova_map *m)
{
	GHashTableIter it;
	gpointer val;

	g_hash_table_iter_init(&it, m->buffers);
	while (g_hash_table_iter_next(&it, NULL, &val)) {
		const struct buffer *b = val;

		if (b->has_now && b->now != b->iova)
			return true;
	}
	return false;
}

GBytes *trace_iova_rewrite_bytes(const struct trace_iova_map *m, GBytes *bytes, uint64_t offset)
{
	gsize n = 0;
	const guint8 *p = bytes ? g_bytes_get_data(bytes, &n) : NULL;
	guint8 *out = NULL;

	if (!p || !any_moved(m))
		return NULL;
	/* the first word that starts at an 8-byte aligned offset of the buffer */
	for (gsize i = (8 - offset % 8) % 8; i + 8 <= n; i += 8) {
		uint64_t le, v, now;

		memcpy(&le, p + i, sizeof(le));
		v = GUINT64_FROM_LE(le);
		now = trace_iova_rewrite(m, v, 8);
		if (now == v)
			continue;
		if (!out)
			out = g_memdup2(p, n);
		le = GUINT64_TO_LE(now);
		memcpy(out + i, &le, sizeof(le));
	}
	return out ? g_bytes_new_take(out, n) : NULL;
}
