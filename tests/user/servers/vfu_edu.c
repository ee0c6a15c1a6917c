/*
 * vfu_edu: an edu-like PCI device served over vfio-user, for vfiofs's tests.
 *
 *     vfu_edu [-v] [--once] [--msix-vectors N] [--bar2-size BYTES] [--access-log FILE]
 *             [--ident VALUE] SOCKET
 *
 * Written against libvfio-user's public API (libvfio-user.h) only. The
 * register map is the one in the project's test contract; in short:
 *
 *   BAR0 (4 KiB MMIO, not mmap-able): registers that accept only the widths
 *        the contract lists and count the widths they see, an 8-byte
 *        register, a factorial unit with a busy bit (computed on a worker
 *        thread), interrupt raise/acknowledge, and a DMA engine that moves
 *        data between the client's memory and BAR2, by DMA_READ/DMA_WRITE
 *        messages or directly through descriptor-backed mappings; 0xa4 (read-only)
 *        counts the DMA mappings the client gave and has not taken back.
 *   BAR2 (64 KiB memory unless --bar2-size, backed by a memfd): [0, 0x4000) and
 *        [0x8000, 0xc000) mmap-able, the rest served by the region callback
 *        (which reads and writes the same memfd bytes).
 *
 * --ident VALUE makes the ident register read VALUE instead: a model "with a
 * changed register", for the trace tests (a replay must name it).
 * For named registers (regs/, examples/regmaps/vfu_edu.svd) BAR0 also has
 * a control register with write-1-to-clear status bits (CONTROL), a hook
 * that sets them (EVENT_SET) and a FIFO whose every read pops an entry
 * (FIFO: a read with a side effect). --access-log FILE appends one line per
 * BAR0 access, "read|write WIDTH OFFSET VALUE", written before the reply,
 * so a test can prove what a file operation did to the device.
 *
 * Interrupts: INTx 1 vector, MSI 4, MSI-X 8 (--msix-vectors N gives more,
 * so that a client must split its eventfds over several SET_IRQS messages).
 *
 * The server prints "ready" on stdout once its socket listens, serves one
 * client after another (with --once it exits when its first client leaves)
 * and exits 0 on SIGTERM or SIGINT.
 *
 * Threads: libvfio-user is not thread-safe, so every libvfio-user call is
 * made from the main thread. The factorial worker only computes and then
 * wakes the main loop through an eventfd when an interrupt is due.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "libvfio-user.h"

#define EDU_IDENT       0x56465531u     /* "1UFV" in memory order */
static uint32_t edu_ident = EDU_IDENT;  /* --ident changes it */
#define BAR0_SIZE       0x1000
/* BAR2's size: 64 KiB unless --bar2-size asks for more (benchmarks move 1 MiB). */
static uint64_t bar2_size = 0x10000;
#define DMA_MAX         (1u << 20)
#define FACT_MAX_N      20              /* 21! does not fit in 64 bits */

/* BAR0 register offsets */
enum {
    R_IDENT = 0x00, R_LIVENESS = 0x04, R_RESETS = 0x08,
    R_COUNT1 = 0x10, R_COUNT2 = 0x14, R_COUNT4 = 0x18, R_COUNT8 = 0x1c,
    R_SCRATCH = 0x20, R_REG64 = 0x28,
    R_FACT = 0x30, R_STATUS = 0x34, R_FACT_RESULT = 0x38,
    R_IRQ_ENABLE = 0x3c, R_IRQ_STATUS = 0x40, R_IRQ_RAISE = 0x44,
    R_IRQ_ACK = 0x48, R_IRQ_VECTOR = 0x4c,
    R_DMA_SRC = 0x80, R_DMA_DST = 0x88, R_DMA_COUNT = 0x90, R_DMA_CMD = 0x98,
    R_DMA_RESULT = 0xa0,
    R_DMA_MAPS = 0xa4,          /* read-only: the DMA mappings the client gave and has not taken back */
    R_CONTROL = 0x50, R_EVENT_SET = 0x54, R_FIFO = 0x58,
};

/* CONTROL: mode in bits 3..0 (plain), done and error write-1-to-clear, bits 31..16 plain storage. */
enum {
    CONTROL_MODE = 0xf, CONTROL_DONE = 1 << 8, CONTROL_ERROR = 1 << 9,
    CONTROL_W1C = CONTROL_DONE | CONTROL_ERROR, CONTROL_STORE = 0xffff0000u,
};

enum {
    DMA_CMD_START = 1 << 0,
    DMA_CMD_TO_RAM = 1 << 1,    /* 0: RAM at src -> BAR2 at dst; 1: BAR2 at src -> RAM at dst */
    DMA_CMD_IRQ = 1 << 2,
    DMA_CMD_DIRECT = 1 << 3,    /* 0: DMA_READ/WRITE messages; 1: descriptor-backed mapping */
};

enum { IRQ_STATUS_FACT = 1 << 0, IRQ_STATUS_DMA = 1 << 8 };

struct edu {
    vfu_ctx_t *ctx;
    bool verbose;
    uint32_t msix_vectors;

    /* Shared with the factorial worker: guarded by lock. */
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* a job was queued, a job finished, or stop */
    bool fact_queued;           /* the worker owes a result */
    bool worker_stop;
    uint32_t fact_n;
    uint64_t fact_result;
    uint32_t busy;
    uint32_t irq_enable;
    uint32_t irq_status;
    bool irq_due;               /* the worker wants vector 0 raised */
    int wake_fd;                /* eventfd: worker -> main loop */

    /* Main thread only. */
    uint32_t liveness;
    uint32_t resets;
    uint32_t width_count[4];    /* accesses of 1, 2, 4, 8 bytes to the scratch */
    uint8_t scratch[8];
    uint64_t reg64;
    uint64_t dma_src, dma_dst, dma_count, dma_cmd;
    uint32_t dma_result;
    uint32_t control;
    uint32_t fifo_next;         /* what the next FIFO read pops */
    FILE *access_log;
    uint32_t dma_maps;          /* mappings held (main thread only: libvfio-user's callbacks) */

    uint8_t *bar2;              /* the memfd, mapped */
};

static void
say(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vfu_edu[%d]: ", (int)getpid());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void
log_cb(vfu_ctx_t *ctx, int level, const char *msg)
{
    (void)ctx;
    (void)level;
    say("%s", msg);
}

/*
 * Raises a vector. A vector without an eventfd (interrupts not enabled by
 * the driver, or fewer vectors enabled) is not an error for a device: the
 * interrupt is simply lost, as on a bus with the interrupt disabled.
 */
static int
raise_vector(struct edu *e, uint32_t vector)
{
    if (vfu_irq_trigger(e->ctx, vector) == 0 || errno == ENOENT) {
        return 0;
    }
    return errno;
}

/* ---- factorial worker ------------------------------------------------- */

static void *
fact_worker(void *arg)
{
    struct edu *e = arg;
    const struct timespec one_ms = { .tv_nsec = 1000 * 1000 };

    pthread_mutex_lock(&e->lock);
    for (;;) {
        while (!e->fact_queued && !e->worker_stop) {
            pthread_cond_wait(&e->cond, &e->lock);
        }
        if (!e->fact_queued) {
            break;
        }
        uint32_t n = e->fact_n;
        pthread_mutex_unlock(&e->lock);

        /* A real unit takes time: busy must be observable by a poll. */
        nanosleep(&one_ms, NULL);
        uint64_t r = 1;
        for (uint32_t i = 2; i <= n; i++) {
            r *= i;
        }

        pthread_mutex_lock(&e->lock);
        e->fact_result = r;
        /* Status before busy clears: whoever sees busy 0 sees the status bit. */
        if (e->irq_enable & 1) {
            e->irq_status |= IRQ_STATUS_FACT;
            e->irq_due = true;
        }
        e->busy = 0;
        e->fact_queued = false;
        pthread_cond_broadcast(&e->cond);
        if (e->irq_due) {
            eventfd_write(e->wake_fd, 1);
        }
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

/* Waits for a queued factorial to finish. Called with lock held. */
static void
fact_drain_locked(struct edu *e)
{
    while (e->fact_queued) {
        pthread_cond_wait(&e->cond, &e->lock);
    }
}

/* ---- DMA engine ------------------------------------------------------- */

/*
 * Fills sg with the longest prefix of [addr, addr + len) that one
 * scatter/gather entry covers, and returns its length in *piece; an errno
 * when addr is not mapped. The entries are opaque (no public length field),
 * so a range spanning several client mappings is split by bisection.
 */
static int
dma_piece(struct edu *e, uint64_t addr, size_t len, int prot, dma_sg_t *sg,
          size_t *piece)
{
    vfu_dma_addr_t a = (vfu_dma_addr_t)(uintptr_t)addr;
    int r;

    errno = 0;
    r = vfu_addr_to_sgl(e->ctx, a, len, sg, 1, prot);
    if (r == 1) {
        *piece = len;
        return 0;
    }
    if (r == -1) {
        return errno ? errno : EIO;
    }
    /* More than one entry needed: the first byte's mapping ends somewhere inside. */
    size_t lo = 1, hi = len - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (vfu_addr_to_sgl(e->ctx, a, mid, sg, 1, prot) == 1) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if (vfu_addr_to_sgl(e->ctx, a, lo, sg, 1, prot) != 1) {
        return errno ? errno : EIO;
    }
    *piece = lo;
    return 0;
}

/* Moves len bytes between client memory at ram and dev; returns 0 or an errno. */
static int
dma_move(struct edu *e, uint64_t ram, uint8_t *dev, size_t len, bool to_ram,
         bool direct)
{
    dma_sg_t *sg = calloc(1, dma_sg_size());
    int prot = to_ram ? PROT_WRITE : PROT_READ;
    int err = 0;

    if (sg == NULL) {
        return ENOMEM;
    }
    while (len > 0 && err == 0) {
        size_t piece;

        err = dma_piece(e, ram, len, prot, sg, &piece);
        if (err != 0) {
            break;
        }
        if (direct) {
            /* Direct access: only ranges the client mapped with a descriptor. */
            struct iovec iov;
            if (vfu_sgl_get(e->ctx, sg, &iov, 1, 0) != 0) {
                err = errno ? errno : EIO;
                break;
            }
            if (to_ram) {
                memcpy(iov.iov_base, dev, piece);
            } else {
                memcpy(dev, iov.iov_base, piece);
            }
            vfu_sgl_put(e->ctx, sg, &iov, 1);
        } else {
            /* Flags 0: always by messages, even where a descriptor exists. */
            int r = to_ram ? vfu_sgl_write(e->ctx, sg, 1, dev, 0)
                           : vfu_sgl_read(e->ctx, sg, 1, dev, 0);
            if (r != 0) {
                err = errno ? errno : EIO;
                break;
            }
        }
        ram += piece;
        dev += piece;
        len -= piece;
    }
    free(sg);
    return err;
}

static int
dma_run(struct edu *e, uint64_t cmd)
{
    bool to_ram = cmd & DMA_CMD_TO_RAM;
    uint64_t dev = to_ram ? e->dma_src : e->dma_dst;
    uint64_t ram = to_ram ? e->dma_dst : e->dma_src;
    uint64_t len = e->dma_count;

    if (len > DMA_MAX || dev > bar2_size || len > bar2_size - dev) {
        return EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    return dma_move(e, ram, e->bar2 + dev, len, to_ram, cmd & DMA_CMD_DIRECT);
}

/* ---- BAR0 ------------------------------------------------------------- */

/* The one width a register accepts, 0 for an undefined offset. */
static size_t
reg_width(uint64_t off)
{
    switch (off) {
    case R_REG64: case R_FACT_RESULT:
    case R_DMA_SRC: case R_DMA_DST: case R_DMA_COUNT: case R_DMA_CMD:
        return 8;
    case R_IDENT: case R_LIVENESS: case R_RESETS:
    case R_COUNT1: case R_COUNT2: case R_COUNT4: case R_COUNT8:
    case R_FACT: case R_STATUS: case R_IRQ_ENABLE: case R_IRQ_STATUS:
    case R_IRQ_RAISE: case R_IRQ_ACK: case R_IRQ_VECTOR: case R_DMA_RESULT:
    case R_CONTROL: case R_EVENT_SET: case R_FIFO:
    case R_DMA_MAPS:
        return 4;
    default:
        return 0;
    }
}

static int
bar0_read(struct edu *e, uint64_t off, uint64_t *val)
{
    switch (off) {
    case R_IDENT:       *val = edu_ident; break;
    case R_LIVENESS:    *val = (uint32_t)~e->liveness; break;
    case R_RESETS:      *val = e->resets; break;
    case R_COUNT1:      *val = e->width_count[0]; break;
    case R_COUNT2:      *val = e->width_count[1]; break;
    case R_COUNT4:      *val = e->width_count[2]; break;
    case R_COUNT8:      *val = e->width_count[3]; break;
    case R_REG64:       *val = e->reg64; break;
    case R_DMA_SRC:     *val = e->dma_src; break;
    case R_DMA_DST:     *val = e->dma_dst; break;
    case R_DMA_COUNT:   *val = e->dma_count; break;
    case R_DMA_CMD:     *val = e->dma_cmd; break;
    case R_DMA_RESULT:  *val = e->dma_result; break;
    case R_CONTROL:     *val = e->control; break;
    case R_FIFO:        *val = e->fifo_next++; break;   /* the read pops */
    case R_DMA_MAPS:    *val = e->dma_maps; break;
    case R_FACT: case R_STATUS: case R_FACT_RESULT:
    case R_IRQ_ENABLE: case R_IRQ_STATUS:
        pthread_mutex_lock(&e->lock);
        *val = off == R_FACT ? e->fact_n :
               off == R_STATUS ? e->busy :
               off == R_FACT_RESULT ? e->fact_result :
               off == R_IRQ_ENABLE ? e->irq_enable : e->irq_status;
        pthread_mutex_unlock(&e->lock);
        break;
    default:            /* write-only */
        return EINVAL;
    }
    return 0;
}

static int
bar0_write(struct edu *e, uint64_t off, uint64_t val)
{
    int err = 0;

    switch (off) {
    case R_LIVENESS:    e->liveness = val; break;
    case R_COUNT1:      memset(e->width_count, 0, sizeof(e->width_count)); break;
    case R_REG64:       e->reg64 = val; break;
    case R_DMA_SRC:     e->dma_src = val; break;
    case R_DMA_DST:     e->dma_dst = val; break;
    case R_DMA_COUNT:   e->dma_count = val; break;
    case R_IRQ_VECTOR:  return raise_vector(e, val);
    case R_CONTROL:
        e->control = (e->control & CONTROL_W1C & ~(uint32_t)val) |
                     ((uint32_t)val & (CONTROL_MODE | CONTROL_STORE));
        break;
    case R_EVENT_SET:   e->control |= (uint32_t)val & CONTROL_W1C; break;
    case R_FACT:
        if (val > FACT_MAX_N) {
            return EINVAL;
        }
        pthread_mutex_lock(&e->lock);
        if (e->busy) {
            err = EBUSY;        /* one computation at a time */
        } else {
            e->fact_n = val;
            e->busy = 1;
            e->fact_queued = true;
            pthread_cond_broadcast(&e->cond);
        }
        pthread_mutex_unlock(&e->lock);
        return err;
    case R_IRQ_ENABLE:
        pthread_mutex_lock(&e->lock);
        e->irq_enable = val;
        pthread_mutex_unlock(&e->lock);
        break;
    case R_IRQ_RAISE:
        pthread_mutex_lock(&e->lock);
        e->irq_status |= val;
        pthread_mutex_unlock(&e->lock);
        return raise_vector(e, 0);
    case R_IRQ_ACK:
        pthread_mutex_lock(&e->lock);
        e->irq_status &= ~(uint32_t)val;
        pthread_mutex_unlock(&e->lock);
        break;
    case R_DMA_CMD:
        e->dma_cmd = val & ~(uint64_t)DMA_CMD_START;
        if (val & DMA_CMD_START) {
            /* Synchronous: the client's write returns when the data has moved. */
            e->dma_result = dma_run(e, val);
            pthread_mutex_lock(&e->lock);
            bool irq = (val & DMA_CMD_IRQ) || (e->irq_enable & 1);
            if (irq) {
                e->irq_status |= IRQ_STATUS_DMA;
            }
            pthread_mutex_unlock(&e->lock);
            if (irq) {
                return raise_vector(e, 0);
            }
        }
        break;
    default:            /* read-only */
        return EINVAL;
    }
    return 0;
}

/* The scratch at 0x20..0x27: any naturally aligned 1, 2, 4 or 8 bytes. */
static int
scratch_access(struct edu *e, char *buf, size_t count, uint64_t off, bool is_write)
{
    int slot;

    switch (count) {
    case 1: slot = 0; break;
    case 2: slot = 1; break;
    case 4: slot = 2; break;
    case 8: slot = 3; break;
    default: return EINVAL;
    }
    if (off % count != 0 || off + count > R_SCRATCH + sizeof(e->scratch)) {
        return EINVAL;
    }
    if (is_write) {
        memcpy(e->scratch + (off - R_SCRATCH), buf, count);
    } else {
        memcpy(buf, e->scratch + (off - R_SCRATCH), count);
    }
    e->width_count[slot]++;
    return 0;
}

/*
 * libvfio-user hands us each REGION_READ/WRITE exactly as the client sent it
 * (offset and count unchanged), so this is where widths are checked: a
 * client that merged or split accesses gets an error here.
 */
static ssize_t
bar0_access(vfu_ctx_t *ctx, char *buf, size_t count, loff_t offset, bool is_write)
{
    struct edu *e = vfu_get_private(ctx);
    uint64_t off = offset, val = 0;
    int err;

    if (offset < 0) {
        err = EINVAL;
    } else if (off >= R_SCRATCH && off < R_SCRATCH + sizeof(e->scratch)) {
        err = scratch_access(e, buf, count, off, is_write);
    } else if (reg_width(off) != count) {
        err = EINVAL;
    } else if (is_write) {
        memcpy(&val, buf, count);               /* little-endian registers */
        err = bar0_write(e, off, le64toh(val));
        val = le64toh(val);
    } else {
        err = bar0_read(e, off, &val);
        uint64_t le = htole64(val);
        memcpy(buf, &le, count);
    }
    if (e->access_log != NULL) {
        if (off >= R_SCRATCH && off < R_SCRATCH + sizeof(e->scratch)) {
            val = 0;
            memcpy(&val, buf, count < sizeof(val) ? count : sizeof(val));
            val = le64toh(val);
        }
        fprintf(e->access_log, "%s %zu 0x%llx 0x%llx%s\n", is_write ? "write" : "read", count,
                (unsigned long long)offset, (unsigned long long)val, err ? " refused" : "");
        fflush(e->access_log);
    }
    if (err != 0) {
        if (e->verbose) {
            say("BAR0 %s of %zu bytes at %#llx refused: %s", is_write ? "write" : "read",
                count, (unsigned long long)offset, strerror(err));
        }
        errno = err;
        return -1;
    }
    return count;
}

/* ---- BAR2 ------------------------------------------------------------- */

/* Serves every REGION_READ/WRITE, mmap-able areas included (the same bytes). */
static ssize_t
bar2_access(vfu_ctx_t *ctx, char *buf, size_t count, loff_t offset, bool is_write)
{
    struct edu *e = vfu_get_private(ctx);

    if (offset < 0 || (uint64_t)offset > bar2_size || count > bar2_size - (uint64_t)offset) {
        errno = EINVAL;
        return -1;
    }
    if (is_write) {
        memcpy(e->bar2 + offset, buf, count);
    } else {
        memcpy(buf, e->bar2 + offset, count);
    }
    return count;
}

/* ---- device callbacks ------------------------------------------------- */

/*
 * A device reset (DEVICE_RESET, or an FLR) returns the registers to their
 * power-on values and counts itself at 0x08. BAR2's memory is kept, like a
 * device's RAM. A lost connection only waits for the worker: the next client
 * resets the device if it wants a clean one.
 */
static int
edu_reset(vfu_ctx_t *ctx, vfu_reset_type_t type)
{
    struct edu *e = vfu_get_private(ctx);

    pthread_mutex_lock(&e->lock);
    fact_drain_locked(e);
    if (type != VFU_RESET_LOST_CONN) {
        e->fact_n = 0;
        e->fact_result = 0;
        e->irq_enable = 0;
        e->irq_status = 0;
        e->irq_due = false;
    }
    pthread_mutex_unlock(&e->lock);
    if (type == VFU_RESET_LOST_CONN) {
        return 0;
    }
    e->liveness = 0;
    memset(e->width_count, 0, sizeof(e->width_count));
    memset(e->scratch, 0, sizeof(e->scratch));
    e->reg64 = 0;
    e->dma_src = e->dma_dst = e->dma_count = e->dma_cmd = 0;
    e->dma_result = 0;
    e->control = 0;
    e->fifo_next = 0;
    e->resets++;
    if (e->verbose) {
        say("reset (%s), %u so far", type == VFU_RESET_PCI_FLR ? "FLR" : "device", e->resets);
    }
    return 0;
}

/*
 * libvfio-user tracks the client's DMA mappings itself; the callbacks exist
 * because direct access (vfu_sgl_get) needs an unregister callback, and the
 * engine holds no mapping beyond one synchronous transfer.
 */
static void
dma_register(vfu_ctx_t *ctx, vfu_dma_info_t *info)
{
    struct edu *e = vfu_get_private(ctx);

    e->dma_maps++;
    if (e->verbose) {
        say("DMA map iova %p size %#zx %s", info->iova.iov_base, info->iova.iov_len,
            info->vaddr != NULL ? "with descriptor" : "messages only");
    }
}

static void
dma_unregister(vfu_ctx_t *ctx, vfu_dma_info_t *info)
{
    struct edu *e = vfu_get_private(ctx);

    e->dma_maps--;
    if (e->verbose) {
        say("DMA unmap iova %p size %#zx", info->iova.iov_base, info->iova.iov_len);
    }
}

/* ---- set-up and main loop --------------------------------------------- */

/*
 * A socket left behind by a killed server would make bind fail; remove it
 * when nobody listens on it (so a restarted model takes its place), but
 * never take over a live server's socket.
 */
static int
remove_stale_socket(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    int fd, r;

    if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        return 0;
    }
    if (strlen(path) >= sizeof(sa.sun_path)) {
        return 0;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);
    if (r == 0) {
        say("%s: another server is listening there", path);
        return -1;
    }
    if (errno == ECONNREFUSED) {
        unlink(path);
    }
    return 0;
}

static int
setup_bar2(struct edu *e)
{
    struct iovec areas[] = {
        { .iov_base = (void *)0x0, .iov_len = 0x4000 },
        { .iov_base = (void *)0x8000, .iov_len = 0x4000 },
    };
    int fd = memfd_create("vfu_edu-bar2", MFD_CLOEXEC);

    if (fd < 0 || ftruncate(fd, bar2_size) != 0) {
        say("BAR2 memfd: %s", strerror(errno));
        return -1;
    }
    e->bar2 = mmap(NULL, bar2_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (e->bar2 == MAP_FAILED) {
        say("BAR2 mmap: %s", strerror(errno));
        return -1;
    }
    /* libvfio-user keeps fd and hands it to the client with the region info. */
    if (vfu_setup_region(e->ctx, VFU_PCI_DEV_BAR2_REGION_IDX, bar2_size, bar2_access,
                         VFU_REGION_FLAG_RW | VFU_REGION_FLAG_MEM, areas, 2, fd, 0) != 0) {
        say("BAR2 region: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int
setup_device(struct edu *e)
{
    vfu_ctx_t *ctx = e->ctx;
    vfu_pci_config_space_t *cfg;

    if (vfu_setup_log(ctx, log_cb, e->verbose ? LOG_DEBUG : LOG_ERR) != 0 ||
        vfu_pci_init(ctx, VFU_PCI_TYPE_CONVENTIONAL, PCI_HEADER_TYPE_NORMAL, 0) != 0) {
        say("PCI set-up: %s", strerror(errno));
        return -1;
    }
    vfu_pci_set_id(ctx, 0x1234, 0x11e9, 0x1af4, 0x1100);
    vfu_pci_set_class(ctx, 0x00, 0xff, 0x00);
    cfg = vfu_pci_get_config_space(ctx);
    cfg->hdr.rid = 0x10;
    cfg->hdr.intr.ipin = 1;     /* INTA#: the device has an INTx line */

    if (vfu_setup_region(ctx, VFU_PCI_DEV_BAR0_REGION_IDX, BAR0_SIZE, bar0_access,
                         VFU_REGION_FLAG_RW | VFU_REGION_FLAG_MEM, NULL, 0, -1, 0) != 0) {
        say("BAR0 region: %s", strerror(errno));
        return -1;
    }
    if (setup_bar2(e) != 0) {
        return -1;
    }
    if (vfu_setup_device_reset_cb(ctx, edu_reset) != 0 ||
        vfu_setup_device_dma(ctx, LIBVFIO_USER_MAX_DMA_REGIONS, dma_register,
                             dma_unregister) != 0 ||
        vfu_setup_device_nr_irqs(ctx, VFU_DEV_INTX_IRQ, 1) != 0 ||
        vfu_setup_device_nr_irqs(ctx, VFU_DEV_MSI_IRQ, 4) != 0 ||
        vfu_setup_device_nr_irqs(ctx, VFU_DEV_MSIX_IRQ, e->msix_vectors) != 0) {
        say("device set-up: %s", strerror(errno));
        return -1;
    }
    if (vfu_realize_ctx(ctx) != 0) {
        say("realize: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Raises vector 0 if the worker finished a factorial with interrupts enabled. */
static void
worker_wakeup(struct edu *e)
{
    eventfd_t n;
    bool due;

    eventfd_read(e->wake_fd, &n);
    pthread_mutex_lock(&e->lock);
    due = e->irq_due;
    e->irq_due = false;
    pthread_mutex_unlock(&e->lock);
    if (due) {
        raise_vector(e, 0);
    }
}

/*
 * Serves until a signal (or, with once, until the first client leaves).
 * Non-blocking mode lets one poll() watch the client, the worker's eventfd
 * and the signals; each vfu_run_ctx() then handles one request.
 */
static int
serve(struct edu *e, int sig_fd, bool once)
{
    bool attached = false;

    for (;;) {
        struct pollfd p[3] = {
            { .fd = vfu_get_poll_fd(e->ctx), .events = POLLIN },
            { .fd = e->wake_fd, .events = POLLIN },
            { .fd = sig_fd, .events = POLLIN },
        };

        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            say("poll: %s", strerror(errno));
            return 1;
        }
        if (p[2].revents) {
            return 0;
        }
        if (p[1].revents) {
            worker_wakeup(e);
        }
        if (!p[0].revents) {
            continue;
        }
        if (!attached) {
            if (vfu_attach_ctx(e->ctx) == 0) {
                attached = true;
                if (e->verbose) {
                    say("client attached");
                }
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                /* A client that failed negotiation: wait for the next one. */
                say("attach: %s", strerror(errno));
            }
            continue;
        }
        int r;
        do {
            r = vfu_run_ctx(e->ctx);
        } while (r > 0);
        if (r < 0) {
            if (errno == ENOTCONN || errno == ESHUTDOWN || errno == ECONNRESET) {
                attached = false;
                if (e->verbose) {
                    say("client gone");
                }
                if (once) {
                    return 0;
                }
            } else if (errno != EAGAIN && errno != EINTR) {
                say("request: %s", strerror(errno));
            }
        }
    }
}

static void
usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-v] [--once] [--msix-vectors N] [--bar2-size BYTES] "
            "[--access-log FILE] [--ident VALUE] SOCKET\n", argv0);
    exit(2);
}

int
main(int argc, char *argv[])
{
    static const struct option opts[] = {
        { "once", no_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "msix-vectors", required_argument, NULL, 'm' },
        { "bar2-size", required_argument, NULL, 'b' },
        { "ident", required_argument, NULL, 'i' },
        { "access-log", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    static struct edu edu = {
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER,
        .msix_vectors = 8,
    };
    struct edu *e = &edu;
    bool once = false;
    pthread_t worker;
    sigset_t sigs;
    int opt, sig_fd, rc;

    while ((opt = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        switch (opt) {
        case 'v': e->verbose = true; break;
        case 'o': once = true; break;
        case 'm': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 0);
            if (*end != '\0' || n < 1 || n > 2048) {
                usage(argv[0]);
            }
            e->msix_vectors = n;
            break;
        }
        case 'b': {
            /* A BAR is a power of two; the sparse areas need at least 64 KiB. */
            char *end;
            unsigned long long n = strtoull(optarg, &end, 0);
            if (*end != '\0' || n < 0x10000 || n > (1ULL << 30) || (n & (n - 1))) {
                usage(argv[0]);
            }
            bar2_size = n;
            break;
        }
        case 'i': {
            char *end;
            unsigned long long n = strtoull(optarg, &end, 0);
            if (*end != '\0' || n > UINT32_MAX) {
                usage(argv[0]);
            }
            edu_ident = (uint32_t)n;
            break;
        }
        case 'l':
            e->access_log = fopen(optarg, "a");
            if (e->access_log == NULL) {
                say("%s: %s", optarg, strerror(errno));
                return 1;
            }
            break;
        default: usage(argv[0]);
        }
    }
    if (optind != argc - 1) {
        usage(argv[0]);
    }
    const char *path = argv[optind];

    /* Signals arrive through sig_fd (blocked before any thread exists). */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0 ||
        (sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0) {
        say("signals: %s", strerror(errno));
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);   /* a client that vanishes is an error reply, not a death */

    e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (e->wake_fd < 0 || remove_stale_socket(path) != 0) {
        return 1;
    }
    e->ctx = vfu_create_ctx(VFU_TRANS_SOCK, path, LIBVFIO_USER_FLAG_ATTACH_NB, e,
                            VFU_DEV_TYPE_PCI);
    if (e->ctx == NULL) {
        say("%s: %s", path, strerror(errno));
        return 1;
    }
    if (setup_device(e) != 0) {
        vfu_destroy_ctx(e->ctx);
        return 1;
    }
    if (pthread_create(&worker, NULL, fact_worker, e) != 0) {
        say("worker thread failed");
        vfu_destroy_ctx(e->ctx);
        return 1;
    }

    /* The socket has listened since vfu_create_ctx(). */
    printf("ready\n");
    fflush(stdout);

    rc = serve(e, sig_fd, once);

    /* Destroying the context may call the reset callback, which waits for the worker. */
    vfu_destroy_ctx(e->ctx);
    pthread_mutex_lock(&e->lock);
    e->worker_stop = true;
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->lock);
    pthread_join(worker, NULL);
    return rc;
}
