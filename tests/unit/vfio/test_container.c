/*
 * The shared IOVA space's bookkeeping: every mapping reaches every DMA space,
 * a refusal is undone in the others, a space that joins late gets every
 * mapping, and DMA access by IOVA keeps to the mappings.  The spaces here
 * only record what they were asked: the transports themselves are tested
 * against the kernel and libvfio-user in tests/kernel and tests/user.
 */
#include "suites.h"
#include "vfio/container_private.h"
#include "vfio/error.h"

#include <string.h>

struct recorder {
	struct vfio_dma_space space;
	GArray *mapped;      /* uint64_t IOVAs currently mapped, in order of arrival */
	int refuse_after;    /* refuse the map after this many more; -1: never */
	GString *log;        /* if set, each map adds "NAME " */
};

static bool rec_map(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct recorder *r = s->priv;

	if (r->refuse_after == 0) {
		vfio_set_error(err, EIO, "refused");
		return false;
	}
	if (r->refuse_after > 0)
		r->refuse_after--;
	if (r->log)
		g_string_append_printf(r->log, "%s ", s->name);
	g_array_append_val(r->mapped, m->iova);
	return true;
}

static bool rec_unmap(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	struct recorder *r = s->priv;

	for (guint i = 0; i < r->mapped->len; i++)
		if (g_array_index(r->mapped, uint64_t, i) == m->iova) {
			g_array_remove_index(r->mapped, i);
			return true;
		}
	vfio_set_error(err, ENOENT, "not mapped");
	return false;
}

static const struct vfio_dma_space_ops rec_ops = { .map = rec_map, .unmap = rec_unmap };

static struct recorder *recorder_new(const char *name)
{
	struct recorder *r = g_new0(struct recorder, 1);

	r->space = (struct vfio_dma_space){ &rec_ops, name, r };
	r->mapped = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	r->refuse_after = -1;
	return r;
}

static void recorder_free(struct recorder *r)
{
	g_array_unref(r->mapped);
	g_free(r);
}

static bool join(struct vfio_container *c, struct recorder *r)
{
	GError *err = NULL;
	bool ok;

	g_mutex_lock(&c->lock);
	ok = vfio_container_join_space(c, &r->space, &err);
	g_mutex_unlock(&c->lock);
	g_clear_error(&err);
	return ok;
}

static void leave(struct vfio_container *c, struct recorder *r)
{
	g_mutex_lock(&c->lock);
	vfio_container_leave_space(c, &r->space);
	g_mutex_unlock(&c->lock);
}

static int map(struct vfio_container *c, void *mem, uint64_t size, uint64_t *iova)
{
	GError *err = NULL;
	int e = 0;

	if (!vfio_container_map(c, mem, -1, size, 4096, 4096, NULL, "buf", iova, &err))
		e = vfio_error_errno(err);
	g_clear_error(&err);
	return e;
}

static struct vfio_container *container(void)
{
	return vfio_container_new(&(struct vfio_container_options){ 0 });
}

static void test_map_needs_a_space(void)
{
	struct vfio_container *c = container();
	static char mem[4096];
	uint64_t iova;

	CU_ASSERT_EQUAL(map(c, mem, sizeof(mem), &iova), ENODEV);
	CU_ASSERT_EQUAL(vfio_container_dma_size(c), 0);
	vfio_container_free(c);
}

static void test_every_space_gets_every_mapping(void)
{
	struct vfio_container *c = container();
	struct recorder *a = recorder_new("a"), *b = recorder_new("b");
	static char mem[2][4096];
	uint64_t i0, i1;

	CU_ASSERT_TRUE(join(c, a));
	CU_ASSERT_EQUAL(map(c, mem[0], 4096, &i0), 0);
	/* b joins late: it receives the existing mapping before anything else. */
	CU_ASSERT_TRUE(join(c, b));
	CU_ASSERT_EQUAL(b->mapped->len, 1);
	CU_ASSERT_EQUAL(map(c, mem[1], 4096, &i1), 0);
	CU_ASSERT_NOT_EQUAL(i0, i1);
	CU_ASSERT_EQUAL(a->mapped->len, 2);
	CU_ASSERT_EQUAL(b->mapped->len, 2);
	/* IOVA 0 is never handed out unasked. */
	CU_ASSERT_NOT_EQUAL(i0, 0);
	CU_ASSERT_TRUE(vfio_container_unmap(c, i0, NULL));
	CU_ASSERT_EQUAL(a->mapped->len, 1);
	CU_ASSERT_EQUAL(b->mapped->len, 1);
	CU_ASSERT_EQUAL(g_array_index(b->mapped, uint64_t, 0), i1);
	leave(c, b);
	vfio_container_free(c);
	CU_ASSERT_EQUAL(a->mapped->len, 0);  /* freeing unmaps what is left */
	recorder_free(a);
	recorder_free(b);
}

static void test_refusal_is_undone_everywhere(void)
{
	struct vfio_container *c = container();
	struct recorder *a = recorder_new("a"), *b = recorder_new("b");
	static char mem[2][4096];
	uint64_t i0, i1, again;

	CU_ASSERT_TRUE(join(c, a));
	CU_ASSERT_TRUE(join(c, b));
	b->refuse_after = 0;
	CU_ASSERT_EQUAL(map(c, mem[0], 4096, &i0), EIO);
	CU_ASSERT_EQUAL(a->mapped->len, 0);
	CU_ASSERT_EQUAL(b->mapped->len, 0);
	/* The IOVA went back: the next mapping gets the same one. */
	b->refuse_after = -1;
	CU_ASSERT_EQUAL(map(c, mem[0], 4096, &i1), 0);
	CU_ASSERT_EQUAL(i1, i0);
	vfio_container_unmap(c, i1, NULL);
	CU_ASSERT_EQUAL(map(c, mem[1], 4096, &again), 0);
	CU_ASSERT_EQUAL(again, i0);
	leave(c, b);
	vfio_container_free(c);
	recorder_free(a);
	recorder_free(b);
}

static void test_late_space_refusing_gets_nothing(void)
{
	struct vfio_container *c = container();
	struct recorder *a = recorder_new("a"), *b = recorder_new("b");
	static char mem[3][4096];
	uint64_t iova;

	CU_ASSERT_TRUE(join(c, a));
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(map(c, mem[i], 4096, &iova), 0);
	b->refuse_after = 2;  /* takes two, refuses the third */
	CU_ASSERT_FALSE(join(c, b));
	CU_ASSERT_EQUAL(b->mapped->len, 0);
	CU_ASSERT_EQUAL(a->mapped->len, 3);
	/* It never joined: a later mapping does not reach it. */
	b->refuse_after = -1;
	CU_ASSERT_EQUAL(map(c, mem[0], 4096, &iova), 0);
	CU_ASSERT_EQUAL(b->mapped->len, 0);
	vfio_container_free(c);
	recorder_free(a);
	recorder_free(b);
}

struct copy {
	char *out;
	int calls;
};

static int copy_out(void *mem, size_t len, size_t done, void *data)
{
	struct copy *cp = data;

	memcpy(cp->out + done, mem, len);
	cp->calls++;
	return 0;
}

static void test_dma_access_bounds(void)
{
	struct vfio_container *c = container();
	struct recorder *a = recorder_new("a");
	static char mem[3][4096];
	char out[3 * 4096];
	struct copy cp = { out, 0 };
	uint64_t i0, i1, i2;
	GError *err = NULL;

	memset(mem[0], 'a', 4096);
	memset(mem[1], 'b', 4096);
	memset(mem[2], 'c', 4096);
	CU_ASSERT_TRUE(join(c, a));
	CU_ASSERT_EQUAL(map(c, mem[0], 4096, &i0), 0);
	CU_ASSERT_EQUAL(map(c, mem[1], 4096, &i1), 0);
	CU_ASSERT_EQUAL(i1, i0 + 4096);  /* lowest fit: back to back */
	i2 = i1 + 3 * 4096;              /* a gap of two pages, then the third */
	CU_ASSERT_TRUE(vfio_container_map(c, mem[2], -1, 4096, 4096, 4096, &i2, "c", &i2, &err));
	g_clear_error(&err);

	/* Whole, across back-to-back mappings: all of it, in two pieces. */
	CU_ASSERT_EQUAL(vfio_container_dma_access(c, i0 + 4000, 200, true, copy_out, &cp), 200);
	CU_ASSERT_EQUAL(cp.calls, 2);
	CU_ASSERT_EQUAL(out[0], 'a');
	CU_ASSERT_EQUAL(out[95], 'a');
	CU_ASSERT_EQUAL(out[96], 'b');
	CU_ASSERT_EQUAL(out[199], 'b');
	/* Whole, into the gap: nothing at all. */
	cp.calls = 0;
	CU_ASSERT_EQUAL(vfio_container_dma_access(c, i1 + 4000, 200, true, copy_out, &cp), -EFAULT);
	CU_ASSERT_EQUAL(cp.calls, 0);
	/* Not whole: shortened at the end of the mapping that holds the start. */
	CU_ASSERT_EQUAL(vfio_container_dma_access(c, i0 + 4000, 200, false, copy_out, &cp), 96);
	/* Outside every mapping, and wrapping past the top of the space. */
	CU_ASSERT_EQUAL(vfio_container_dma_access(c, i1 + 4096, 8, false, copy_out, &cp), -EFAULT);
	CU_ASSERT_EQUAL(vfio_container_dma_access(c, 0, 8, true, copy_out, &cp), -EFAULT);
	CU_ASSERT_EQUAL(vfio_container_dma_access(c, i2 + 8, SIZE_MAX, true, copy_out, &cp), -EFAULT);

	/* SEEK_DATA / SEEK_HOLE walk runs of mappings. */
	CU_ASSERT_EQUAL(vfio_container_dma_seek(c, 0, SEEK_DATA), (off_t)i0);
	CU_ASSERT_EQUAL(vfio_container_dma_seek(c, i0 + 10, SEEK_HOLE), (off_t)(i1 + 4096));
	CU_ASSERT_EQUAL(vfio_container_dma_seek(c, i1 + 4096, SEEK_DATA), (off_t)i2);
	CU_ASSERT_EQUAL(vfio_container_dma_seek(c, i2 + 4096, SEEK_DATA), -ENXIO);
	vfio_container_free(c);
	recorder_free(a);
}

static void test_info_lists_spaces_and_mappings(void)
{
	struct vfio_container *c = container();
	struct recorder *a = recorder_new("vfio-user model");
	static char mem[4096];
	struct vfio_container_info *info;
	uint64_t iova;

	CU_ASSERT_TRUE(join(c, a));
	CU_ASSERT_EQUAL(map(c, mem, 4096, &iova), 0);
	info = vfio_container_info_take(c);
	CU_ASSERT_STRING_EQUAL(info->backend, "none");
	CU_ASSERT_STRING_EQUAL(info->iommu_model, "none");
	CU_ASSERT_EQUAL(info->ranges->len, 1);
	CU_ASSERT_EQUAL(info->mappings->len, 1);
	CU_ASSERT_EQUAL(info->spaces->len, 1);
	CU_ASSERT_STRING_EQUAL(info->spaces->pdata[0], "vfio-user model");
	vfio_container_info_free(info);
	vfio_container_free(c);
	recorder_free(a);
}

/*
 * A space behind a round trip: map and unmap come in two halves.  Every
 * half goes into one log shared by the spaces ("+a" a map sent to a, "a+"
 * its answer collected, "-a" and "a-" for unmaps), so a test sees whether
 * everything was sent before anything was awaited.
 */
struct split {
	struct recorder rec;  /* first: the space's priv is the split */
	GString *log;
	GQueue sent;          /* the mappings in flight, oldest first */
	guint most_in_flight;
	int out_of_order;     /* waits that did not match the oldest send */
};

static bool split_send(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, const char *sign)
{
	struct split *sp = s->priv;

	g_string_append_printf(sp->log, "%s%s ", sign, s->name);
	g_queue_push_tail(&sp->sent, (gpointer)m);
	sp->most_in_flight = MAX(sp->most_in_flight, g_queue_get_length(&sp->sent));
	return true;
}

static void split_collect(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, const char *sign)
{
	struct split *sp = s->priv;

	g_string_append_printf(sp->log, "%s%s ", s->name, sign);
	if (g_queue_pop_head(&sp->sent) != m)
		sp->out_of_order++;
}

static bool split_map_send(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	(void)err;
	return split_send(s, m, "+");
}

static bool split_map_wait(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	split_collect(s, m, "+");
	return rec_map(s, m, err);
}

static bool split_unmap_send(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	(void)err;
	return split_send(s, m, "-");
}

static bool split_unmap_wait(struct vfio_dma_space *s, const struct vfio_dma_mapping *m, GError **err)
{
	split_collect(s, m, "-");
	return rec_unmap(s, m, err);
}

static const struct vfio_dma_space_ops split_ops = {
	.map = rec_map, .unmap = rec_unmap,
	.map_send = split_map_send, .map_wait = split_map_wait,
	.unmap_send = split_unmap_send, .unmap_wait = split_unmap_wait,
};

static struct split *split_new(const char *name, GString *log)
{
	struct split *sp = g_new0(struct split, 1);

	sp->rec.space = (struct vfio_dma_space){ &split_ops, name, sp };
	sp->rec.mapped = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	sp->rec.refuse_after = -1;
	sp->log = log;
	return sp;
}

static void split_free(struct split *sp)
{
	g_array_unref(sp->rec.mapped);
	g_free(sp);
}

static void test_fan_out_sends_all_then_collects(void)
{
	struct vfio_container *c = container();
	GString *log = g_string_new("");
	struct recorder *k = recorder_new("k");  /* answers at once, as the kernel's type1 */
	struct split *a = split_new("a", log), *b = split_new("b", log);
	static char mem[4096];
	uint64_t iova;

	CU_ASSERT_TRUE(join(c, k));
	CU_ASSERT_TRUE(join(c, &a->rec));
	CU_ASSERT_TRUE(join(c, &b->rec));
	k->log = log;
	CU_ASSERT_EQUAL(map(c, mem, 4096, &iova), 0);
	/* k, which answers at once, works while a's and b's requests are on the way. */
	CU_ASSERT_STRING_EQUAL(log->str, "+a +b k a+ b+ ");
	CU_ASSERT_EQUAL(k->mapped->len, 1);
	CU_ASSERT_EQUAL(a->rec.mapped->len, 1);
	CU_ASSERT_EQUAL(b->rec.mapped->len, 1);
	g_string_truncate(log, 0);
	CU_ASSERT_TRUE(vfio_container_unmap(c, iova, NULL));
	CU_ASSERT_STRING_EQUAL(log->str, "-a -b a- b- ");
	CU_ASSERT_EQUAL(a->rec.mapped->len + b->rec.mapped->len + k->mapped->len, 0);
	CU_ASSERT_EQUAL(a->out_of_order + b->out_of_order, 0);
	vfio_container_free(c);
	recorder_free(k);
	split_free(a);
	split_free(b);
	g_string_free(log, TRUE);
}

static void test_fan_out_refusal_is_undone(void)
{
	struct vfio_container *c = container();
	GString *log = g_string_new("");
	struct split *a = split_new("a", log), *b = split_new("b", log), *d = split_new("d", log);
	static char mem[4096];
	uint64_t iova;

	CU_ASSERT_TRUE(join(c, &a->rec));
	CU_ASSERT_TRUE(join(c, &b->rec));
	CU_ASSERT_TRUE(join(c, &d->rec));
	b->rec.refuse_after = 0;  /* b refuses in its answer: a and d already took it */
	CU_ASSERT_EQUAL(map(c, mem, 4096, &iova), EIO);
	CU_ASSERT_STRING_EQUAL(log->str, "+a +b +d a+ b+ d+ -a -d a- d- ");
	CU_ASSERT_EQUAL(a->rec.mapped->len + b->rec.mapped->len + d->rec.mapped->len, 0);
	CU_ASSERT_EQUAL(a->out_of_order + b->out_of_order + d->out_of_order, 0);
	vfio_container_free(c);
	split_free(a);
	split_free(b);
	split_free(d);
	g_string_free(log, TRUE);
}

static void test_late_join_pipelines(void)
{
	struct vfio_container *c = container();
	GString *log = g_string_new("");
	struct recorder *k = recorder_new("k");
	struct split *late = split_new("late", log), *refusing = split_new("refusing", log);
	static char mem[100][4096];
	uint64_t iova;

	CU_ASSERT_TRUE(join(c, k));
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(map(c, mem[i], 4096, &iova), 0);
	CU_ASSERT_TRUE(join(c, &late->rec));
	CU_ASSERT_EQUAL(late->rec.mapped->len, 100);
	/* Several in flight, but a bounded number: the server's socket holds them. */
	CU_ASSERT_TRUE(late->most_in_flight > 1);
	CU_ASSERT_TRUE(late->most_in_flight <= 32);
	CU_ASSERT_EQUAL(late->out_of_order, 0);
	/* One that refuses the 50th: the 49 it took are undone, it never joins. */
	refusing->rec.refuse_after = 49;
	CU_ASSERT_FALSE(join(c, &refusing->rec));
	CU_ASSERT_EQUAL(refusing->rec.mapped->len, 0);
	CU_ASSERT_EQUAL(refusing->out_of_order, 0);
	CU_ASSERT_TRUE(g_queue_is_empty(&refusing->sent));
	vfio_container_free(c);
	recorder_free(k);
	split_free(late);
	split_free(refusing);
	g_string_free(log, TRUE);
}

static CU_TestInfo tests[] = {
	{ "a mapping needs a DMA space", test_map_needs_a_space },
	{ "every space gets every mapping, late ones too", test_every_space_gets_every_mapping },
	{ "a refusal is undone in every space", test_refusal_is_undone_everywhere },
	{ "a late space that refuses gets nothing", test_late_space_refusing_gets_nothing },
	{ "DMA access by IOVA keeps to the mappings", test_dma_access_bounds },
	{ "info lists spaces and mappings", test_info_lists_spaces_and_mappings },
	{ "a fan-out sends to every space, then collects", test_fan_out_sends_all_then_collects },
	{ "a refusal in an answer is undone in the others", test_fan_out_refusal_is_undone },
	{ "a late space gets its mappings several at a time", test_late_join_pipelines },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_container_suite) = {
	.pName = "container: one IOVA space over several DMA spaces", .pTests = tests,
};
