/*
 * Interrupt delivery, one path per run:
 *   bench_irq direct DDDD:BB:DD.F lat COUNT | rate SECONDS
 *       an eventfd registered with VFIO for MSI-X vector 0 in this process;
 *       "trigger" is VFIO_DEVICE_SET_IRQS with ACTION_TRIGGER
 *   bench_irq file DEVICE_DIR lat COUNT | rate SECONDS
 *       through a vfiofs mount: "trigger 0" written to irq, events read from irq
 *   bench_irq handoff DEVICE_DIR lat COUNT | rate SECONDS
 *       through a vfiofs mount's hand-off socket: the vector's eventfd taken with
 *       vfiofs_irq() and read in this process; "trigger" is the same SET_IRQS as
 *       direct, on the VFIO device descriptor the hand-off gives for bar0
 * lat: time from just before a trigger until the waiting reader wakes (median, ns).
 * rate: one thread triggers as fast as it can; the reader counts what it sees.
 */
#include "libvfiofs.h"
#include "vfio/container.h"
#include "vfio/device.h"

#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How the run triggers vector 0 and waits for it; returns interrupts seen by one wait. */
struct path {
	const char *name;
	void (*trigger)(struct path *p);
	long (*wait)(struct path *p);
	struct vfio_device *dev;  /* direct */
	int efd;                  /* direct: the eventfd; file: the irq file for reading */
	int cmd;                  /* file: the irq file for commands; handoff: the VFIO device descriptor */
};

static void direct_trigger(struct path *p)
{
	vfio_irq_trigger(p->dev, VFIO_PCI_MSIX_IRQ_INDEX, 0);
}

static long direct_wait(struct path *p)
{
	uint64_t n;

	return read(p->efd, &n, sizeof(n)) == sizeof(n) ? (long)n : -1;
}

/* The trigger of direct, on a descriptor of the device we do not own a struct for. */
static void handoff_trigger(struct path *p)
{
	struct vfio_irq_set set = { .argsz = sizeof(set), .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0,
				    .count = 1, .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER };

	if (ioctl(p->cmd, VFIO_DEVICE_SET_IRQS, &set) < 0)
		perror("VFIO_DEVICE_SET_IRQS");
}

static void file_trigger(struct path *p)
{
	if (write(p->cmd, "trigger 0", 9) != 9)
		perror("trigger");
}

/* Sums the counts of "msix 0 N" lines. */
static long file_wait(struct path *p)
{
	char buf[4096];
	ssize_t n = read(p->efd, buf, sizeof(buf) - 1);
	long total = 0;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char mode[8];
		unsigned vec;
		long count;

		if (sscanf(line, "%7s %u %ld", mode, &vec, &count) == 3)
			total += count;
	}
	return total;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void latency(struct path *p, long count)
{
	double *t = calloc(count, sizeof(double));

	for (long i = 0; i < count; i++) {
		double t0 = now();

		p->trigger(p);
		if (p->wait(p) < 0)
			return perror("wait");
		t[i] = now() - t0;
	}
	qsort(t, count, sizeof(double), cmp_double);
	printf("%s lat %.0f ns median (p90 %.0f ns, %ld interrupts)\n", p->name, t[count / 2] * 1e9,
	       t[count * 9 / 10] * 1e9, count);
	free(t);
}

static atomic_bool stop;
static atomic_long triggered;

static void *trigger_loop(void *data)
{
	struct path *p = data;

	while (!atomic_load(&stop)) {
		p->trigger(p);
		atomic_fetch_add(&triggered, 1);
	}
	return NULL;
}

static void rate(struct path *p, double seconds)
{
	pthread_t t;
	long seen = 0;
	double t0 = now(), elapsed;

	pthread_create(&t, NULL, trigger_loop, p);
	while ((elapsed = now() - t0) < seconds) {
		long n = p->wait(p);

		if (n < 0)
			break;
		seen += n;
	}
	atomic_store(&stop, true);
	pthread_join(t, NULL);
	printf("%s rate %.0f interrupts/s seen (%ld of %ld triggered in %.1f s)\n", p->name,
	       seen / elapsed, seen, atomic_load(&triggered), elapsed);
}

static void run(struct path *p, const char *test, const char *arg)
{
	if (strcmp(test, "lat") == 0)
		latency(p, atol(arg));
	else
		rate(p, atof(arg));
}

static int run_direct(const char *addr, const char *test, const char *arg)
{
	GError *err = NULL;
	struct vfio_container *c = vfio_container_new(&(struct vfio_container_options){ 0 });
	struct path p = { .name = "direct", .trigger = direct_trigger, .wait = direct_wait };
	int32_t fd;

	p.dev = c ? vfio_container_attach(c, addr, addr, &err) : NULL;
	if (!p.dev) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	p.efd = fd = eventfd(0, EFD_CLOEXEC);
	if (vfio_irq_enable(p.dev, VFIO_PCI_MSIX_IRQ_INDEX, 1, &fd) < 0) {
		fprintf(stderr, "cannot enable MSI-X\n");
		return 1;
	}
	run(&p, test, arg);
	vfio_irq_disable(p.dev, VFIO_PCI_MSIX_IRQ_INDEX);
	vfio_container_free(c);
	return 0;
}

static int run_file(const char *dir, const char *test, const char *arg)
{
	char path[4096];
	struct path p = { .name = "vfiofs", .trigger = file_trigger, .wait = file_wait };

	snprintf(path, sizeof(path), "%s/irq", dir);
	p.cmd = open(path, O_WRONLY);
	if (p.cmd < 0 || write(p.cmd, "msix 1", 6) != 6)
		return perror(path), 1;
	p.efd = open(path, O_RDONLY);
	run(&p, test, arg);
	if (write(p.cmd, "off", 3) != 3)
		perror("off");
	return 0;
}

/* The VFIO device descriptor the hand-off gives with a "map" of bar0 (the wire format of vfiofs(1)). */
static int device_fd(const char *dir)
{
	char sock[4096], line[256], control[CMSG_SPACE(sizeof(int))];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct iovec iov = { line, sizeof(line) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	g_autofree char *mount = g_path_get_dirname(dir);
	g_autofree char *request = g_strdup_printf("map %s/bar0 0\n", dir);
	ssize_t n = getxattr(mount, "user.vfio.socket", sock, sizeof(sock) - 1);
	int s, fd = -1;

	if (n <= 0 || (size_t)n >= sizeof(addr.sun_path))
		return -1;
	memcpy(addr.sun_path, sock, n);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    write(s, request, strlen(request)) == (ssize_t)strlen(request) && recvmsg(s, &msg, 0) > 0 &&
	    CMSG_FIRSTHDR(&msg))
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	close(s);
	return fd;
}

static int run_handoff(const char *dir, const char *test, const char *arg)
{
	char path[4096];
	struct vfiofs_irq irq;
	struct path p = { .name = "handoff", .trigger = handoff_trigger, .wait = direct_wait };
	int cmd;

	snprintf(path, sizeof(path), "%s/irq", dir);
	cmd = open(path, O_WRONLY);
	if (cmd < 0 || write(cmd, "msix 1", 6) != 6)
		return perror(path), 1;
	if (vfiofs_irq(path, 0, &irq) < 0) {
		fprintf(stderr, "%s\n", vfiofs_strerror());
		return 1;
	}
	p.efd = irq.fd;
	p.cmd = device_fd(dir);
	if (p.cmd < 0) {
		fprintf(stderr, "no device descriptor from the hand-off\n");
		return 1;
	}
	run(&p, test, arg);
	vfiofs_irq_release(&irq);
	close(p.cmd);
	if (write(cmd, "off", 3) != 3)
		perror("off");
	close(cmd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "direct") == 0)
		return run_direct(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "file") == 0)
		return run_file(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "handoff") == 0)
		return run_handoff(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: %s direct DDDD:BB:DD.F lat COUNT|rate SECONDS\n"
			"       %s file|handoff DEVICE_DIR lat COUNT|rate SECONDS\n", argv[0], argv[0]);
	return 2;
}
