/*
 * Vectors handed out (fs/irq/irq_lease.c) against a fake device: what reaches
 * set_irqs, what the program receives on its connection, EBUSY, the vector
 * back when the connection closes, end of file when interrupts go off.
 */
#include "suites.h"
#include "fs/event_loop.h"
#include "fs/irq/irq.h"
#include "vfio/device.h"

#include <errno.h>
#include <linux/vfio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The last SET_IRQS of each kind the fake device saw; fds are kept (dup) to signal them. */
static struct {
	GMutex lock;
	unsigned calls;
	unsigned index, start, count;
	uint32_t flags;
	int trigger[4];   /* per vector: a dup of the eventfd VFIO would signal */
	int unmask;       /* a dup of the unmask eventfd, or -1 */
} fake;

static void keep(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd >= 0 ? dup(fd) : -1;
}

static int fake_set_irqs(struct vfio_device *d, unsigned index, unsigned start, unsigned count,
			 uint32_t flags, const int32_t *fds)
{
	(void)d;
	g_mutex_lock(&fake.lock);
	fake.calls++;
	fake.index = index, fake.start = start, fake.count = count, fake.flags = flags;
	if ((flags & VFIO_IRQ_SET_DATA_EVENTFD) && (flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		for (unsigned i = 0; i < count && start + i < 4; i++)
			keep(&fake.trigger[start + i], fds[i]);
	if ((flags & VFIO_IRQ_SET_DATA_EVENTFD) && (flags & VFIO_IRQ_SET_ACTION_UNMASK))
		keep(&fake.unmask, fds[0]);
	g_mutex_unlock(&fake.lock);
	return 0;
}

static const struct vfio_device_ops fake_ops = { .transport = "fake", .set_irqs = fake_set_irqs };

static struct vfio_device *fake_device(void)
{
	struct vfio_device *d = g_new0(struct vfio_device, 1);

	g_strlcpy(d->name, "fake", sizeof(d->name));
	d->ops = &fake_ops;
	d->num_irqs = VFIO_PCI_MSIX_IRQ_INDEX + 1;
	d->irqs = g_new0(struct vfio_irq_index, d->num_irqs);
	d->irqs[VFIO_PCI_INTX_IRQ_INDEX] = (struct vfio_irq_index){
		VFIO_PCI_INTX_IRQ_INDEX, "intx",
		VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED, 1 };
	d->irqs[VFIO_PCI_MSI_IRQ_INDEX] = (struct vfio_irq_index){ VFIO_PCI_MSI_IRQ_INDEX, "msi", 0, 0 };
	d->irqs[VFIO_PCI_MSIX_IRQ_INDEX] = (struct vfio_irq_index){
		VFIO_PCI_MSIX_IRQ_INDEX, "msix", VFIO_IRQ_INFO_EVENTFD, 4 };
	for (unsigned i = 0; i < 4; i++)
		fake.trigger[i] = -1;
	fake.unmask = -1;
	return d;
}

static void apply(struct fs_irq *irq, struct vfio_device *d, const char *text)
{
	g_autoptr(GError) err = NULL;
	struct fs_irq_command cmd;

	CU_ASSERT_FATAL(fs_irq_command_parse(text, strlen(text), &cmd, &err));
	CU_ASSERT_EQUAL(fs_irq_apply(irq, d, &cmd), 0);
}

/* Receives "ok N" and its descriptors; how many came (-1: no answer). */
static int receive(int s, char *line, size_t size, int fds[2])
{
	char control[CMSG_SPACE(sizeof(int) * 2)];
	struct iovec iov = { line, size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(s, &msg, MSG_DONTWAIT);
	int got = 0;

	if (n <= 0)
		return -1;
	line[n] = '\0';
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg) {
		got = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cmsg), sizeof(int) * got);
	}
	return got;
}

/* Whether the descriptors reach the same eventfd: what one counts, the other reads. */
static bool same_eventfd(int a, int b)
{
	uint64_t one = 1, n = 0;

	return write(a, &one, 8) == 8 && read(b, &n, 8) == 8 && n == 1;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1;
}

static bool described(struct fs_irq *irq, const char *line)
{
	g_autoptr(GString) out = g_string_new(NULL);

	fs_irq_describe(irq, out);
	return strstr(out->str, line) != NULL;
}

/* Interrupts off and everything freed: the irq state, its event loop, the fake device. */
static void finish(struct fs_irq *irq, struct fs_event_loop *loop, struct vfio_device *d)
{
	fs_irq_shutdown(irq, d);
	fs_irq_unref(irq);
	fs_event_loop_free(loop);
	g_free(d->irqs);
	g_free(d);
}

static void test_msix_lend_busy_back(void)
{
	struct fs_event_loop *loop = fs_event_loop_new();
	struct fs_irq *irq = fs_irq_new(loop);
	struct vfio_device *d = fake_device();
	int a[2], b[2], fds[2] = { -1, -1 };
	char line[64], *why = NULL;
	g_autofree char *mine = g_strdup_printf("irq.vector.2.handed_out %d\n", (int)getpid());

	apply(irq, d, "msix 4");
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, b) == 0);

	CU_ASSERT_EQUAL(fs_irq_lend(irq, d, 2, a[0], getpid(), &why), 0);
	CU_ASSERT_EQUAL(fake.start, 2);
	CU_ASSERT_EQUAL(fake.count, 1);
	CU_ASSERT_EQUAL(fake.flags, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER);
	CU_ASSERT_EQUAL(receive(a[1], line, sizeof(line), fds), 1);
	CU_ASSERT_STRING_EQUAL(line, "ok 1\n");
	/* The program's descriptor is the very eventfd registered for the vector. */
	CU_ASSERT(same_eventfd(fake.trigger[2], fds[0]));
	CU_ASSERT(described(irq, mine));

	/* A second request: EBUSY, with nothing sent and nothing registered. */
	unsigned calls = fake.calls;
	CU_ASSERT_EQUAL(fs_irq_lend(irq, d, 2, b[0], 1, &why), EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "handed out"));
	g_clear_pointer(&why, g_free);
	CU_ASSERT_EQUAL(fake.calls, calls);
	CU_ASSERT_FALSE(readable(b[1], 0));
	CU_ASSERT_EQUAL(fs_irq_lend(irq, d, 4, b[0], 1, &why), EINVAL);
	g_clear_pointer(&why, g_free);

	/* The program lets go: the daemon's own eventfd is registered again, and counted. */
	close(a[1]);
	for (int i = 0; i < 200 && described(irq, mine); i++)
		g_usleep(10000);
	CU_ASSERT_FALSE(described(irq, mine));
	uint64_t one = 1;
	CU_ASSERT_EQUAL(write(fake.trigger[2], &one, 8), 8);
	for (int i = 0; i < 200 && !described(irq, "irq.vector.2.count 1\n"); i++)
		g_usleep(10000);
	CU_ASSERT(described(irq, "irq.vector.2.count 1\n"));

	apply(irq, d, "off");
	finish(irq, loop, d);
	close(fds[0]);
	close(b[0]);
	close(b[1]);
}

static void test_intx_and_off_end(void)
{
	struct fs_event_loop *loop = fs_event_loop_new();
	struct fs_irq *irq = fs_irq_new(loop);
	struct vfio_device *d = fake_device();
	int a[2], fds[2] = { -1, -1 };
	char line[64], end, *why = NULL;

	apply(irq, d, "intx");
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0);
	CU_ASSERT_EQUAL(fs_irq_lend(irq, d, 0, a[0], getpid(), &why), 0);
	CU_ASSERT_EQUAL(receive(a[1], line, sizeof(line), fds), 2);
	CU_ASSERT_STRING_EQUAL(line, "ok 2\n");
	CU_ASSERT(same_eventfd(fake.trigger[0], fds[0]));
	CU_ASSERT(same_eventfd(fds[1], fake.unmask));
	/* While the program holds INTx, BAR accesses do not end it. */
	CU_ASSERT_FALSE(fs_irq_eoi_begin(irq));

	/* off ends the delivery: the program reads end of file. */
	apply(irq, d, "off");
	CU_ASSERT(readable(a[1], 1000));
	CU_ASSERT_EQUAL(recv(a[1], &end, 1, MSG_DONTWAIT), 0);
	CU_ASSERT_EQUAL(fs_irq_lend(irq, d, 0, a[1], getpid(), &why), EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "off"));
	g_free(why);

	finish(irq, loop, d);
	close(a[1]);
	close(fds[0]);
	close(fds[1]);
}

static int init(void)
{
	g_mutex_init(&fake.lock);
	return 0;
}

static CU_TestInfo tests[] = {
	{ "msix: lent, EBUSY, back on close", test_msix_lend_busy_back },
	{ "intx: two eventfds, off ends delivery", test_intx_and_off_end },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_fs_irq_lease_suite) = {
	.pName = "irq_lease", .pInitFunc = init, .pTests = tests,
};
