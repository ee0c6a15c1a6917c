// broken: a deliberately misbehaving endpoint, for the tests that show a
// bad device harms only its own directory. The bridge's main sets mode:
//   0 hang   never takes an MMIO request (every access runs out of cycles)
//   1 flood  answers MMIO (BAR0 0x00: 8-byte DMA address, reads back), and
//            issues 4 KiB DMA requests back to back, reads and writes in
//            turn, at that address (0 until set: requests that fail)
//   2 storm  answers MMIO (as in flood) and toggles its MSI and INTx lines
//            every other cycle: an interrupt storm
// It is never idle in modes 1 and 2: the bridge clocks it without pause.
module broken (
    input  logic        clk,
    input  logic        rst,
    input  logic [1:0]  mode,
    `include "endpoint_ports.vh"
);
    logic [63:0] addr;
    logic [9:0]  beat;
    logic        busy, writing, toggle;

    assign mmio_req_ready = mode != 2'd0 && !mmio_rsp_valid;
    assign mmio_rsp_err = 1'b0;
    assign dma_req_valid = mode == 2'd1 && !busy;
    assign dma_req_write = writing;
    assign dma_req_addr = addr;
    assign dma_req_len = 13'h1000;
    assign dma_wr_valid = busy && writing && beat < 10'd512;
    assign dma_wr_data = {54'h0, beat};
    assign msi = {31'h0, mode == 2'd2 && toggle && msi_enable};
    assign intx = mode == 2'd2 && toggle && !msi_enable;
    assign idle = mode == 2'd0;

    always_ff @(posedge clk) begin
        if (rst) begin
            addr <= 0;
            beat <= 0;
            busy <= 0;
            writing <= 0;
            toggle <= 0;
            mmio_rsp_valid <= 0;
            mmio_rsp_data <= 0;
        end else begin
            toggle <= !toggle;
            if (mmio_rsp_valid && mmio_rsp_ready)
                mmio_rsp_valid <= 0;
            if (mmio_req_valid && mmio_req_ready) begin
                if (mmio_req_write && mmio_req_bar == 3'd0 && mmio_req_addr == 32'h0 &&
                    mmio_req_strb == 8'hff)
                    addr <= mmio_req_wdata;
                if (!mmio_req_write) begin
                    mmio_rsp_valid <= 1;
                    mmio_rsp_data <= mmio_req_addr == 32'h0 ? addr : 64'h0;
                end
            end
            if (dma_req_valid && dma_req_ready) begin
                busy <= 1;
                beat <= 0;
            end
            if (dma_wr_valid && dma_wr_ready)
                beat <= beat + 1;
            if (busy && !writing && dma_rd_valid)
                beat <= beat + 1;
            if (busy && dma_rsp_valid) begin
                busy <= 0;
                writing <= !writing;
            end
        end
    end
    // (the read data itself is of no interest)
    logic unused;
    assign unused = ^{dma_rd_data, dma_rsp_err, mmio_req_strb[6:0], mmio_req_addr[31:0]};
endmodule
