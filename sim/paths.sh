# Where sim/build.sh puts its servers (sourced after tests/user/servers/paths.sh).
SIM_OUT=$VFU_MODEL_DIR/sim
RTL_EDU=$SIM_OUT/rtl_edu/rtl_edu
RTL_BROKEN=$SIM_OUT/rtl_broken/rtl_broken
RTL_AXIL=$SIM_OUT/rtl_axil/rtl_axil
