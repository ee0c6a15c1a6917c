/*
 * rtl_broken: the misbehaving endpoint (sim/rtl/broken.v) behind the bridge.
 *
 *     rtl_broken --mode hang|flood|storm [bridge options] SOCKET
 *
 * BAR0 4 KiB, one MSI vector, INTx; ids 1234:0bad.
 */
#include "Vbroken.h"
#include "verilated.h"

#include <cstdio>
#include <cstring>

#include "../bridge/bridge.h"

int
main(int argc, char **argv)
{
    static const sim_device decl = {
        "rtl_broken", 0x1234, 0x0bad, 0x1af4, 0x1100, 0x00, 0xff, 0x00, 0x00,
        { 0x1000, 0, 0, 0, 0, 0 }, 1, true,
    };
    static const char *const modes[] = { "hang", "flood", "storm" };
    VerilatedContext vctx;
    Vbroken top(&vctx);
    sim_ports ports;
    const char *mode_name = sim_take_option(argc, argv, "--mode");   /* ours; the rest goes to the bridge */
    int mode = -1;

    for (int m = 0; mode_name && m < 3; m++) {
        if (strcmp(mode_name, modes[m]) == 0) {
            mode = m;
        }
    }
    if (mode < 0) {
        fprintf(stderr, "usage: %s --mode hang|flood|storm [-v] [--max-cycles N] SOCKET\n", argv[0]);
        return 2;
    }
    top.mode = mode;
    SIM_BIND_PORTS(ports, &top);
    return sim_serve(argc, argv, decl, ports);
}
