/* include/vfiofs.h alone: it must bring every include it needs (Makefile.am, headers.stamp). */
#include <vfiofs.h>
