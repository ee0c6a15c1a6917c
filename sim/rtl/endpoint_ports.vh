// The ports every endpoint behind sim/'s bridge has after clk and rst (and
// any inputs of its own): the MMIO target, the DMA master, the interrupt
// lines and idle, as the bridge binds them (doc/guide.md, "The endpoint's
// ports"). `include it as the last entry of the module's port list:
//     module mytop (
//         input  logic        clk,
//         input  logic        rst,
//         `include "endpoint_ports.vh"
//     );
// sim/build.sh passes this folder to verilator as an include path.
    // MMIO target
    input  logic        mmio_req_valid,
    output logic        mmio_req_ready,
    input  logic        mmio_req_write,
    input  logic [2:0]  mmio_req_bar,
    input  logic [31:0] mmio_req_addr,
    input  logic [63:0] mmio_req_wdata,
    input  logic [7:0]  mmio_req_strb,
    output logic        mmio_rsp_valid,
    input  logic        mmio_rsp_ready,
    output logic [63:0] mmio_rsp_data,
    output logic        mmio_rsp_err,
    // DMA master
    output logic        dma_req_valid,
    input  logic        dma_req_ready,
    output logic        dma_req_write,
    output logic [63:0] dma_req_addr,
    output logic [12:0] dma_req_len,
    output logic        dma_wr_valid,
    input  logic        dma_wr_ready,
    output logic [63:0] dma_wr_data,
    input  logic        dma_rd_valid,
    input  logic [63:0] dma_rd_data,
    input  logic        dma_rsp_valid,
    input  logic        dma_rsp_err,
    // interrupts
    input  logic        msi_enable,
    output logic [31:0] msi,
    output logic        intx,
    output logic        idle
