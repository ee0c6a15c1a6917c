/*
 * rtl_axil: an AXI4-Lite register block behind the bridge through
 * sim/rtl/axil_adapter.v (sim/rtl/axil_demo.v): the pattern for a team's
 * own AXI4-Lite slave. BAR0 4 KiB, no interrupts; ids 1234:a71e.
 *
 *     rtl_axil [-v] [--max-cycles N] SOCKET
 */
#include "Vaxil_demo.h"
#include "verilated.h"

#include "../bridge/bridge.h"

int
main(int argc, char **argv)
{
    static const sim_device decl = {
        "rtl_axil", 0x1234, 0xa71e, 0x1af4, 0x1100, 0x01, 0xff, 0x00, 0x00,
        { 0x1000, 0, 0, 0, 0, 0 }, 0, false,
    };
    VerilatedContext vctx;
    Vaxil_demo top(&vctx);
    sim_ports ports;

    SIM_BIND_PORTS(ports, &top);
    return sim_serve(argc, argv, decl, ports);
}
