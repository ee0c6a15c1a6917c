/*
 * Interrupt delivery, one path per run:
 *   bench_irq direct DDDD:BB:DD.F lat COUNT | rate SECONDS
 *       an eventfd registered with VFIO for MSI-X vector 0 in this process;
 *       "trigger" is VFIO_DEVICE_SET_IRQS with ACTION_TRIGGER
 *   bench_irq file DEVICE_DIR lat COUNT | rate SECONDS
 *       through a vfiofs mount: "trigger 0" written to irq, events read from irq
 * lat: time from just before a trigger until the waiting reader wakes (median, ns).
 * rate: one thread triggers as fast as it can; the reader counts what it sees.
 */
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
	int cmd;                  /* file: the irq file for commands */
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

	p.dev = c ? vfio_container_attach(c, addr, &err) : NULL;
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

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "direct") == 0)
		return run_direct(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "file") == 0)
		return run_file(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: %s direct DDDD:BB:DD.F lat COUNT|rate SECONDS\n"
			"       %s file DEVICE_DIR lat COUNT|rate SECONDS\n", argv[0], argv[0]);
	return 2;
}
