# Where libvfio-user's source is and where its build and our models go.
# Sourced (POSIX sh or bash) by build.sh and tests/user/common.sh; needs REPO.
#   VFU_SRC        libvfio-user source (read-only)
#   VFU_BUILD      build root (default /var/tmp/vfiofs-vfu), never a source tree
#   VFU_LIB_BUILD  libvfio-user's meson build directory (lib/, samples/)
#   VFU_MODEL_DIR  our models, one directory per worktree so that worktrees
#                  with different versions of vfu_edu.c never overwrite each other
#   VFU_EDU        the vfu_edu binary
VFU_SRC=${LIBVFIO_USER_SRC:-$REPO/../shared/third_party/libvfio-user}
VFU_BUILD=${VFU_BUILD:-/var/tmp/vfiofs-vfu}
VFU_LIB_BUILD=$VFU_BUILD/libvfio-user
VFU_MODEL_DIR=$VFU_BUILD/models/$(printf '%s' "$(cd "$REPO" && pwd -P)" | cksum | cut -d' ' -f1)
VFU_EDU=$VFU_MODEL_DIR/vfu_edu
VFU_SAMPLES=$VFU_LIB_BUILD/samples
