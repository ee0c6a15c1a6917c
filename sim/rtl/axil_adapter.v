// axil_adapter: the bridge's MMIO target port as an AXI4-Lite master, so
// that an existing AXI4-Lite slave (64-bit data) goes behind sim/'s bridge
// unchanged. One access at a time: a write takes AW and W (together or in
// either order) and waits for B before the next request; a read takes AR
// and answers with R. rresp SLVERR/DECERR becomes the response's error
// flag (EIO for the client); a write's bresp is dropped, as writes are
// posted. mmio_req_bar is not looked at: put one adapter per BAR.
module axil_adapter (
    input  logic        clk,
    input  logic        rst,
    // the bridge's MMIO target port
    input  logic        mmio_req_valid,
    output logic        mmio_req_ready,
    input  logic        mmio_req_write,
    input  logic [31:0] mmio_req_addr,
    input  logic [63:0] mmio_req_wdata,
    input  logic [7:0]  mmio_req_strb,
    output logic        mmio_rsp_valid,
    input  logic        mmio_rsp_ready,
    output logic [63:0] mmio_rsp_data,
    output logic        mmio_rsp_err,
    output logic        busy,
    // AXI4-Lite master
    output logic [31:0] m_awaddr,
    output logic [2:0]  m_awprot,
    output logic        m_awvalid,
    input  logic        m_awready,
    output logic [63:0] m_wdata,
    output logic [7:0]  m_wstrb,
    output logic        m_wvalid,
    input  logic        m_wready,
    input  logic [1:0]  m_bresp,
    input  logic        m_bvalid,
    output logic        m_bready,
    output logic [31:0] m_araddr,
    output logic [2:0]  m_arprot,
    output logic        m_arvalid,
    input  logic        m_arready,
    input  logic [63:0] m_rdata,
    input  logic [1:0]  m_rresp,
    input  logic        m_rvalid,
    output logic        m_rready
);
    typedef enum logic [1:0] { IDLE, WRITE, READ, RESPOND } state_t;
    state_t state;

    assign mmio_req_ready = state == IDLE;
    assign busy = state != IDLE;
    assign m_awprot = 3'b000;
    assign m_arprot = 3'b000;
    assign m_bready = state == WRITE;
    assign m_rready = state == READ;

    always_ff @(posedge clk) begin
        if (rst) begin
            state <= IDLE;
            m_awvalid <= 0;
            m_wvalid <= 0;
            m_arvalid <= 0;
            m_awaddr <= 0;
            m_araddr <= 0;
            m_wdata <= 0;
            m_wstrb <= 0;
            mmio_rsp_valid <= 0;
            mmio_rsp_data <= 0;
            mmio_rsp_err <= 0;
        end else begin
            case (state)
            IDLE: if (mmio_req_valid) begin
                if (mmio_req_write) begin
                    m_awaddr <= mmio_req_addr;
                    m_wdata <= mmio_req_wdata;
                    m_wstrb <= mmio_req_strb;
                    m_awvalid <= 1;
                    m_wvalid <= 1;
                    state <= WRITE;
                end else begin
                    m_araddr <= mmio_req_addr;
                    m_arvalid <= 1;
                    state <= READ;
                end
            end
            WRITE: begin
                if (m_awready) m_awvalid <= 0;
                if (m_wready) m_wvalid <= 0;
                if (m_bvalid && !m_awvalid && !m_wvalid)
                    state <= IDLE;
            end
            READ: begin
                if (m_arready) m_arvalid <= 0;
                if (m_rvalid && !m_arvalid) begin
                    mmio_rsp_valid <= 1;
                    mmio_rsp_data <= m_rdata;
                    mmio_rsp_err <= m_rresp[1];
                    state <= RESPOND;
                end
            end
            RESPOND: if (mmio_rsp_ready) begin
                mmio_rsp_valid <= 0;
                state <= IDLE;
            end
            endcase
        end
    end
    logic unused;
    assign unused = ^{m_bresp, m_rresp[0]};
endmodule
