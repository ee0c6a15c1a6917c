/*
 * sim/bridge: puts a Verilated endpoint behind vfio-user (libvfio-user's
 * public API). An endpoint module has the ports listed in doc/guide.md,
 * "Driving your RTL"; a device's main() declares its config space and BARs
 * (struct sim_device), binds the Verilated top's ports (SIM_BIND_PORTS) and
 * calls sim_serve(), which serves one client after another on the socket.
 */
#ifndef SIM_BRIDGE_H
#define SIM_BRIDGE_H

#include <cstdint>
#include <functional>

/* Config space and BARs: what the client sees before the RTL runs. */
struct sim_device {
    const char *name;           /* log prefix, e.g. "rtl_edu" */
    uint16_t vendor, device, subvendor, subdevice;
    uint8_t revision;
    uint8_t class_base, class_sub, class_pi;
    uint64_t bar_size[6];       /* memory BARs, powers of two; 0 = absent */
    uint32_t msi_vectors;       /* 0..32: the endpoint's msi[] lines in use */
    bool intx;                  /* the endpoint drives its intx line */
};

/*
 * The endpoint's ports, as pointers into the Verilated top (Verilator
 * gives a port of up to 8 bits as uint8_t, 16 as uint16_t, 32 as uint32_t,
 * 64 as uint64_t). Inputs of the endpoint are written by the bridge.
 */
struct sim_ports {
    uint8_t *clk, *rst;
    /* MMIO target */
    uint8_t *mmio_req_valid, *mmio_req_ready, *mmio_req_write, *mmio_req_bar;
    uint32_t *mmio_req_addr;
    uint64_t *mmio_req_wdata;
    uint8_t *mmio_req_strb;
    uint8_t *mmio_rsp_valid, *mmio_rsp_ready;
    uint64_t *mmio_rsp_data;
    uint8_t *mmio_rsp_err;
    /* DMA master */
    uint8_t *dma_req_valid, *dma_req_ready, *dma_req_write;
    uint64_t *dma_req_addr;
    uint16_t *dma_req_len;
    uint8_t *dma_wr_valid, *dma_wr_ready;
    uint64_t *dma_wr_data;
    uint8_t *dma_rd_valid;
    uint64_t *dma_rd_data;
    uint8_t *dma_rsp_valid, *dma_rsp_err;
    /* interrupts and power */
    uint8_t *msi_enable;
    uint32_t *msi;
    uint8_t *intx;
    uint8_t *idle;
    std::function<void()> eval;
};

/* Fills a struct sim_ports from a Verilated top whose ports have the names above. */
#define SIM_BIND_PORTS(p, top) do {                                           \
    (p).clk = &(top)->clk; (p).rst = &(top)->rst;                             \
    (p).mmio_req_valid = &(top)->mmio_req_valid;                              \
    (p).mmio_req_ready = &(top)->mmio_req_ready;                              \
    (p).mmio_req_write = &(top)->mmio_req_write;                              \
    (p).mmio_req_bar = &(top)->mmio_req_bar;                                  \
    (p).mmio_req_addr = &(top)->mmio_req_addr;                                \
    (p).mmio_req_wdata = &(top)->mmio_req_wdata;                              \
    (p).mmio_req_strb = &(top)->mmio_req_strb;                                \
    (p).mmio_rsp_valid = &(top)->mmio_rsp_valid;                              \
    (p).mmio_rsp_ready = &(top)->mmio_rsp_ready;                              \
    (p).mmio_rsp_data = &(top)->mmio_rsp_data;                                \
    (p).mmio_rsp_err = &(top)->mmio_rsp_err;                                  \
    (p).dma_req_valid = &(top)->dma_req_valid;                                \
    (p).dma_req_ready = &(top)->dma_req_ready;                                \
    (p).dma_req_write = &(top)->dma_req_write;                                \
    (p).dma_req_addr = &(top)->dma_req_addr;                                  \
    (p).dma_req_len = &(top)->dma_req_len;                                    \
    (p).dma_wr_valid = &(top)->dma_wr_valid;                                  \
    (p).dma_wr_ready = &(top)->dma_wr_ready;                                  \
    (p).dma_wr_data = &(top)->dma_wr_data;                                    \
    (p).dma_rd_valid = &(top)->dma_rd_valid;                                  \
    (p).dma_rd_data = &(top)->dma_rd_data;                                    \
    (p).dma_rsp_valid = &(top)->dma_rsp_valid;                                \
    (p).dma_rsp_err = &(top)->dma_rsp_err;                                    \
    (p).msi_enable = &(top)->msi_enable;                                      \
    (p).msi = &(top)->msi;                                                    \
    (p).intx = &(top)->intx;                                                  \
    (p).idle = &(top)->idle;                                                  \
    (p).eval = [top]() { (top)->eval(); };                                    \
} while (0)

/*
 * Serves the device: parses the common options (argv), listens on the
 * socket, prints "ready", and runs until SIGTERM/SIGINT. Returns the exit
 * status. Options: [-v] [--intx] [--max-cycles N] [--step-cycles N]
 * [--free-running] SOCKET
 */
int sim_serve(int argc, char **argv, const sim_device &decl, sim_ports &ports);

/*
 * A device's own "NAME VALUE" option taken out of argv before sim_serve()
 * sees it: its VALUE, or nullptr when argv does not have it.
 */
const char *sim_take_option(int &argc, char **argv, const char *name);

#endif
