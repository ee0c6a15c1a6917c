/*
 * The ioctls of vfiofs.h, driven from tests/kernel/t_ioctl.sh.
 *
 *   ioctl_check info DEVICE_DIR [FILE]   device, region and irq info, asked on
 *                                        FILE (default info), in info's keys
 *   ioctl_check irq DEVICE_DIR OP...     SET_IRQS on irq: intx, msi N, msix N,
 *                                        off, unmask, trigger V
 *   ioctl_check reset DEVICE_DIR         DEVICE_RESET on reset
 *   ioctl_check bad DEVICE_DIR           bad arguments: one "case ERRNO" line each
 *   ioctl_check dma BUFFER [unlink]      DMA_GET_INFO on a dma/NAME file (unlinked
 *                                        while open first)
 *   ioctl_check detach DEVICE_DIR        ioctls on a file whose device was rmdir'ed
 *
 * Exit status 0 when every call did what it should, 1 otherwise (with a
 * line on stderr), 2 for bad usage.  libc only.
 */
#include "vfiofs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const region_names[] = {
	[VFIO_PCI_BAR0_REGION_INDEX] = "bar0", [VFIO_PCI_BAR1_REGION_INDEX] = "bar1",
	[VFIO_PCI_BAR2_REGION_INDEX] = "bar2", [VFIO_PCI_BAR3_REGION_INDEX] = "bar3",
	[VFIO_PCI_BAR4_REGION_INDEX] = "bar4", [VFIO_PCI_BAR5_REGION_INDEX] = "bar5",
	[VFIO_PCI_ROM_REGION_INDEX] = "rom", [VFIO_PCI_CONFIG_REGION_INDEX] = "config",
	[VFIO_PCI_VGA_REGION_INDEX] = "vga",
};

/* The order info lists regions in: config space, the BARs, the ROM (then VGA). */
static const unsigned region_order[] = {
	VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX, VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX, VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX,
};

static const char *const irq_names[] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "intx", [VFIO_PCI_MSI_IRQ_INDEX] = "msi",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "msix", [VFIO_PCI_ERR_IRQ_INDEX] = "err",
	[VFIO_PCI_REQ_IRQ_INDEX] = "req",
};

/* Flag names as info writes them (fs/info_text.c). */
static const char *const region_flag_names[] = { "read", "write", "mmap" };
static const char *const irq_flag_names[] = { "eventfd", "maskable", "automasked", "noresize" };

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" }, { EFAULT, "EFAULT" }, { ENODEV, "ENODEV" },
	{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOSYS, "ENOSYS" }, { EIO, "EIO" },
	{ EBADF, "EBADF" }, { ENOENT, "ENOENT" },
};

static const char *errno_name(int err)
{
	static char other[32];

	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(other, sizeof(other), "errno%d", err);
	return other;
}

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "ioctl_check: ");
	errno = err;  /* for %m */
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* Opens dir/name for reading, or for writing where that is all the file allows (reset). */
static int open_file(const char *dir, const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_WRONLY);
	if (fd < 0)
		die("cannot open %s", path);
	return fd;
}

/* "ok" or the errno's name, of one ioctl. */
static const char *outcome(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) == 0 ? "ok" : errno_name(errno);
}

static void print_flags(const char *key, uint32_t flags, const char *const names[], size_t n)
{
	int any = 0;

	printf("%s ", key);
	for (size_t bit = 0; bit < n; bit++)
		if (flags & (1u << bit)) {
			printf("%s%s", any ? "," : "", names[bit]);
			any = 1;
		}
	printf("%s\n", any ? "" : "none");
}

static void print_region(int fd, unsigned index)
{
	struct vfiofs_region_info r = { .info = { .argsz = sizeof(r), .index = index } };
	const char *name = region_names[index];
	char key[64];

	if (ioctl(fd, VFIOFS_DEVICE_GET_REGION_INFO, &r) < 0) {
		if (errno != EINVAL)
			die("GET_REGION_INFO of %s: %m", name);
		return;  /* not implemented by the device */
	}
	if (r.info.index != index || r.info.argsz != sizeof(r) || r.info.offset != 0 || r.info.cap_offset)
		die("GET_REGION_INFO of %s: index, argsz, offset or cap_offset wrong", name);
	printf("region.%s.size %llu\n", name, (unsigned long long)r.info.size);
	snprintf(key, sizeof(key), "region.%s.flags", name);
	print_flags(key, r.info.flags, region_flag_names, ARRAY_SIZE(region_flag_names));
	for (uint32_t i = 0; i < r.nr_areas && i < VFIOFS_MAX_AREAS; i++)
		printf("region.%s.mmap %llu %llu\n", name, (unsigned long long)r.areas[i].offset,
		       (unsigned long long)r.areas[i].size);
}

static void print_irq(int fd, unsigned index)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = index };
	char key[64];

	if (ioctl(fd, VFIOFS_DEVICE_GET_IRQ_INFO, &irq) < 0)
		die("GET_IRQ_INFO of %s: %m", irq_names[index]);
	if (irq.index != index)
		die("GET_IRQ_INFO of %s: wrong index", irq_names[index]);
	printf("irq.%s.count %u\n", irq_names[index], irq.count);
	snprintf(key, sizeof(key), "irq.%s.flags", irq_names[index]);
	print_flags(key, irq.flags, irq_flag_names, ARRAY_SIZE(irq_flag_names));
}

static int cmd_info(const char *dir, const char *file)
{
	struct vfio_device_info dev = { 0 };
	int fd = open_file(dir, file);

	if (ioctl(fd, VFIOFS_DEVICE_GET_INFO, &dev) < 0)
		die("GET_INFO: %m");
	if (dev.argsz != sizeof(dev))
		die("GET_INFO: argsz is not sizeof(struct vfio_device_info)");
	printf("device.flags 0x%x\n", dev.flags);
	printf("device.num_regions %u\n", dev.num_regions);
	printf("device.num_irqs %u\n", dev.num_irqs);
	printf("reset %s\n", (dev.flags & VFIO_DEVICE_FLAGS_RESET) ? "yes" : "no");
	for (size_t i = 0; i < ARRAY_SIZE(region_order); i++)
		if (region_order[i] < dev.num_regions)
			print_region(fd, region_order[i]);
	for (unsigned i = 0; i < dev.num_irqs && i < ARRAY_SIZE(irq_names); i++)
		print_irq(fd, i);
	close(fd);
	return 0;
}

static unsigned number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (!*s || *end || errno || v > 0xffffffffUL)
		die("not a number: %s", s);
	return v;
}

static int set_irqs(int fd, uint32_t action, uint32_t index, uint32_t start, uint32_t count)
{
	struct vfiofs_irq_set s = { .action = action, .index = index, .start = start, .count = count };

	return ioctl(fd, VFIOFS_DEVICE_SET_IRQS, &s);
}

/* The VFIO index of info's irq.mode, or -1 when off: what trigger and off need. */
static int current_index(const char *dir)
{
	char path[4096], line[256], mode[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/info", dir);
	f = fopen(path, "r");
	if (!f)
		die("cannot open %s: %m", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "irq.mode %15s", mode) == 1)
			break;
	fclose(f);
	for (unsigned i = VFIO_PCI_INTX_IRQ_INDEX; i <= VFIO_PCI_MSIX_IRQ_INDEX; i++)
		if (!strcmp(mode, irq_names[i]))
			return i;
	return -1;
}

/*
 * Runs the irq file's commands as SET_IRQS.  trigger and off use the index
 * of the last enable of this run, or else the mode info shows.
 */
static int cmd_irq(const char *dir, char **ops)
{
	int fd = open_file(dir, "irq");
	int index = current_index(dir);

	for (char **op = ops; *op; op++) {
		const char *verb = *op;
		int rc;

		if (!strcmp(verb, "intx")) {
			index = VFIO_PCI_INTX_IRQ_INDEX;
			rc = set_irqs(fd, VFIOFS_IRQ_ENABLE, index, 0, 1);
		} else if ((!strcmp(verb, "msi") || !strcmp(verb, "msix")) && op[1]) {
			index = !strcmp(verb, "msi") ? VFIO_PCI_MSI_IRQ_INDEX : VFIO_PCI_MSIX_IRQ_INDEX;
			rc = set_irqs(fd, VFIOFS_IRQ_ENABLE, index, 0, number(*++op));
		} else if (!strcmp(verb, "trigger") && op[1] && index >= 0) {
			rc = set_irqs(fd, VFIOFS_IRQ_TRIGGER, index, number(*++op), 1);
		} else if (!strcmp(verb, "off")) {
			/* With interrupts off already, any of the three indexes will do. */
			rc = set_irqs(fd, VFIOFS_IRQ_DISABLE, index >= 0 ? index : VFIO_PCI_INTX_IRQ_INDEX, 0, 0);
			index = -1;
		} else if (!strcmp(verb, "unmask")) {
			rc = set_irqs(fd, VFIOFS_IRQ_UNMASK, VFIO_PCI_INTX_IRQ_INDEX, 0, 1);
		} else {
			fprintf(stderr, "ioctl_check irq: bad op '%s' (trigger needs interrupts on)\n", verb);
			return 2;
		}
		if (rc < 0)
			die("SET_IRQS %s: %m", verb);
	}
	close(fd);
	return 0;
}

static int cmd_reset(const char *dir)
{
	int fd = open_file(dir, "reset");

	if (ioctl(fd, VFIOFS_DEVICE_RESET) < 0) {
		printf("reset %s\n", errno_name(errno));
		return 1;
	}
	printf("reset ok\n");
	close(fd);
	return 0;
}

/* With unlink, the buffer is unlinked while open, before the ioctl. */
static int cmd_dma(const char *path, int unlink_first)
{
	struct vfiofs_dma_info d;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || (unlink_first && unlink(path) < 0))
		die("%s: %m", path);
	memset(&d, 0xff, sizeof(d));  /* every field must be written */
	if (ioctl(fd, VFIOFS_DMA_GET_INFO, &d) < 0)
		die("DMA_GET_INFO on %s: %m", path);
	printf("iova 0x%llx\n", (unsigned long long)d.iova);
	printf("size %llu\n", (unsigned long long)d.size);
	printf("page_size %llu\n", (unsigned long long)d.page_size);
	printf("flags %s\n", d.flags == VFIOFS_DMA_MAPPED ? "mapped" : d.flags == 0 ? "none" : "?");
	close(fd);
	return 0;
}

/* ---- bad arguments: each case prints "NAME ERRNO" ---- */

static void bad_case(const char *name, const char *got)
{
	printf("%s %s\n", name, got);
}

static void bad_set_irqs(int fd, const char *name, uint32_t action, uint32_t index,
			 uint32_t start, uint32_t count)
{
	bad_case(name, set_irqs(fd, action, index, start, count) == 0 ? "ok" : errno_name(errno));
}

static void bad_info_args(int fd)
{
	struct vfiofs_region_info r = { .info = { .argsz = sizeof(r), .index = 99 } };
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = 99 };

	bad_case("region-index-99", outcome(fd, VFIOFS_DEVICE_GET_REGION_INFO, &r));
	r.info.index = VFIO_PCI_CONFIG_REGION_INDEX;
	r.info.argsz = sizeof(struct vfio_region_info);
	bad_case("region-argsz-short", outcome(fd, VFIOFS_DEVICE_GET_REGION_INFO, &r));
	bad_case("irq-index-99", outcome(fd, VFIOFS_DEVICE_GET_IRQ_INFO, &irq));
	irq.index = VFIO_PCI_INTX_IRQ_INDEX;
	irq.argsz = 8;
	bad_case("irq-argsz-short", outcome(fd, VFIOFS_DEVICE_GET_IRQ_INFO, &irq));
}

/* Run with MSI-X on, 2 vectors: nothing here may change that. */
static void bad_irq_args(int fd)
{
	bad_set_irqs(fd, "set-irqs-action-0", 0, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1);
	bad_set_irqs(fd, "set-irqs-action-99", 99, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1);
	bad_set_irqs(fd, "enable-count-0", VFIOFS_IRQ_ENABLE, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0);
	bad_set_irqs(fd, "enable-msi-999", VFIOFS_IRQ_ENABLE, VFIO_PCI_MSI_IRQ_INDEX, 0, 999);
	bad_set_irqs(fd, "enable-start-1", VFIOFS_IRQ_ENABLE, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1);
	bad_set_irqs(fd, "enable-intx-count-2", VFIOFS_IRQ_ENABLE, VFIO_PCI_INTX_IRQ_INDEX, 0, 2);
	bad_set_irqs(fd, "enable-index-err", VFIOFS_IRQ_ENABLE, VFIO_PCI_ERR_IRQ_INDEX, 0, 1);
	bad_set_irqs(fd, "enable-index-99", VFIOFS_IRQ_ENABLE, 99, 0, 1);
	bad_set_irqs(fd, "trigger-other-index", VFIOFS_IRQ_TRIGGER, VFIO_PCI_MSI_IRQ_INDEX, 0, 1);
	bad_set_irqs(fd, "trigger-vector-99", VFIOFS_IRQ_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 99, 1);
	bad_set_irqs(fd, "trigger-count-2", VFIOFS_IRQ_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2);
	bad_set_irqs(fd, "disable-other-index", VFIOFS_IRQ_DISABLE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0);
	bad_set_irqs(fd, "disable-count-1", VFIOFS_IRQ_DISABLE, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1);
	bad_set_irqs(fd, "unmask-not-intx", VFIOFS_IRQ_UNMASK, VFIO_PCI_INTX_IRQ_INDEX, 0, 1);
	bad_set_irqs(fd, "unmask-index-msix", VFIOFS_IRQ_UNMASK, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1);
}

/* Numbers that are not the header's: other sizes, other directions, other types. */
static void bad_numbers(int fd)
{
	char buf[512] = { 0 };

	bad_case("get-info-size-8", outcome(fd, _IOR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 0, uint64_t), buf));
	bad_case("get-info-size-28", outcome(fd, _IOR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 0, char[28]), buf));
	bad_case("get-info-as-iowr", outcome(fd, _IOWR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 0,
						       struct vfio_device_info), buf));
	bad_case("region-info-size-32",
		 outcome(fd, _IOWR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 1, struct vfio_region_info), buf));
	bad_case("reset-with-argument", outcome(fd, _IOW(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 4, uint32_t), buf));
	bad_case("unknown-nr", outcome(fd, _IOR(VFIOFS_IOCTL_TYPE, VFIOFS_IOCTL_BASE + 15, uint32_t), buf));
	bad_case("unknown-type", outcome(fd, _IOR('z', 0x7f, uint32_t), buf));
	bad_case("tcgets", outcome(fd, TCGETS, buf));
}

/* The kernel copies the argument before the daemon sees it. */
static void bad_pointers(int fd)
{
	bad_case("set-irqs-pointer-8", outcome(fd, VFIOFS_DEVICE_SET_IRQS, (void *)8));
	bad_case("region-info-pointer-8", outcome(fd, VFIOFS_DEVICE_GET_REGION_INFO, (void *)8));
	bad_case("get-info-pointer-8", outcome(fd, VFIOFS_DEVICE_GET_INFO, (void *)8));
}

/* Device ioctls on files outside a device directory, the DMA ioctl on a device file. */
static void bad_files(const char *dir, int irq_fd)
{
	char mount[4096], path[4096];
	struct vfio_device_info dev;
	struct vfiofs_dma_info dma;
	char *slash;
	int fd;

	snprintf(mount, sizeof(mount), "%s", dir);
	slash = strrchr(mount, '/');
	if (!slash)
		die("%s: expected MOUNT/DDDD:BB:DD.F", dir);
	*slash = '\0';
	fd = open_file(mount, "container");
	bad_case("get-info-on-container", outcome(fd, VFIOFS_DEVICE_GET_INFO, &dev));
	bad_case("reset-on-container", outcome(fd, VFIOFS_DEVICE_RESET, NULL));
	close(fd);
	if (snprintf(path, sizeof(path), "%s/dma/ioctl-check-bad", mount) >= (int)sizeof(path))
		die("%s: path too long", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		die("cannot create %s", path);
	bad_case("get-info-on-dma-buffer", outcome(fd, VFIOFS_DEVICE_GET_INFO, &dev));
	close(fd);
	unlink(path);
	bad_case("dma-info-on-irq", outcome(irq_fd, VFIOFS_DMA_GET_INFO, &dma));
}

static int cmd_bad(const char *dir)
{
	int fd = open_file(dir, "irq");

	bad_info_args(fd);
	bad_irq_args(fd);
	bad_numbers(fd);
	bad_pointers(fd);
	bad_files(dir, fd);
	close(fd);
	return 0;
}

/* A file left open across rmdir of its device: ENODEV, not a crash. */
static int cmd_detach(const char *dir)
{
	int fd = open_file(dir, "config");
	struct vfio_device_info dev;

	if (rmdir(dir) < 0)
		die("rmdir %s: %m", dir);
	printf("get-info-after-rmdir %s\n", outcome(fd, VFIOFS_DEVICE_GET_INFO, &dev));
	printf("reset-after-rmdir %s\n", outcome(fd, VFIOFS_DEVICE_RESET, NULL));
	close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: ioctl_check info DEVICE_DIR [FILE] | irq DEVICE_DIR OP... |\n"
			"       reset DEVICE_DIR | bad DEVICE_DIR | dma MOUNT/dma/NAME [unlink] |\n"
			"       detach DEVICE_DIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "info") && argc <= 4)
		return cmd_info(argv[2], argc == 4 ? argv[3] : "info");
	if (!strcmp(argv[1], "irq") && argc >= 4)
		return cmd_irq(argv[2], argv + 3);
	if (!strcmp(argv[1], "reset") && argc == 3)
		return cmd_reset(argv[2]);
	if (!strcmp(argv[1], "bad") && argc == 3)
		return cmd_bad(argv[2]);
	if (!strcmp(argv[1], "dma") && (argc == 3 || (argc == 4 && !strcmp(argv[3], "unlink"))))
		return cmd_dma(argv[2], argc == 4);
	if (!strcmp(argv[1], "detach") && argc == 3)
		return cmd_detach(argv[2]);
	return usage();
}
