/* include/libvfiofs.h alone, as C99 and as C++: it must bring every include it needs (Makefile.am, headers.stamp). */
#include <libvfiofs.h>
