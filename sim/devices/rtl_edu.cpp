/*
 * rtl_edu: the Verilog edu (sim/rtl/edu.v) served over vfio-user.
 *
 *     rtl_edu [--ident VALUE] [-v] [--intx] [--max-cycles N] [--step-cycles N]
 *             [--free-running] SOCKET
 *
 * The declaration below is QEMU 7.2's edu as a guest sees it: 1234:11e8,
 * subsystem 1af4:1100, revision 0x10, class 0xff0000, BAR0 1 MiB of MMIO,
 * one MSI vector and INTA#. --intx makes the device use INTx instead of MSI
 * (vfio-user does not tell a server which interrupt index its client enabled).
 * --ident sets what register 0x00 reads (default QEMU's 0x010000ed): the
 * same design as another revision, for a trace diff that has a real
 * difference to find.
 */
#include "Vedu.h"
#include "verilated.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "../bridge/bridge.h"

/* What --ident VALUE says register 0x00 reads (default QEMU's); false on a bad value. */
static bool
take_ident(int &argc, char **argv, uint32_t &ident)
{
    const char *text = sim_take_option(argc, argv, "--ident");
    char *end;
    unsigned long v;

    if (!text) {
        return true;
    }
    errno = 0;
    v = strtoul(text, &end, 0);
    if (errno || *end || end == text || v > 0xffffffffUL) {
        fprintf(stderr, "rtl_edu: --ident takes a 32-bit number, not '%s'\n", text);
        return false;
    }
    ident = (uint32_t)v;
    return true;
}

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
    uint32_t ident = 0x010000ed;

    if (!take_ident(argc, argv, ident)) {
        return 2;
    }
    top.ident = ident;
    SIM_BIND_PORTS(ports, &top);
    return sim_serve(argc, argv, decl, ports);
}
