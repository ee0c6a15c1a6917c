// edu: QEMU 7.2's "edu" teaching device (1234:11e8) as synthesizable
// Verilog, behind sim/'s vfio-user bridge (ports: doc/guide.md, "Driving
// your RTL"). Register for register what the device shows through VFIO:
//
//   0x00 ident (the input ident: rtl_edu gives QEMU's 0x010000ed unless told
//        otherwise, a board revision that differs from the model's)
//                                  0x04 liveness: reads the inverse of a write
//   0x08 factorial (32-bit, wraps) 0x20 status: bit 0 busy, bit 7 irq when done
//   0x24 interrupt status          0x60 raise (ORed into 0x24)  0x64 acknowledge
//   0x80 DMA source  0x88 destination  0x90 count  0x98 command
//        (bit 0 start/busy, bit 1 device -> RAM, bit 2 interrupt 0x100 when done)
//
// Widths: a 4-byte access takes effect anywhere, an 8-byte one only from 0x80
// (below it an 8-byte read is all-ones and an 8-byte write is ignored); any
// other byte-enable pattern (1 or 2 bytes, unaligned) reads 0 and is dropped,
// as QEMU's memory layer refuses those before edu sees them. An offset edu
// does not decode reads all-ones.
//
// DMA: the device's buffer is 4 KiB at device address 0x40000. The RAM-side
// address is masked to 28 bits. A device-side range outside the buffer fails
// the transfer (nothing moves; QEMU 7.2 aborts its machine instead), as does
// an error response from the bridge; either way the engine goes idle and
// raises 0x100 when the command asked for it, so that a waiting driver wakes.
// The engine cuts a transfer into requests that never cross a 4 KiB
// boundary on the RAM side.
module edu #(
    // Cycles a factorial takes before its multiplications: long enough for a
    // driver to see the busy bit, as with QEMU's thread.
    parameter int FACT_DELAY = 100000
) (
    input  logic        clk,
    input  logic        rst,
    input  logic [31:0] ident,
    `include "endpoint_ports.vh"
);
    localparam logic [63:0] BUF_BASE = 64'h40000;
    localparam logic [63:0] BUF_SIZE = 64'h1000;
    localparam logic [63:0] RAM_MASK = 64'h0fff_ffff;

    // ---- registers -------------------------------------------------------
    logic [31:0] addr4, fact, fact_n, fact_acc, fact_wait;
    logic        computing, irqfact;
    logic [31:0] irq_status;
    logic [63:0] dma_src, dma_dst, dma_cnt, dma_cmd;
    logic [7:0]  dbuf [0:4095];

    // ---- MMIO decode -----------------------------------------------------
    // The access the byte enables describe: 4 bytes in either half of the
    // 64-bit word, or all 8; anything else is refused like QEMU's memory
    // layer refuses it.
    logic        acc4, acc8, acc_ok;
    logic [31:0] off;
    assign acc4 = mmio_req_strb == 8'h0f || mmio_req_strb == 8'hf0;
    assign acc8 = mmio_req_strb == 8'hff;
    assign off = mmio_req_addr + (mmio_req_strb == 8'hf0 ? 32'd4 : 32'd0);
    // edu's own rule: 4 bytes anywhere, 8 bytes from 0x80 on.
    assign acc_ok = mmio_req_bar == 3'd0 && (acc4 || (acc8 && off >= 32'h80));
    logic [63:0] wval;
    assign wval = acc8 ? mmio_req_wdata
                : {32'h0, mmio_req_strb == 8'hf0 ? mmio_req_wdata[63:32] : mmio_req_wdata[31:0]};

    logic [63:0] rval;
    always_comb begin
        rval = ~64'h0;
        if (acc_ok) begin
            case (off)
            32'h00: rval = {32'h0, ident};
            32'h04: rval = {32'h0, addr4};
            32'h08: rval = {32'h0, fact};
            32'h20: rval = {32'h0, 24'h0, irqfact, 6'h0, computing};
            32'h24: rval = {32'h0, irq_status};
            32'h80: rval = dma_src;
            32'h88: rval = dma_dst;
            32'h90: rval = dma_cnt;
            32'h98: rval = dma_cmd;
            default: rval = ~64'h0;
            endcase
        end
    end

    logic do_acc, do_wr;
    assign mmio_req_ready = !mmio_rsp_valid;
    assign do_acc = mmio_req_valid && mmio_req_ready;
    assign do_wr = do_acc && mmio_req_write && acc_ok;

    // ---- DMA engine state ------------------------------------------------
    typedef enum logic [2:0] { D_IDLE, D_REQ, D_WBEATS, D_RBEATS, D_RSP } dstate_t;
    dstate_t     dstate;
    logic        dma_to_ram;
    logic [63:0] ram;           // RAM-side address of the next request
    logic [12:0] remaining;     // bytes still to move (<= 4096)
    logic [11:0] boff;          // buffer offset of the next request
    logic [12:0] chunk;         // this request's length
    logic [9:0]  beat;          // beat index within the request
    logic        dma_done, dma_start;

    // The first request's length: up to the next 4 KiB boundary of RAM.
    function automatic logic [12:0] chunk_len(input logic [11:0] page_off, input logic [12:0] left);
        logic [12:0] to_page;
        to_page = 13'h1000 - {1'b0, page_off};
        return left < to_page ? left : to_page;
    endfunction

    // On a request's response (in the DMA engine's always_ff): the transfer
    // ends on an error or after its last request, else the next request
    // follows, again up to the next 4 KiB boundary of RAM.
    task automatic dma_next();
        if (dma_rsp_err || remaining == chunk) begin
            dma_done <= 1;
            dstate <= D_IDLE;
        end else begin
            ram <= ram + {51'h0, chunk};
            boff <= boff + chunk[11:0];
            remaining <= remaining - chunk;
            chunk <= chunk_len(ram[11:0] + chunk[11:0], remaining - chunk);
            dstate <= D_REQ;
        end
    endtask

    // A started transfer's device-side range check (inside the 4 KiB buffer).
    logic [63:0] new_dev, new_ram, new_end;
    logic        new_to_ram, new_ok;
    always_comb begin
        new_to_ram = wval[1];
        new_dev = new_to_ram ? dma_src : dma_dst;
        new_ram = (new_to_ram ? dma_dst : dma_src) & RAM_MASK;
        new_end = new_dev + dma_cnt;
        new_ok = new_end >= new_dev && new_dev >= BUF_BASE && new_end <= BUF_BASE + BUF_SIZE;
    end
    assign dma_start = do_wr && off == 32'h98 && wval[0] && !dma_cmd[0];

    // ---- interrupts ------------------------------------------------------
    logic        fact_done, raise, lower;
    logic [31:0] raise_bits, lower_bits, next_status;
    always_comb begin
        raise = 1'b0;
        raise_bits = 32'h0;
        if (do_wr && off == 32'h60) begin
            raise = 1'b1;
            raise_bits = wval[31:0];
        end
        if (fact_done && irqfact) begin
            raise = 1'b1;
            raise_bits = raise_bits | 32'h1;
        end
        if (dma_done && dma_cmd[2]) begin
            raise = 1'b1;
            raise_bits = raise_bits | 32'h100;
        end
        lower = do_wr && off == 32'h64;
        lower_bits = lower ? wval[31:0] : 32'h0;
        next_status = (irq_status | raise_bits) & ~lower_bits;
    end

    // ---- factorial -------------------------------------------------------
    assign fact_done = computing && fact_wait == 0 && (fact_n == 0 || fact_acc == 0);

    always_ff @(posedge clk) begin
        if (rst) begin
            addr4 <= 0;
            fact <= 0;
            fact_n <= 0;
            fact_acc <= 1;
            fact_wait <= 0;
            computing <= 0;
            irqfact <= 0;
            irq_status <= 0;
            dma_src <= 0;
            dma_dst <= 0;
            dma_cnt <= 0;
            dma_cmd <= 0;
            mmio_rsp_valid <= 0;
            mmio_rsp_data <= 0;
            mmio_rsp_err <= 0;
            msi <= 0;
            intx <= 0;
        end else begin
            // Read responses, in order (one outstanding).
            if (mmio_rsp_valid && mmio_rsp_ready)
                mmio_rsp_valid <= 0;
            if (do_acc && !mmio_req_write) begin
                mmio_rsp_valid <= 1;
                mmio_rsp_err <= 0;
                if (!acc4 && !acc8)
                    mmio_rsp_data <= 0;
                else if (acc8)
                    mmio_rsp_data <= rval;
                else if (mmio_req_strb == 8'hf0)
                    mmio_rsp_data <= {rval[31:0], 32'h0};
                else
                    mmio_rsp_data <= {32'h0, rval[31:0]};
            end

            // Register writes.
            if (do_wr) begin
                case (off)
                32'h04: addr4 <= ~wval[31:0];
                32'h08: if (!computing) begin
                    fact <= wval[31:0];
                    fact_n <= wval[31:0];
                    fact_acc <= 1;
                    fact_wait <= FACT_DELAY;
                    computing <= 1;
                end
                32'h20: irqfact <= wval[7];
                32'h80: if (!dma_cmd[0]) dma_src <= wval;
                32'h88: if (!dma_cmd[0]) dma_dst <= wval;
                32'h90: if (!dma_cmd[0]) dma_cnt <= wval;
                32'h98: if (dma_start) dma_cmd <= wval;
                default: ;
                endcase
            end

            // The factorial: a delay, then one multiplication per cycle.
            if (computing) begin
                if (fact_wait != 0)
                    fact_wait <= fact_wait - 1;
                // Once the product is 0 modulo 2^32 (n >= 34) it stays 0:
                // done early, so that a large n is not 2^32 cycles of busy.
                else if (fact_n != 0 && fact_acc != 0) begin
                    fact_acc <= fact_acc * fact_n;
                    fact_n <= fact_n - 1;
                end else begin
                    fact <= fact_acc;
                    computing <= 0;
                end
            end

            if (dma_done)
                dma_cmd[0] <= 0;

            irq_status <= next_status;
            // MSI: one edge per raise; INTx: a level while status is non-zero.
            msi[0] <= raise && next_status != 0 && msi_enable && !msi[0];
            intx <= !msi_enable && next_status != 0;
        end
    end

    // ---- DMA engine ------------------------------------------------------
    logic [63:0] wbeat;
    always_comb begin
        for (int k = 0; k < 8; k++)
            wbeat[8*k +: 8] = dbuf[boff + 12'({beat, 3'b0}) + 12'(k)];
    end
    assign dma_wr_data = wbeat;
    assign dma_req_valid = dstate == D_REQ;
    assign dma_req_write = dma_to_ram;
    assign dma_req_addr = ram;
    assign dma_req_len = chunk;
    assign dma_wr_valid = dstate == D_WBEATS;

    always_ff @(posedge clk) begin
        dma_done <= 0;
        if (rst) begin
            dstate <= D_IDLE;
            dma_to_ram <= 0;
            ram <= 0;
            remaining <= 0;
            boff <= 0;
            chunk <= 0;
            beat <= 0;
        end else begin
            case (dstate)
            D_IDLE: if (dma_start) begin
                if (!new_ok || dma_cnt == 0) begin
                    dma_done <= 1;      // nothing to move, or a range edu does not have
                end else begin
                    dma_to_ram <= new_to_ram;
                    ram <= new_ram;
                    remaining <= dma_cnt[12:0];
                    boff <= 12'(new_dev - BUF_BASE);
                    chunk <= chunk_len(new_ram[11:0], dma_cnt[12:0]);
                    dstate <= D_REQ;
                end
            end
            D_REQ: if (dma_req_ready) begin
                beat <= 0;
                dstate <= dma_to_ram ? D_WBEATS : D_RBEATS;
            end
            D_WBEATS: if (dma_wr_ready) begin
                beat <= beat + 1;
                if ({beat + 10'd1, 3'b0} >= chunk)
                    dstate <= D_RSP;
            end
            D_RBEATS: begin
                if (dma_rd_valid) begin
                    for (int k = 0; k < 8; k++)
                        if ({beat, 3'b0} + 13'(k) < chunk)
                            dbuf[boff + 12'({beat, 3'b0}) + 12'(k)] <= dma_rd_data[8*k +: 8];
                    beat <= beat + 1;
                end
                // An error response comes without beats.
                if (dma_rsp_valid)
                    dma_next();
            end
            D_RSP: if (dma_rsp_valid)
                dma_next();
            default: dstate <= D_IDLE;
            endcase
        end
    end

    assign idle = !computing && dstate == D_IDLE && !dma_done && !mmio_rsp_valid && msi == 0;
endmodule
