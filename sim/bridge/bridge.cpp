/*
 * sim/bridge/bridge.cpp: the vfio-user side of a Verilated endpoint.
 *
 * One thread does everything (libvfio-user is not thread-safe): it waits on
 * the client's socket while the endpoint says it is idle, and otherwise
 * clocks the model in batches, looking at the socket between batches. A
 * client's region access becomes MMIO beats on the endpoint's target port,
 * clocked until the endpoint takes a write or answers a read, within a
 * bounded number of cycles (EIO and a log line otherwise). A DMA request of
 * the endpoint becomes one vfu_sgl_read()/vfu_sgl_write(): a DMA_READ or
 * DMA_WRITE message, or a direct copy when the client mapped that memory
 * with a descriptor. Rising edges of the msi[] and intx lines become
 * vfu_irq_trigger(). DEVICE_RESET and a client going away reset the model.
 */
#include "bridge.h"

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "libvfio-user.h"
}

namespace {

constexpr unsigned RESET_CYCLES = 4;
constexpr unsigned BATCH = 256;             /* cycles between looks at the socket */
constexpr uint64_t DEFAULT_MAX_CYCLES = 2000000;
constexpr uint32_t DMA_MAX = 4096;

struct bridge {
    const sim_device *decl;
    sim_ports *p;
    vfu_ctx_t *ctx = nullptr;
    bool verbose = false;
    bool free_running = false;
    uint64_t max_cycles = DEFAULT_MAX_CYCLES;
    /* --step-cycles: simulated time advances only with the client's
     * accesses, at most this many cycles after each (0: freely). */
    uint64_t step_cycles = 0;
    uint64_t step_left = 0;

    uint64_t cycles = 0;
    uint32_t last_msi = 0;
    uint8_t last_intx = 0;

    /* MMIO: read responses owed by accesses that timed out. */
    unsigned stale_reads = 0;
    bool rsp_seen = false;
    uint64_t rsp_data = 0;
    bool rsp_err = false;

    /* DMA: at most one request in flight. */
    /* DMA_XFER: the data is ready to move (a write's beats are in) and
     * waits for a moment when moving it is safe (dma_may_move). */
    enum { DMA_NONE, DMA_WBEATS, DMA_XFER, DMA_RBEATS, DMA_RSP } dma = DMA_NONE;
    bool dma_to_host = false;
    bool dma_direct = false;    /* the client mapped it with a descriptor */
    uint64_t dma_addr = 0;
    uint32_t dma_len = 0;
    uint32_t dma_beat = 0;
    bool dma_err = false;
    uint8_t dma_buf[DMA_MAX + 8];
    dma_sg_t *sg = nullptr;

    /* Inside a client's region access (the client waits for our reply). */
    bool in_access = false;
    /* The client's link has a second socket for our requests (twin_socket). */
    bool twin = false;
    /* libvfio-user dropped the client (reset_cb with LOST_CONN), possibly
     * inside a DMA transfer: the loop must attach the next one. */
    bool client_gone = false;
    /* Counts model resets: a transfer during which libvfio-user dropped the
     * client (and so reset the model) must not touch the new state. */
    uint64_t resets = 0;

    /* counters, logged at exit */
    uint64_t n_dma = 0, n_dma_msg = 0, n_dma_direct = 0, n_dma_err = 0, n_irq = 0;
};

bridge *g_bridge;

void
say(const bridge &b, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s[%d]: ", b.decl->name, (int)getpid());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void
log_cb(vfu_ctx_t *ctx, int level, const char *msg)
{
    (void)ctx;
    (void)level;
    say(*g_bridge, "%s", msg);
}

/* ---- DMA: one request of the endpoint, one libvfio-user transfer ------ */

/*
 * Whether the client negotiated a second socket for the server's requests
 * (twin_socket). libvfio-user does not say, so look: its end of that
 * socketpair is our only unnamed AF_UNIX socket (the listening socket and
 * the accepted connection carry the socket's path).
 */
bool
link_has_twin_socket()
{
    DIR *d = opendir("/proc/self/fd");
    bool found = false;

    if (d == nullptr) {
        return false;
    }
    while (struct dirent *e = readdir(d)) {
        int fd = atoi(e->d_name);
        struct sockaddr_un sa = {};
        socklen_t len = sizeof(sa);

        if (e->d_name[0] == '.' || fd == dirfd(d)) {
            continue;
        }
        if (getsockname(fd, reinterpret_cast<struct sockaddr *>(&sa), &len) == 0 &&
            sa.sun_family == AF_UNIX && len <= sizeof(sa_family_t)) {
            found = true;
        }
    }
    closedir(d);
    return found;
}

/*
 * A DMA_READ/DMA_WRITE message is safe while the client waits for our reply
 * to one of its accesses, or at any time over a twin socket; without one,
 * a message sent while the client sends a request of its own breaks the
 * connection (libvfio-user issue 279). A direct copy is always safe.
 */
bool
dma_may_move(const bridge &b)
{
    return b.dma_direct || b.in_access || b.twin;
}

/* Moves the data of the endpoint's request; false when that failed. */
bool
dma_move(bridge &b)
{
    int r = b.dma_to_host ? vfu_sgl_write(b.ctx, b.sg, 1, b.dma_buf, VFU_SGL_DIRECT_ACCESS)
                          : vfu_sgl_read(b.ctx, b.sg, 1, b.dma_buf, VFU_SGL_DIRECT_ACCESS);
    if (r != 0) {
        say(b, "DMA %s of %u bytes at %#llx failed: %s", b.dma_to_host ? "write" : "read",
            b.dma_len, (unsigned long long)b.dma_addr, strerror(errno));
        return false;
    }
    (b.dma_direct ? b.n_dma_direct : b.n_dma_msg)++;
    return true;
}

/* The endpoint's request was taken at this edge: check it and find its memory. */
void
dma_request(bridge &b)
{
    b.dma_addr = *b.p->dma_req_addr;
    b.dma_len = *b.p->dma_req_len;
    b.dma_to_host = *b.p->dma_req_write;
    b.dma_beat = 0;
    b.dma_err = false;
    b.n_dma++;
    if (b.dma_len == 0 || b.dma_len > DMA_MAX ||
        (b.dma_addr & (DMA_MAX - 1)) + b.dma_len > DMA_MAX) {
        say(b, "DMA request at %#llx of %u bytes refused: 1 to 4096 bytes within one 4 KiB page",
            (unsigned long long)b.dma_addr, b.dma_len);
        b.dma_err = true;
        b.dma = bridge::DMA_RSP;
        return;
    }
    int prot = b.dma_to_host ? PROT_WRITE : PROT_READ;
    auto a = (vfu_dma_addr_t)(uintptr_t)b.dma_addr;
    if (b.ctx == nullptr || vfu_addr_to_sgl(b.ctx, a, b.dma_len, b.sg, 1, prot) != 1) {
        if (b.verbose) {
            say(b, "DMA %s of %u bytes at %#llx: not in one client mapping",
                b.dma_to_host ? "write" : "read", b.dma_len, (unsigned long long)b.dma_addr);
        }
        b.dma_err = true;
        b.dma = bridge::DMA_RSP;
        return;
    }
    b.dma_direct = vfu_sg_is_mappable(b.ctx, b.sg);
    b.dma = b.dma_to_host ? bridge::DMA_WBEATS : bridge::DMA_XFER;
}

/* ---- the clock --------------------------------------------------------- */

void
trigger(bridge &b, uint32_t vector)
{
    b.n_irq++;
    /* No eventfd for it (interrupts off): lost, as on a bus with them disabled. */
    if (vfu_irq_trigger(b.ctx, vector) != 0 && errno != ENOENT && b.verbose) {
        say(b, "interrupt %u: %s", vector, strerror(errno));
    }
}

/*
 * One clock cycle. Handshakes are sampled with the inputs settled just
 * before the rising edge; the bridge's side effects and next inputs follow
 * the edge.
 */
void
clock_cycle(bridge &b)
{
    sim_ports &p = *b.p;

    *p.clk = 0;
    p.eval();
    bool req_taken = *p.mmio_req_valid && *p.mmio_req_ready;
    bool rsp_taken = *p.mmio_rsp_valid && *p.mmio_rsp_ready;
    uint64_t rsp_data = *p.mmio_rsp_data;
    bool rsp_err = *p.mmio_rsp_err;
    bool dreq_taken = *p.dma_req_valid && *p.dma_req_ready;
    bool wbeat_taken = *p.dma_wr_valid && *p.dma_wr_ready;
    uint64_t wbeat = *p.dma_wr_data;
    *p.clk = 1;
    p.eval();
    b.cycles++;

    /* One-cycle inputs end here. */
    *p.dma_rd_valid = 0;
    *p.dma_rsp_valid = 0;
    *p.dma_rsp_err = 0;

    if (req_taken) {
        *p.mmio_req_valid = 0;
    }
    if (rsp_taken) {
        if (b.stale_reads > 0) {
            b.stale_reads--;    /* the late answer of an access that gave EIO */
        } else {
            b.rsp_seen = true;
            b.rsp_data = rsp_data;
            b.rsp_err = rsp_err;
        }
    }

    switch (b.dma) {
    case bridge::DMA_NONE:
        if (dreq_taken) {
            dma_request(b);
        }
        break;
    case bridge::DMA_WBEATS:
        if (wbeat_taken) {
            uint32_t at = b.dma_beat * 8;
            memcpy(b.dma_buf + at, &wbeat, 8);
            b.dma_beat++;
            if (b.dma_beat * 8 >= b.dma_len) {
                b.dma = bridge::DMA_XFER;
            }
        }
        break;
    default:
        break;
    }
    if (b.dma == bridge::DMA_XFER && dma_may_move(b)) {
        uint64_t gen = b.resets;
        bool moved = dma_move(b);
        if (gen != b.resets) {
            return;             /* the client went away inside it: reset already */
        }
        b.dma_err = !moved;
        b.dma_beat = 0;
        b.dma = b.dma_err || b.dma_to_host ? bridge::DMA_RSP : bridge::DMA_RBEATS;
    }
    if (b.dma == bridge::DMA_RBEATS) {
        if (b.dma_beat * 8 < b.dma_len) {
            uint64_t beat = 0;
            uint32_t at = b.dma_beat * 8;
            memcpy(&beat, b.dma_buf + at, 8);
            *p.dma_rd_data = beat;
            *p.dma_rd_valid = 1;
            b.dma_beat++;
        } else {
            b.dma = bridge::DMA_RSP;
        }
    } else if (b.dma == bridge::DMA_RSP && !dreq_taken) {
        *p.dma_rsp_valid = 1;
        *p.dma_rsp_err = b.dma_err;
        b.n_dma_err += b.dma_err;
        b.dma = bridge::DMA_NONE;
    }
    *p.dma_req_ready = b.dma == bridge::DMA_NONE;

    /* Interrupts: rising edges. */
    uint32_t msi = *p.msi;
    uint32_t rising = msi & ~b.last_msi;
    b.last_msi = msi;
    for (uint32_t v = 0; rising != 0 && v < b.decl->msi_vectors; v++) {
        if (rising & (1u << v)) {
            trigger(b, v);
        }
    }
    if (b.decl->intx && *p.intx && !b.last_intx) {
        trigger(b, 0);
    }
    b.last_intx = *p.intx;
}

bool
model_busy(const bridge &b)
{
    if (b.step_cycles != 0 && b.step_left == 0) {
        return false;
    }
    if (b.dma == bridge::DMA_XFER && !dma_may_move(b)) {
        return false;           /* until the client's next access */
    }
    return b.free_running || !*b.p->idle || b.dma != bridge::DMA_NONE;
}

/* Resets the model (rst high for a few cycles) and the bridge's state. */
void
model_reset(bridge &b)
{
    sim_ports &p = *b.p;

    b.resets++;
    b.dma = bridge::DMA_NONE;   /* first: the reset cycles must not start a transfer */
    *p.mmio_req_valid = 0;
    *p.mmio_rsp_ready = 1;
    *p.dma_req_ready = 1;
    *p.dma_wr_ready = 1;
    *p.dma_rd_valid = 0;
    *p.dma_rsp_valid = 0;
    *p.dma_rsp_err = 0;
    *p.rst = 1;
    for (unsigned i = 0; i < RESET_CYCLES; i++) {
        clock_cycle(b);
    }
    *p.rst = 0;
    b.dma = bridge::DMA_NONE;
    *p.dma_req_ready = 1;
    b.stale_reads = 0;
    b.rsp_seen = false;
    b.last_msi = *p.msi;
    b.last_intx = *p.intx;
}

/* ---- MMIO: client accesses become beats on the target port ------------- */

/*
 * One beat: a write is done when the endpoint takes it (posted), a read
 * when its response comes. Clocks at most *budget cycles (shared by the
 * beats of one access); false on timeout.
 */
bool
mmio_beat(bridge &b, unsigned bar, uint64_t word, uint8_t strb, bool write, uint64_t *data,
          uint64_t *budget)
{
    sim_ports &p = *b.p;

    *p.mmio_req_valid = 1;
    *p.mmio_req_write = write;
    *p.mmio_req_bar = bar;
    *p.mmio_req_addr = (uint32_t)word;
    *p.mmio_req_wdata = write ? *data : 0;
    *p.mmio_req_strb = strb;
    b.rsp_seen = false;
    while (*budget > 0) {
        clock_cycle(b);
        (*budget)--;
        if (*p.mmio_req_valid) {
            continue;           /* not taken yet */
        }
        if (write) {
            return true;
        }
        if (b.rsp_seen) {
            *data = b.rsp_data;
            return true;
        }
    }
    if (*p.mmio_req_valid) {
        *p.mmio_req_valid = 0;  /* never taken: withdrawn */
    } else if (!write) {
        b.stale_reads++;        /* taken, never answered: drop its answer if it comes */
    }
    return false;
}

ssize_t
bar_access(unsigned bar, vfu_ctx_t *ctx, char *buf, size_t count, loff_t offset, bool is_write)
{
    bridge &b = *static_cast<bridge *>(vfu_get_private(ctx));
    uint64_t budget = b.max_cycles;
    uint64_t pos = offset, end = offset + count;
    ssize_t ret = count;

    b.in_access = true;

    while (pos < end) {
        uint64_t word = pos & ~7ull;
        unsigned lane = pos - word;
        unsigned n = end - pos < 8 - lane ? end - pos : 8 - lane;
        uint8_t strb = (uint8_t)(((1u << n) - 1) << lane);
        uint64_t data = 0;

        if (is_write) {
            memcpy(reinterpret_cast<uint8_t *>(&data) + lane, buf + (pos - offset), n);
        }
        if (!mmio_beat(b, bar, word, strb, is_write, &data, &budget)) {
            say(b, "BAR%u %s of %zu bytes at %#llx: no %s within %llu cycles", bar,
                is_write ? "write" : "read", count, (unsigned long long)pos,
                is_write ? "acceptance" : "response", (unsigned long long)b.max_cycles);
            ret = -1;
            break;
        }
        if (!is_write && b.rsp_err) {
            if (b.verbose) {
                say(b, "BAR%u read at %#llx: error response", bar, (unsigned long long)pos);
            }
            ret = -1;
            break;
        }
        if (!is_write) {
            memcpy(buf + (pos - offset), reinterpret_cast<uint8_t *>(&data) + lane, n);
        }
        pos += n;
    }
    /* A transfer that waited for this access moves before the reply. */
    if (b.dma == bridge::DMA_XFER) {
        clock_cycle(b);
    }
    b.in_access = false;
    b.step_left = b.step_cycles;
    if (ret < 0) {
        errno = EIO;
    }
    return ret;
}

template <unsigned BAR>
ssize_t
bar_cb(vfu_ctx_t *ctx, char *buf, size_t count, loff_t offset, bool is_write)
{
    return bar_access(BAR, ctx, buf, count, offset, is_write);
}

vfu_region_access_cb_t *const bar_cbs[6] = {
    bar_cb<0>, bar_cb<1>, bar_cb<2>, bar_cb<3>, bar_cb<4>, bar_cb<5>,
};

/* ---- device callbacks and set-up ---------------------------------------- */

int
reset_cb(vfu_ctx_t *ctx, vfu_reset_type_t type)
{
    bridge &b = *static_cast<bridge *>(vfu_get_private(ctx));

    if (type == VFU_RESET_LOST_CONN) {
        b.client_gone = true;
    }
    if (b.verbose || type == VFU_RESET_LOST_CONN) {
        say(b, "reset (%s)", type == VFU_RESET_LOST_CONN ? "client gone" :
            type == VFU_RESET_PCI_FLR ? "FLR" : "device reset");
    }
    model_reset(b);
    return 0;
}

/* Direct access needs the (empty) callbacks: libvfio-user keeps the mappings. */
void
dma_register(vfu_ctx_t *ctx, vfu_dma_info_t *info)
{
    (void)ctx;
    (void)info;
}

void
dma_unregister(vfu_ctx_t *ctx, vfu_dma_info_t *info)
{
    (void)ctx;
    (void)info;
}

int
setup_device(bridge &b)
{
    const sim_device &d = *b.decl;
    vfu_ctx_t *ctx = b.ctx;

    if (vfu_setup_log(ctx, log_cb, b.verbose ? LOG_DEBUG : LOG_ERR) != 0 ||
        vfu_pci_init(ctx, VFU_PCI_TYPE_CONVENTIONAL, PCI_HEADER_TYPE_NORMAL, 0) != 0) {
        say(b, "PCI set-up: %s", strerror(errno));
        return -1;
    }
    vfu_pci_set_id(ctx, d.vendor, d.device, d.subvendor, d.subdevice);
    vfu_pci_set_class(ctx, d.class_base, d.class_sub, d.class_pi);
    vfu_pci_config_space_t *cfg = vfu_pci_get_config_space(ctx);
    cfg->hdr.rid = d.revision;
    cfg->hdr.intr.ipin = d.intx ? 1 : 0;
    for (unsigned i = 0; i < 6; i++) {
        if (d.bar_size[i] == 0) {
            continue;
        }
        if (vfu_setup_region(ctx, VFU_PCI_DEV_BAR0_REGION_IDX + i, d.bar_size[i], bar_cbs[i],
                             VFU_REGION_FLAG_RW | VFU_REGION_FLAG_MEM, nullptr, 0, -1, 0) != 0) {
            say(b, "BAR%u: %s", i, strerror(errno));
            return -1;
        }
    }
    if (vfu_setup_device_reset_cb(ctx, reset_cb) != 0 ||
        vfu_setup_device_dma(ctx, LIBVFIO_USER_MAX_DMA_REGIONS, dma_register, dma_unregister) != 0 ||
        (d.intx && vfu_setup_device_nr_irqs(ctx, VFU_DEV_INTX_IRQ, 1) != 0) ||
        (d.msi_vectors > 0 && vfu_setup_device_nr_irqs(ctx, VFU_DEV_MSI_IRQ, d.msi_vectors) != 0)) {
        say(b, "device set-up: %s", strerror(errno));
        return -1;
    }
    if (vfu_realize_ctx(ctx) != 0) {
        say(b, "realize: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* A socket left by a killed server is removed when nobody listens on it. */
int
remove_stale_socket(const bridge &b, const char *path)
{
    struct sockaddr_un sa = {};
    struct stat st;

    sa.sun_family = AF_UNIX;
    if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode) || strlen(path) >= sizeof(sa.sun_path)) {
        return 0;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    int r = connect(fd, reinterpret_cast<struct sockaddr *>(&sa), sizeof(sa));
    close(fd);
    if (r == 0) {
        say(b, "%s: another server is listening there", path);
        return -1;
    }
    if (errno == ECONNREFUSED) {
        unlink(path);
    }
    return 0;
}

/* Handles what the client sent; false when it went away. */
bool
serve_client(bridge &b)
{
    int r;

    do {
        r = vfu_run_ctx(b.ctx);
    } while (r > 0);
    if (r < 0 && (errno == ENOTCONN || errno == ESHUTDOWN || errno == ECONNRESET)) {
        return false;
    }
    if (r < 0 && errno != EAGAIN && errno != EINTR && errno != EBUSY) {
        say(b, "request: %s", strerror(errno));
    }
    return true;
}

int
serve(bridge &b, int sig_fd)
{
    bool attached = false;

    for (;;) {
        if (b.client_gone) {
            attached = false;   /* the model was reset with it */
            b.client_gone = false;
        }
        bool busy = attached && model_busy(b);
        struct pollfd pf[2] = {
            { vfu_get_poll_fd(b.ctx), POLLIN, 0 },
            { sig_fd, POLLIN, 0 },
        };
        if (poll(pf, 2, busy ? 0 : -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            say(b, "poll: %s", strerror(errno));
            return 1;
        }
        if (pf[1].revents) {
            return 0;
        }
        if (pf[0].revents) {
            if (!attached) {
                if (vfu_attach_ctx(b.ctx) == 0) {
                    attached = true;
                    b.client_gone = false;
                    b.twin = link_has_twin_socket();
                    if (b.verbose) {
                        say(b, "client attached (%s)", b.twin ? "twin socket: DMA messages at any time"
                            : "no twin socket: DMA messages only during an access");
                    }
                } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    say(b, "attach: %s", strerror(errno));
                }
            } else if (!serve_client(b)) {
                /* libvfio-user called reset_cb (LOST_CONN): a clean model for the next. */
                attached = false;
            }
        }
        /* Without a client nothing clocks: nobody to talk to, no core held. */
        for (unsigned i = 0; attached && i < BATCH && model_busy(b) && !b.client_gone; i++) {
            clock_cycle(b);
            if (b.step_left > 0) {
                b.step_left--;
            }
        }
    }
}

void
usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-v] [--intx] [--max-cycles N] [--step-cycles N] [--free-running] SOCKET\n",
            argv0);
    exit(2);
}

/*
 * SIGTERM and SIGINT arrive through a signalfd, so they must be blocked in
 * every thread; Verilator's context starts a thread of its own before a
 * device's main() reaches sim_serve(), so block them before main() runs.
 */
__attribute__((constructor)) void
block_stop_signals()
{
    sigset_t sigs;

    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
}

} // namespace

const char *
sim_take_option(int &argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            const char *value = argv[i + 1];

            memmove(argv + i, argv + i + 2, (argc - i - 1) * sizeof(*argv));
            argc -= 2;
            return value;
        }
    }
    return nullptr;
}

int
sim_serve(int argc, char **argv, const sim_device &decl, sim_ports &ports)
{
    static const struct option opts[] = {
        { "verbose", no_argument, nullptr, 'v' },
        { "intx", no_argument, nullptr, 'i' },
        { "max-cycles", required_argument, nullptr, 'm' },
        { "free-running", no_argument, nullptr, 'f' },
        { "step-cycles", required_argument, nullptr, 's' },
        { nullptr, 0, nullptr, 0 },
    };
    static bridge b;
    bool intx_mode = false;
    int opt;

    b.decl = &decl;
    b.p = &ports;
    g_bridge = &b;
    while ((opt = getopt_long(argc, argv, "v", opts, nullptr)) != -1) {
        switch (opt) {
        case 'v': b.verbose = true; break;
        case 'i': intx_mode = true; break;
        case 'f': b.free_running = true; break;
        case 'm':
        case 's': {
            char *end;
            unsigned long long n = strtoull(optarg, &end, 0);
            if (*end != '\0' || n == 0) {
                usage(argv[0]);
            }
            (opt == 'm' ? b.max_cycles : b.step_cycles) = n;
            break;
        }
        default: usage(argv[0]);
        }
    }
    if (optind != argc - 1) {
        usage(argv[0]);
    }
    const char *path = argv[optind];

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    int sig_fd;
    if (pthread_sigmask(SIG_BLOCK, &sigs, nullptr) != 0 || (sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0) {
        say(b, "signals: %s", strerror(errno));
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);   /* a vanished client is an error, not a death */

    b.sg = static_cast<dma_sg_t *>(calloc(1, dma_sg_size()));
    if (b.sg == nullptr || remove_stale_socket(b, path) != 0) {
        return 1;
    }
    /* The device's "MSI enable": vfio-user does not tell a server which index the client enabled. */
    *ports.msi_enable = decl.msi_vectors > 0 && !intx_mode;
    model_reset(b);
    b.ctx = vfu_create_ctx(VFU_TRANS_SOCK, path, LIBVFIO_USER_FLAG_ATTACH_NB, &b, VFU_DEV_TYPE_PCI);
    if (b.ctx == nullptr) {
        say(b, "%s: %s", path, strerror(errno));
        return 1;
    }
    if (setup_device(b) != 0) {
        vfu_destroy_ctx(b.ctx);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);

    int rc = serve(b, sig_fd);
    vfu_destroy_ctx(b.ctx);
    say(b, "cycles %llu, dma requests %llu (%llu by message, %llu direct, %llu failed), interrupts %llu",
        (unsigned long long)b.cycles, (unsigned long long)b.n_dma, (unsigned long long)b.n_dma_msg,
        (unsigned long long)b.n_dma_direct, (unsigned long long)b.n_dma_err,
        (unsigned long long)b.n_irq);
    free(b.sg);
    return rc;
}
