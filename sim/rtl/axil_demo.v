// axil_demo: an AXI4-Lite register block (axil_regs) behind the bridge
// through axil_adapter: how a team puts its own AXI4-Lite slave behind
// sim/. No DMA, no interrupts. Served by sim/devices/rtl_axil.cpp.
module axil_demo (
    input  logic        clk,
    input  logic        rst,
    `include "endpoint_ports.vh"
);
    logic [31:0] awaddr, araddr;
    logic [2:0]  awprot, arprot;
    logic        awvalid, awready, wvalid, wready, bvalid, bready;
    logic        arvalid, arready, rvalid, rready, busy;
    logic [63:0] wdata, rdata;
    logic [7:0]  wstrb;
    logic [1:0]  bresp, rresp;

    axil_adapter adapter (
        .clk, .rst, .mmio_req_valid, .mmio_req_ready, .mmio_req_write, .mmio_req_addr,
        .mmio_req_wdata, .mmio_req_strb, .mmio_rsp_valid, .mmio_rsp_ready, .mmio_rsp_data,
        .mmio_rsp_err, .busy,
        .m_awaddr(awaddr), .m_awprot(awprot), .m_awvalid(awvalid), .m_awready(awready),
        .m_wdata(wdata), .m_wstrb(wstrb), .m_wvalid(wvalid), .m_wready(wready),
        .m_bresp(bresp), .m_bvalid(bvalid), .m_bready(bready),
        .m_araddr(araddr), .m_arprot(arprot), .m_arvalid(arvalid), .m_arready(arready),
        .m_rdata(rdata), .m_rresp(rresp), .m_rvalid(rvalid), .m_rready(rready));

    axil_regs regs (
        .clk, .rst,
        .s_awaddr(awaddr), .s_awvalid(awvalid), .s_awready(awready),
        .s_wdata(wdata), .s_wstrb(wstrb), .s_wvalid(wvalid), .s_wready(wready),
        .s_bresp(bresp), .s_bvalid(bvalid), .s_bready(bready),
        .s_araddr(araddr), .s_arvalid(arvalid), .s_arready(arready),
        .s_rdata(rdata), .s_rresp(rresp), .s_rvalid(rvalid), .s_rready(rready));

    assign dma_req_valid = 0;
    assign dma_req_write = 0;
    assign dma_req_addr = 0;
    assign dma_req_len = 0;
    assign dma_wr_valid = 0;
    assign dma_wr_data = 0;
    assign msi = 0;
    assign intx = 0;
    assign idle = !busy;
    logic unused;
    assign unused = ^{mmio_req_bar, dma_req_ready, dma_wr_ready, dma_rd_valid, dma_rd_data,
                      dma_rsp_valid, dma_rsp_err, msi_enable, awprot, arprot};
endmodule
