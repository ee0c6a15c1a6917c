// axil_regs: a small AXI4-Lite slave (64-bit data) standing for a team's own
// register block, put behind the bridge with axil_adapter (axil_demo.v).
//   0x00 ident 0x0000000141584c31 ("1LXA", version 1)   read-only
//   0x08, 0x10, 0x18, 0x20 scratch, byte enables honoured
//   0x28 number of writes taken                          read-only
//   from 0x100: not decoded: reads answer DECERR, writes SLVERR (dropped)
module axil_regs (
    input  logic        clk,
    input  logic        rst,
    input  logic [31:0] s_awaddr,
    input  logic        s_awvalid,
    output logic        s_awready,
    input  logic [63:0] s_wdata,
    input  logic [7:0]  s_wstrb,
    input  logic        s_wvalid,
    output logic        s_wready,
    output logic [1:0]  s_bresp,
    output logic        s_bvalid,
    input  logic        s_bready,
    input  logic [31:0] s_araddr,
    input  logic        s_arvalid,
    output logic        s_arready,
    output logic [63:0] s_rdata,
    output logic [1:0]  s_rresp,
    output logic        s_rvalid,
    input  logic        s_rready
);
    logic [63:0] scratch [0:3];
    logic [63:0] writes;

    // A write is taken when address and data are both there and no B is owed.
    assign s_awready = s_awvalid && s_wvalid && !s_bvalid;
    assign s_wready = s_awready;
    assign s_arready = !s_rvalid;

    function automatic logic [63:0] merge(input logic [63:0] old, input logic [63:0] data,
                                          input logic [7:0] strb);
        logic [63:0] r;
        for (int i = 0; i < 8; i++)
            r[8*i +: 8] = strb[i] ? data[8*i +: 8] : old[8*i +: 8];
        return r;
    endfunction

    always_ff @(posedge clk) begin
        if (rst) begin
            for (int i = 0; i < 4; i++)
                scratch[i] <= 0;
            writes <= 0;
            s_bvalid <= 0;
            s_bresp <= 0;
            s_rvalid <= 0;
            s_rdata <= 0;
            s_rresp <= 0;
        end else begin
            if (s_bvalid && s_bready)
                s_bvalid <= 0;
            if (s_awready) begin
                s_bvalid <= 1;
                s_bresp <= 2'b00;
                writes <= writes + 1;
                case (s_awaddr)
                32'h08: scratch[0] <= merge(scratch[0], s_wdata, s_wstrb);
                32'h10: scratch[1] <= merge(scratch[1], s_wdata, s_wstrb);
                32'h18: scratch[2] <= merge(scratch[2], s_wdata, s_wstrb);
                32'h20: scratch[3] <= merge(scratch[3], s_wdata, s_wstrb);
                default: if (s_awaddr >= 32'h100) s_bresp <= 2'b10;
                endcase
            end
            if (s_rvalid && s_rready)
                s_rvalid <= 0;
            if (s_arvalid && s_arready) begin
                s_rvalid <= 1;
                s_rresp <= 2'b00;
                case (s_araddr)
                32'h00: s_rdata <= 64'h0000_0001_4158_4c31;
                32'h08: s_rdata <= scratch[0];
                32'h10: s_rdata <= scratch[1];
                32'h18: s_rdata <= scratch[2];
                32'h20: s_rdata <= scratch[3];
                32'h28: s_rdata <= writes;
                default: begin
                    s_rdata <= 0;
                    if (s_araddr >= 32'h100) s_rresp <= 2'b11;
                end
                endcase
            end
        end
    end
endmodule
