/*
 * rtl_edu: the Verilog edu (sim/rtl/edu.v) served over vfio-user.
 *
 *     rtl_edu [-v] [--intx] [--max-cycles N] [--step-cycles N] [--free-running] SOCKET
 *
 * The declaration below is QEMU 7.2's edu as a guest sees it: 1234:11e8,
 * subsystem 1af4:1100, revision 0x10, class 0xff0000, BAR0 1 MiB of MMIO,
 * one MSI vector and INTA#. --intx makes the device use INTx instead of MSI
 * (vfio-user does not tell a server which interrupt index its client enabled).
 */
#include "Vedu.h"
#include "verilated.h"

#include "../bridge/bridge.h"

int
main(int argc, char **argv)
{
    static const sim_device decl = {
        "rtl_edu", 0x1234, 0x11e8, 0x1af4, 0x1100, 0x10, 0xff, 0x00, 0x00,
        { 1u << 20, 0, 0, 0, 0, 0 }, 1, true,
    };
    VerilatedContext vctx;
    Vedu top(&vctx);
    sim_ports ports;

    SIM_BIND_PORTS(ports, &top);
    return sim_serve(argc, argv, decl, ports);
}
